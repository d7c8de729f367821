"""The workers of a SQLite store: one process owns the file, so it is alone and leads."""

from __future__ import annotations

import time

from content.storage.sqlite.db import Repository

# Old update ids are forgotten one call in this many: a cheap DELETE, not one per update.
_PRUNE_EVERY = 64


class OneWorker(Repository):
    """The process that opened the SQLite store, the only one there is."""

    async def heartbeat(self, worker: str, ttl: float) -> int:  # noqa: ARG002 - the Protocol's
        """Alone: one worker."""
        return 1

    async def leave(self, worker: str) -> None:
        """Nothing to give up."""

    async def leads(self) -> bool:
        """Always: there is no other process to run the jobs."""
        return True

    async def first_sight(self, update_id: int, window: float) -> bool:
        now = time.time()
        async with self._transaction():
            if update_id % _PRUNE_EVERY == 0:
                await self._db.execute(
                    "DELETE FROM seen_updates WHERE seen_at < ?", (now - window,)
                )
            cursor = await self._db.execute(
                "INSERT INTO seen_updates (update_id, seen_at) VALUES (?, ?)"
                " ON CONFLICT (update_id) DO UPDATE SET seen_at = excluded.seen_at"
                " WHERE seen_updates.seen_at < ?",
                (update_id, now, now - window),
            )
            return cursor.rowcount > 0
