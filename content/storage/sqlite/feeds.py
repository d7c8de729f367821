"""The feeds a newsroom follows, in SQLite."""

from __future__ import annotations

import aiosqlite

from content.models import FeedInfo, FeedPoll
from content.storage.sqlite.db import Repository

_COLUMNS = (
    "url, added_at, next_poll_at, last_success, last_error, items, failures, etag,"
    " last_modified, primed"
)


class Feeds(Repository):
    """:class:`content.ports.FeedStore` on SQLite."""

    async def add_feed(self, url: str, now: float) -> bool:
        cursor = await self._write(
            "INSERT INTO feeds (url, added_at, next_poll_at) VALUES (?, ?, ?)"
            " ON CONFLICT (url) DO NOTHING",
            (url, now, now),
        )
        return cursor.rowcount > 0

    async def remove_feed(self, url: str) -> bool:
        await self._write("DELETE FROM feed_items WHERE feed_url = ?", (url,))
        cursor = await self._write("DELETE FROM feeds WHERE url = ?", (url,))
        return cursor.rowcount > 0

    async def item_name(self, feed_url: str, guid: str) -> str | None:
        rows = await self._fetchall(
            "SELECT name FROM feed_items WHERE feed_url = ? AND guid = ?", (feed_url, guid)
        )
        return str(rows[0][0]) if rows else None

    async def remember_item(self, feed_url: str, guid: str, name: str) -> None:
        await self._write(
            "INSERT INTO feed_items (feed_url, guid, name) VALUES (?, ?, ?)"
            " ON CONFLICT (feed_url, guid) DO NOTHING",
            (feed_url, guid, name),
        )

    async def feeds(self) -> list[FeedInfo]:
        rows = await self._fetchall(f"SELECT {_COLUMNS} FROM feeds ORDER BY added_at, url")  # noqa: S608
        return [_feed(row) for row in rows]

    async def due_feeds(self, now: float, limit: int = 20) -> list[FeedInfo]:
        rows = await self._fetchall(
            f"SELECT {_COLUMNS} FROM feeds WHERE next_poll_at <= ?"  # noqa: S608
            " ORDER BY next_poll_at LIMIT ?",
            (now, limit),
        )
        return [_feed(row) for row in rows]

    async def record_poll(self, url: str, poll: FeedPoll) -> None:
        if poll.error:
            await self._write(
                "UPDATE feeds SET last_error = ?, failures = failures + 1, next_poll_at = ?"
                " WHERE url = ?",
                (poll.error, poll.next_poll_at, url),
            )
            return
        await self._write(
            "UPDATE feeds SET last_success = ?, last_error = '', failures = 0, primed = 1,"
            " next_poll_at = ?, etag = ?, last_modified = ?, items = coalesce(?, items)"
            " WHERE url = ?",
            (poll.at, poll.next_poll_at, poll.etag, poll.last_modified, poll.items, url),
        )


def _feed(row: aiosqlite.Row) -> FeedInfo:
    success = row[3]
    return FeedInfo(
        str(row[0]), float(row[1]), float(row[2]), None if success is None else float(success),
        str(row[4]), int(row[5]), int(row[6]), str(row[7]), str(row[8]), bool(row[9]),
    )  # fmt: skip
