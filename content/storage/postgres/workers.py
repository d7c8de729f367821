"""The workers sharing a PostgreSQL store: heartbeats, and an advisory lock for the jobs."""

from __future__ import annotations

import logging
from typing import Any

import asyncpg

logger = logging.getLogger(__name__)

# Held, by one session at a time, by the worker that runs the scheduled jobs.
_JOBS_LOCK = 0x4D6F6A63
# Rows of workers gone this long are removed (they no longer count long before).
_FORGET_SECONDS = 3600
# Old update ids are forgotten one call in this many: a cheap DELETE, not one per update.
_PRUNE_EVERY = 64


class PostgresWorkers:
    """Workers count themselves by heartbeat on the database's clock, never their own, so
    their clocks need not agree. The leader holds a session advisory lock on a connection of
    its own: if the process dies the session ends, and the next worker to ask takes over."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool
        self._leader: Any = None  # the connection that holds the lock, while we hold it

    async def heartbeat(self, worker: str, ttl: float) -> int:
        """Record ``worker`` as alive; how many were alive in the last ``ttl`` seconds."""
        async with self._pool.acquire() as connection, connection.transaction():
            await connection.execute(
                "INSERT INTO workers (id, seen_at) VALUES ($1, clock_timestamp())"
                " ON CONFLICT (id) DO UPDATE SET seen_at = excluded.seen_at",
                worker,
            )
            await connection.execute(
                "DELETE FROM workers"
                " WHERE seen_at < clock_timestamp() - make_interval(secs => $1)",
                float(_FORGET_SECONDS),
            )
            alive = await connection.fetchval(
                "SELECT count(*) FROM workers"
                " WHERE seen_at > clock_timestamp() - make_interval(secs => $1)",
                ttl,
            )
        return max(1, int(alive))

    async def first_sight(self, update_id: int, window: float) -> bool:
        async with self._pool.acquire() as connection, connection.transaction():
            if update_id % _PRUNE_EVERY == 0:
                await connection.execute(
                    "DELETE FROM seen_updates"
                    " WHERE seen_at < clock_timestamp() - make_interval(secs => $1)",
                    window,
                )
            status = await connection.execute(
                "INSERT INTO seen_updates (update_id) VALUES ($1)"
                " ON CONFLICT (update_id) DO UPDATE SET seen_at = clock_timestamp()"
                " WHERE seen_updates.seen_at < clock_timestamp() - make_interval(secs => $2)",
                update_id, window,
            )  # fmt: skip
        return bool(status.endswith(" 1"))

    async def leave(self, worker: str) -> None:
        """Stop counting ``worker``, and give the jobs up to the next worker."""
        await self._pool.execute("DELETE FROM workers WHERE id = $1", worker)
        await self.give_up()

    async def leads(self) -> bool:
        """Whether this process holds the jobs' lock; tries to take it when it does not."""
        if self._leader is not None:
            try:
                await self._leader.fetchval("SELECT 1", timeout=5)
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, TimeoutError):
                logger.warning("Lost the connection that held the jobs' lock")
                await self.give_up()
                return False
            return True
        connection = await self._pool.acquire()
        try:
            taken = await connection.fetchval("SELECT pg_try_advisory_lock($1)", _JOBS_LOCK)
        except BaseException:
            await self._pool.release(connection)
            raise
        if not taken:
            await self._pool.release(connection)
            return False
        self._leader = connection
        logger.info("This worker runs the scheduled jobs now")
        return True

    async def give_up(self) -> None:
        """Let another worker run the jobs (a pool cannot close while this holds them)."""
        connection, self._leader = self._leader, None
        if connection is None:
            return
        try:
            await connection.execute("SELECT pg_advisory_unlock_all()")
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError):
            await connection.close()  # the server ends the session, and the lock with it
        finally:
            await self._pool.release(connection)
