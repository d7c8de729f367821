"""What every part of the store shares: one connection and small query helpers."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager

import aiosqlite


class Repository:
    """A part of the store: its SQL, run on the store's one connection."""

    def __init__(self, db: aiosqlite.Connection) -> None:
        self._db = db

    async def _fetchone(self, sql: str, parameters: Iterable[object] = ()) -> aiosqlite.Row | None:
        async with self._db.execute(sql, tuple(parameters)) as cursor:
            return await cursor.fetchone()

    async def _fetchall(self, sql: str, parameters: Iterable[object] = ()) -> list[aiosqlite.Row]:
        async with self._db.execute(sql, tuple(parameters)) as cursor:
            return list(await cursor.fetchall())

    async def _scalar(self, sql: str, parameters: Iterable[object] = ()) -> int:
        row = await self._fetchone(sql, parameters)
        return int(row[0]) if row and row[0] is not None else 0

    @asynccontextmanager
    async def _transaction(self) -> AsyncIterator[None]:
        """One write transaction; IMMEDIATE takes the write lock before the first read."""
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
