"""What every part of the store shares: its connections and small query helpers."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable, Mapping
from contextlib import asynccontextmanager
from contextvars import ContextVar

import aiosqlite

Parameters = Iterable[object] | Mapping[str, object]


def _bind(parameters: Parameters) -> tuple[object, ...] | Mapping[str, object]:
    """Named parameters stay a mapping; anything else becomes a tuple."""
    return parameters if isinstance(parameters, Mapping) else tuple(parameters)


# True in the task that holds the write transaction: its reads must see its own writes.
_in_transaction: ContextVar[bool] = ContextVar("in_transaction", default=False)


class Connections:
    """The store's two connections: one that writes, and one that only reads.

    In WAL mode the reader sees the last committed state and never waits on the writer, so a
    reply neither sees a transaction half-written nor waits for a long one to commit. Each
    aiosqlite connection runs its statements on its own thread, one at a time: readers on
    the writer's connection would queue behind every statement of a big ingest.
    """

    def __init__(self, writer: aiosqlite.Connection, reader: aiosqlite.Connection) -> None:
        self.writer = writer
        self.reader = reader
        self.lock = asyncio.Lock()

    async def close(self) -> None:
        """Close both connections."""
        if self.reader is not self.writer:
            await self.reader.close()
        await self.writer.close()


class Repository:
    """A part of the store: its SQL, run on the store's connections.

    Reads go to the reader, except inside a transaction, which reads its own writes. Every
    part shares the writer and one lock. A transaction holds the lock from BEGIN to COMMIT,
    and so does every write made outside one: on a shared connection, another task's
    statement would otherwise land inside the open transaction, and be rolled back with it.
    """

    def __init__(self, connections: Connections) -> None:
        self._connections = connections
        self._db = connections.writer
        self._lock = connections.lock

    def _reading(self) -> aiosqlite.Connection:
        return self._db if _in_transaction.get() else self._connections.reader

    async def _write(self, sql: str, parameters: Parameters = ()) -> aiosqlite.Cursor:
        """One write statement, outside any transaction of another task."""
        async with self._lock:
            return await self._db.execute(sql, _bind(parameters))

    async def _fetchone(self, sql: str, parameters: Parameters = ()) -> aiosqlite.Row | None:
        # Every row is read in one go (see _fetchall): a statement left part-read would keep
        # the reading connection's snapshot open, and other tasks' reads on it would miss
        # the writes committed since, their own included.
        rows = await self._fetchall(sql, parameters)
        return rows[0] if rows else None

    async def _fetchall(self, sql: str, parameters: Parameters = ()) -> list[aiosqlite.Row]:
        # Run and read in one call on the connection's thread: between a separate execute and
        # fetch, other tasks' reads would run inside this statement's open snapshot.
        return list(await self._reading().execute_fetchall(sql, _bind(parameters)))

    async def _scalar(self, sql: str, parameters: Parameters = ()) -> int:
        row = await self._fetchone(sql, parameters)
        return int(row[0]) if row and row[0] is not None else 0

    @asynccontextmanager
    async def _transaction(self) -> AsyncIterator[None]:
        """One write transaction; IMMEDIATE takes the write lock before the first read."""
        async with self._lock:
            await self._db.execute("BEGIN IMMEDIATE")
            inside = _in_transaction.set(True)
            try:
                yield
            except BaseException:
                if self._db.in_transaction:
                    await self._db.execute("ROLLBACK")
                raise
            finally:
                _in_transaction.reset(inside)
            await self._db.execute("COMMIT")


def inserted_id(lastrowid: int | None) -> int:
    """The row id of an INSERT, which a rowid table always reports."""
    if lastrowid is None:
        raise RuntimeError("INSERT reported no row id")
    return lastrowid
