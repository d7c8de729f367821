"""The feeds a newsroom follows, in PostgreSQL."""

from __future__ import annotations

import asyncpg

from content.models import FeedInfo, FeedPoll
from content.storage.postgres.outbox import count_of

_COLUMNS = (
    "url, added_at, next_poll_at, last_success, last_error, items, failures, etag,"
    " last_modified, primed"
)


class PostgresFeeds:
    """:class:`content.ports.FeedStore` on PostgreSQL."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def add_feed(self, url: str, now: float) -> bool:
        status = await self._pool.execute(
            "INSERT INTO feeds (url, added_at, next_poll_at) VALUES ($1, $2, $2)"
            " ON CONFLICT (url) DO NOTHING",
            url, now,
        )  # fmt: skip
        return count_of(status) > 0

    async def remove_feed(self, url: str) -> bool:
        async with self._pool.acquire() as connection, connection.transaction():
            await connection.execute("DELETE FROM feed_items WHERE feed_url = $1", url)
            return count_of(await connection.execute("DELETE FROM feeds WHERE url = $1", url)) > 0

    async def item_name(self, feed_url: str, guid: str) -> str | None:
        name = await self._pool.fetchval(
            "SELECT name FROM feed_items WHERE feed_url = $1 AND guid = $2", feed_url, guid
        )
        return None if name is None else str(name)

    async def remember_item(self, feed_url: str, guid: str, name: str) -> None:
        await self._pool.execute(
            "INSERT INTO feed_items (feed_url, guid, name) VALUES ($1, $2, $3)"
            " ON CONFLICT (feed_url, guid) DO NOTHING",
            feed_url, guid, name,
        )  # fmt: skip

    async def feeds(self) -> list[FeedInfo]:
        rows = await self._pool.fetch(f"SELECT {_COLUMNS} FROM feeds ORDER BY added_at, url")  # noqa: S608
        return [_feed(row) for row in rows]

    async def due_feeds(self, now: float, limit: int = 20) -> list[FeedInfo]:
        rows = await self._pool.fetch(
            f"SELECT {_COLUMNS} FROM feeds WHERE next_poll_at <= $1"  # noqa: S608
            " ORDER BY next_poll_at LIMIT $2",
            now, limit,
        )  # fmt: skip
        return [_feed(row) for row in rows]

    async def record_poll(self, url: str, poll: FeedPoll) -> None:
        if poll.error:
            await self._pool.execute(
                "UPDATE feeds SET last_error = $2, failures = failures + 1, next_poll_at = $3"
                " WHERE url = $1",
                url, poll.error, poll.next_poll_at,
            )  # fmt: skip
            return
        await self._pool.execute(
            "UPDATE feeds SET last_success = $2, last_error = '', failures = 0, primed = TRUE,"
            " next_poll_at = $3, etag = $4, last_modified = $5, items = coalesce($6, items)"
            " WHERE url = $1",
            url, poll.at, poll.next_poll_at, poll.etag, poll.last_modified, poll.items,
        )  # fmt: skip


def _feed(row: asyncpg.Record) -> FeedInfo:
    success = row["last_success"]
    return FeedInfo(
        str(row["url"]), float(row["added_at"]), float(row["next_poll_at"]),
        None if success is None else float(success), str(row["last_error"]), int(row["items"]),
        int(row["failures"]), str(row["etag"]), str(row["last_modified"]), bool(row["primed"]),
    )  # fmt: skip
