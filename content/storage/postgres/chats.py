"""Chats and their subscriptions and digest settings, in PostgreSQL."""

from __future__ import annotations

from typing import Any

import asyncpg

from content.alerts import AlertTerms
from content.models import MAIN_THREAD, Alert, AlertAdded, ChatInfo, DeliveryState, ThreadInfo

_CHAT_COLUMNS = (
    "id, type, title, active, inactive_reason, timezone, owner_id, language, private_threads"
)
_THREAD_COLUMNS = "t.thread_id, t.digest_time, t.paused, t.title"


def _chat(row: asyncpg.Record) -> ChatInfo:
    return ChatInfo(
        int(row["id"]), str(row["type"]), str(row["title"]), bool(row["active"]),
        str(row["inactive_reason"]), str(row["timezone"]), row["owner_id"],
        str(row["language"]), bool(row["private_threads"]),
    )  # fmt: skip


def _thread(chat: ChatInfo, row: asyncpg.Record) -> ThreadInfo:
    return ThreadInfo(
        chat, int(row["thread_id"]), str(row["digest_time"]), str(row["paused"]),
        str(row["title"]),
    )  # fmt: skip


def _count(status: str) -> int:
    """The row count of a command's status, such as 'DELETE 2' or 'INSERT 0 1'."""
    return int(status.rsplit(" ", 1)[-1])


class PostgresChats:
    """Where briefings go, shared by every worker on the same database."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def record(
        self,
        chat_id: int,
        kind: str,
        title: str,
        now: float,
        owner_id: int | None = None,
        app_language: str = "",
    ) -> ChatInfo:
        """Remember a chat (again): a chat that comes back is active once more."""
        row = await self._pool.fetchrow(
            "INSERT INTO chats (id, type, title, created_at, owner_id, app_language)"  # noqa: S608
            " VALUES ($1, $2, $3, $4, $5, $6)"
            " ON CONFLICT (id) DO UPDATE SET type = excluded.type, title = excluded.title,"
            " active = TRUE, inactive_reason = '',"
            " owner_id = COALESCE(excluded.owner_id, chats.owner_id),"
            " app_language = COALESCE(NULLIF(excluded.app_language, ''), chats.app_language)"
            f" RETURNING {_CHAT_COLUMNS}",
            chat_id, kind, title, now, owner_id, app_language,
        )  # fmt: skip
        return _chat(row)

    async def import_subscribers(self, chats: list[tuple[int, str]], now: float) -> None:
        async with self._pool.acquire() as connection, connection.transaction():
            await connection.executemany(
                "INSERT INTO chats (id, type, created_at) VALUES ($1, $2, $3)"
                " ON CONFLICT DO NOTHING",
                [(chat_id, kind, now) for chat_id, kind in chats],
            )
            await connection.executemany(
                "INSERT INTO subscriptions (chat_id, topic, created_at) VALUES ($1, '', $2)"
                " ON CONFLICT DO NOTHING",
                [(chat_id, now) for chat_id, _ in chats],
            )

    async def get(self, chat_id: int) -> ChatInfo | None:
        row = await self._pool.fetchrow(
            f"SELECT {_CHAT_COLUMNS} FROM chats WHERE id = $1",  # noqa: S608
            chat_id,
        )
        return _chat(row) if row else None

    async def deactivate(self, chat_id: int, reason: str) -> None:
        async with self._pool.acquire() as connection, connection.transaction():
            await connection.execute(
                "UPDATE chats SET active = FALSE, inactive_reason = $1 WHERE id = $2",
                reason, chat_id,
            )  # fmt: skip
            await connection.execute(
                "UPDATE deliveries SET state = $1, last_error = $2"
                " WHERE chat_id = $3 AND state = $4",
                DeliveryState.SKIPPED, f"chat inactive: {reason}", chat_id,
                DeliveryState.QUEUED,
            )  # fmt: skip

    async def migrate(self, old_id: int, new_id: int) -> None:
        async with self._pool.acquire() as connection, connection.transaction():
            known = await connection.fetchval("SELECT 1 FROM chats WHERE id = $1", new_id)
            if not known:
                await connection.execute(
                    "UPDATE chats SET id = $1, type = 'supergroup' WHERE id = $2", new_id, old_id
                )
                return
            await _merge_into(connection, old_id, new_id)

    async def subscribe(
        self, chat_id: int, topic: str, now: float, *, thread_id: int = MAIN_THREAD
    ) -> bool:
        """Subscribe a thread to a topic ('' for all); False when it already was.

        Subscribing again in a paused thread resumes it: its reader has said they want it.
        """
        async with self._pool.acquire() as connection, connection.transaction():
            status = await connection.execute(
                "INSERT INTO subscriptions (chat_id, thread_id, topic, created_at)"
                " VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                chat_id, thread_id, topic, now,
            )  # fmt: skip
            resumed = await _resume(connection, chat_id, thread_id)
        return _count(status) > 0 or resumed

    async def unsubscribe(
        self, chat_id: int, topic: str | None, *, thread_id: int = MAIN_THREAD
    ) -> int:
        if topic is not None:
            status = await self._pool.execute(
                "DELETE FROM subscriptions WHERE chat_id = $1 AND thread_id = $2 AND topic = $3",
                chat_id, thread_id, topic,
            )  # fmt: skip
            return _count(status)
        async with self._pool.acquire() as connection, connection.transaction():
            removed = 0
            for table in ("subscriptions", "alerts"):
                status = await connection.execute(
                    f"DELETE FROM {table} WHERE chat_id = $1 AND thread_id = $2",  # noqa: S608
                    chat_id, thread_id,
                )  # fmt: skip
                removed += _count(status)
        return removed

    async def subscriptions(self, chat_id: int, *, thread_id: int = MAIN_THREAD) -> list[str]:
        """The thread's subscribed topics ('' first when present)."""
        rows = await self._pool.fetch(
            "SELECT topic FROM subscriptions WHERE chat_id = $1 AND thread_id = $2"
            ' ORDER BY topic COLLATE "C"',
            chat_id, thread_id,
        )  # fmt: skip
        return [str(row["topic"]) for row in rows]

    async def subscribed_threads(self, chat_id: int) -> list[tuple[int, str]]:
        rows = await self._pool.fetch(
            "SELECT thread_id, topic FROM subscriptions WHERE chat_id = $1"
            ' ORDER BY thread_id, topic COLLATE "C"',
            chat_id,
        )
        return [(int(row["thread_id"]), str(row["topic"])) for row in rows]

    async def move_subscription(self, chat_id: int, topic: str, source: int, target: int) -> None:
        async with self._pool.acquire() as connection, connection.transaction():
            await connection.execute(
                "DELETE FROM subscriptions WHERE chat_id = $1 AND thread_id = $2 AND topic = $3"
                " AND EXISTS (SELECT 1 FROM subscriptions WHERE chat_id = $1"
                " AND thread_id = $4 AND topic = $3)",
                chat_id, source, topic, target,
            )  # fmt: skip
            await connection.execute(
                "UPDATE subscriptions SET thread_id = $4"
                " WHERE chat_id = $1 AND thread_id = $2 AND topic = $3",
                chat_id, source, topic, target,
            )  # fmt: skip

    async def add_alert(
        self, chat_id: int, phrase: str, terms: AlertTerms, now: float, *, limit: int,
        thread_id: int = MAIN_THREAD,
    ) -> AlertAdded:  # fmt: skip
        async with self._pool.acquire() as connection, connection.transaction():
            # The chat's row is locked, so two alerts added at once cannot both pass the limit.
            await connection.execute("SELECT 1 FROM chats WHERE id = $1 FOR UPDATE", chat_id)
            if await connection.fetchval(
                "SELECT 1 FROM alerts WHERE chat_id = $1 AND thread_id = $2 AND terms = $3",
                chat_id, thread_id, terms.joined,
            ):  # fmt: skip
                return AlertAdded.ALREADY
            count = await connection.fetchval(
                "SELECT count(*) FROM alerts WHERE chat_id = $1", chat_id
            )
            if count >= limit:
                return AlertAdded.FULL
            status = await connection.execute(
                "INSERT INTO alerts"
                " (chat_id, thread_id, phrase, terms, first_term, read_with, created_at)"
                " VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING",
                chat_id, thread_id, phrase, terms.joined, terms.first, terms.read_with, now,
            )  # fmt: skip
            await _resume(connection, chat_id, thread_id)
        return AlertAdded.ADDED if _count(status) else AlertAdded.ALREADY

    async def alerts(self, chat_id: int, *, thread_id: int | None = MAIN_THREAD) -> list[Alert]:
        rows = await self._pool.fetch(
            "SELECT id, thread_id, phrase FROM alerts"
            " WHERE chat_id = $1 AND ($2::bigint IS NULL OR thread_id = $2) ORDER BY id",
            chat_id, thread_id,
        )  # fmt: skip
        return [
            Alert(int(row["id"]), chat_id, int(row["thread_id"]), str(row["phrase"]))
            for row in rows
        ]

    async def stale_alerts(self, read_with: str, limit: int = 500) -> list[Alert]:
        rows = await self._pool.fetch(
            "SELECT id, chat_id, thread_id, phrase FROM alerts WHERE read_with != $1"
            " ORDER BY id LIMIT $2",
            read_with, limit,
        )  # fmt: skip
        return [Alert(row["id"], row["chat_id"], row["thread_id"], row["phrase"]) for row in rows]

    async def reread_alert(self, alert_id: int, terms: AlertTerms) -> bool:
        async with self._pool.acquire() as connection, connection.transaction():
            duplicate = await connection.fetchval(
                "SELECT 1 FROM alerts a JOIN alerts b ON a.chat_id = b.chat_id"
                " AND a.thread_id = b.thread_id AND b.id != a.id AND b.terms = $2"
                " WHERE a.id = $1",
                alert_id, terms.joined,
            )  # fmt: skip
            if duplicate:  # it now reads as another alert of its thread
                await connection.execute("DELETE FROM alerts WHERE id = $1", alert_id)
                return False
            await connection.execute(
                "UPDATE alerts SET terms = $2, first_term = $3, read_with = $4 WHERE id = $1",
                alert_id, terms.joined, terms.first, terms.read_with,
            )  # fmt: skip
        return True

    async def remove_alert(self, chat_id: int, alert_id: int) -> bool:
        status = await self._pool.execute(
            "DELETE FROM alerts WHERE id = $1 AND chat_id = $2", alert_id, chat_id
        )
        return _count(status) > 0

    async def thread(self, chat_id: int, thread_id: int = MAIN_THREAD) -> ThreadInfo | None:
        chat = await self.get(chat_id)
        if chat is None:
            return None
        row = await self._pool.fetchrow(
            f"SELECT {_THREAD_COLUMNS} FROM threads t WHERE chat_id = $1 AND thread_id = $2",  # noqa: S608
            chat_id, thread_id,
        )  # fmt: skip
        return _thread(chat, row) if row else ThreadInfo(chat, thread_id)

    async def name_thread(self, chat_id: int, thread_id: int, title: str) -> None:
        await self._pool.execute(
            "INSERT INTO threads (chat_id, thread_id, title) VALUES ($1, $2, $3)"
            " ON CONFLICT (chat_id, thread_id) DO UPDATE SET title = excluded.title",
            chat_id, thread_id, title,
        )  # fmt: skip

    async def pause(self, chat_id: int, thread_id: int, reason: str) -> bool:
        async with self._pool.acquire() as connection, connection.transaction():
            status = await connection.execute(
                "INSERT INTO threads (chat_id, thread_id, paused) VALUES ($1, $2, $3)"
                " ON CONFLICT (chat_id, thread_id) DO UPDATE SET paused = excluded.paused"
                " WHERE threads.paused = ''",
                chat_id, thread_id, reason,
            )  # fmt: skip
            await connection.execute(
                "UPDATE deliveries SET state = $1, last_error = $2"
                " WHERE chat_id = $3 AND thread_id = $4 AND state = $5",
                DeliveryState.SKIPPED, f"thread paused: {reason}", chat_id, thread_id,
                DeliveryState.QUEUED,
            )  # fmt: skip
        return _count(status) > 0

    async def resume(self, chat_id: int, thread_id: int) -> bool:
        async with self._pool.acquire() as connection:
            return await _resume(connection, chat_id, thread_id)

    async def set_digest(
        self, chat_id: int, digest_time: str, now: float, *, thread_id: int = MAIN_THREAD
    ) -> None:
        await self._pool.execute(
            "INSERT INTO threads (chat_id, thread_id, digest_time, digest_since)"
            " VALUES ($1, $2, $3, $4) ON CONFLICT (chat_id, thread_id) DO UPDATE SET"
            " digest_time = excluded.digest_time,"
            " digest_since = CASE WHEN threads.digest_time = '' THEN excluded.digest_since"
            " ELSE threads.digest_since END",
            chat_id, thread_id, digest_time, now,
        )  # fmt: skip

    async def set_private_threads(self, chat_id: int, wanted: bool) -> None:
        await self._set(chat_id, "private_threads", wanted)

    async def set_article(self, chat_id: int, article_id: int) -> None:
        await self._set(chat_id, "article_id", article_id)

    async def article_of(self, chat_id: int) -> int | None:
        value = await self._pool.fetchval("SELECT article_id FROM chats WHERE id = $1", chat_id)
        return int(value) if value is not None else None

    async def set_language(self, chat_id: int, language: str) -> None:
        await self._set(chat_id, "language", language)

    async def set_timezone(self, chat_id: int, zone: str) -> None:
        await self._set(chat_id, "timezone", zone)

    async def with_digest(self, chat_id: int | None = None) -> list[ThreadInfo]:
        rows = await self._pool.fetch(
            f"SELECT {_THREAD_COLUMNS}, t.chat_id FROM threads t"  # noqa: S608
            " JOIN chats c ON c.id = t.chat_id"
            " WHERE c.active AND t.digest_time != '' AND ($1::bigint IS NULL OR c.id = $1)"
            " ORDER BY t.chat_id, t.thread_id",
            chat_id,
        )
        chats = await self._pool.fetch(
            f"SELECT {_CHAT_COLUMNS} FROM chats WHERE id = ANY($1::bigint[])",  # noqa: S608
            sorted({int(row["chat_id"]) for row in rows}),
        )
        by_id = {int(row["id"]): _chat(row) for row in chats}
        return [_thread(by_id[int(row["chat_id"])], row) for row in rows]

    async def channels(self) -> list[ChatInfo]:
        rows = await self._pool.fetch(
            f"SELECT {_CHAT_COLUMNS} FROM chats WHERE type = 'channel'"  # noqa: S608
            ' ORDER BY title COLLATE "C", id'
        )
        return [_chat(row) for row in rows]

    async def _set(self, chat_id: int, column: str, value: Any) -> None:
        """Set one of the chat's own columns (``column`` is one of ours, never user input)."""
        await self._pool.execute(f"UPDATE chats SET {column} = $1 WHERE id = $2", value, chat_id)  # noqa: S608


async def _resume(connection: asyncpg.Connection, chat_id: int, thread_id: int) -> bool:
    status = await connection.execute(
        "UPDATE threads SET paused = '' WHERE chat_id = $1 AND thread_id = $2 AND paused != ''",
        chat_id, thread_id,
    )  # fmt: skip
    return _count(status) > 0


async def _merge_into(connection: asyncpg.Connection, old_id: int, new_id: int) -> None:
    """The supergroup is already known (its own update came first): merge the group into it."""
    await connection.execute(
        "INSERT INTO subscriptions (chat_id, thread_id, topic, created_at)"
        " SELECT $2, thread_id, topic, created_at FROM subscriptions WHERE chat_id = $1"
        " ON CONFLICT DO NOTHING",
        old_id, new_id,
    )  # fmt: skip
    await connection.execute(
        "INSERT INTO threads (chat_id, thread_id, digest_time, digest_since, paused, title)"
        " SELECT $2, thread_id, digest_time, digest_since, paused, title FROM threads"
        " WHERE chat_id = $1 ON CONFLICT DO NOTHING",
        old_id, new_id,
    )  # fmt: skip
    await connection.execute(
        "UPDATE alerts a SET chat_id = $2 WHERE chat_id = $1 AND NOT EXISTS (SELECT 1 FROM"
        " alerts b WHERE b.chat_id = $2 AND b.thread_id = a.thread_id AND b.terms = a.terms)",
        old_id, new_id,
    )  # fmt: skip
    await connection.execute(
        "UPDATE deliveries SET chat_id = $2 WHERE chat_id = $1", old_id, new_id
    )
    await connection.execute(
        "UPDATE chats AS new SET timezone = old.timezone"
        " FROM chats AS old WHERE old.id = $1 AND new.id = $2 AND new.timezone = ''",
        old_id, new_id,
    )  # fmt: skip
    await connection.execute("DELETE FROM chats WHERE id = $1", old_id)
