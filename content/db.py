"""What every part of the store shares: one connection and small query helpers."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable, Mapping
from contextlib import asynccontextmanager

import aiosqlite

Parameters = Iterable[object] | Mapping[str, object]


def _bind(parameters: Parameters) -> tuple[object, ...] | Mapping[str, object]:
    """Named parameters stay a mapping; anything else becomes a tuple."""
    return parameters if isinstance(parameters, Mapping) else tuple(parameters)


class Repository:
    """A part of the store: its SQL, run on the store's one connection.

    Every part shares the connection and one lock. A transaction holds the lock from BEGIN to
    COMMIT, and so does every write made outside one: on a shared connection, another task's
    statement would otherwise land inside the open transaction, and be rolled back with it.
    """

    def __init__(self, db: aiosqlite.Connection, lock: asyncio.Lock) -> None:
        self._db = db
        self._lock = lock

    async def _write(self, sql: str, parameters: Parameters = ()) -> aiosqlite.Cursor:
        """One write statement, outside any transaction of another task."""
        async with self._lock:
            return await self._db.execute(sql, _bind(parameters))

    async def _fetchone(self, sql: str, parameters: Parameters = ()) -> aiosqlite.Row | None:
        async with self._db.execute(sql, _bind(parameters)) as cursor:
            return await cursor.fetchone()

    async def _fetchall(self, sql: str, parameters: Parameters = ()) -> list[aiosqlite.Row]:
        async with self._db.execute(sql, _bind(parameters)) as cursor:
            return list(await cursor.fetchall())

    async def _scalar(self, sql: str, parameters: Parameters = ()) -> int:
        row = await self._fetchone(sql, parameters)
        return int(row[0]) if row and row[0] is not None else 0

    @asynccontextmanager
    async def _transaction(self) -> AsyncIterator[None]:
        """One write transaction; IMMEDIATE takes the write lock before the first read."""
        async with self._lock:
            await self._db.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                if self._db.in_transaction:
                    await self._db.execute("ROLLBACK")
                raise
            await self._db.execute("COMMIT")


def inserted_id(lastrowid: int | None) -> int:
    """The row id of an INSERT, which a rowid table always reports."""
    if lastrowid is None:
        raise RuntimeError("INSERT reported no row id")
    return lastrowid
