"""Chats and their subscriptions and digest settings, in PostgreSQL."""

from __future__ import annotations

from typing import Any

import asyncpg

from content.models import ChatInfo

_CHAT_COLUMNS = (
    "id, type, title, active, inactive_reason, timezone, digest_time, digest_since, owner_id,"
    " language"
)


def _chat(row: asyncpg.Record) -> ChatInfo:
    return ChatInfo(
        int(row["id"]), str(row["type"]), str(row["title"]), bool(row["active"]),
        str(row["inactive_reason"]), str(row["timezone"]), str(row["digest_time"]),
        float(row["digest_since"]), row["owner_id"], str(row["language"]),
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
            "INSERT INTO chats (id, type, title, created_at, owner_id, digest_since,"
            " app_language) VALUES ($1, $2, $3, $4, $5, $4, $6)"
            " ON CONFLICT (id) DO UPDATE SET type = excluded.type, title = excluded.title,"
            " active = TRUE, inactive_reason = '',"
            " owner_id = COALESCE(excluded.owner_id, chats.owner_id),"
            " app_language = COALESCE(NULLIF(excluded.app_language, ''), chats.app_language)"
            " RETURNING id, type, title, active, inactive_reason, timezone, digest_time,"
            " digest_since, owner_id, language",
            chat_id, kind, title, now, owner_id, app_language,
        )  # fmt: skip
        return _chat(row)

    async def import_subscribers(self, chats: list[tuple[int, str]], now: float) -> None:
        """Import many chats, each subscribed to everything, in one transaction."""
        async with self._pool.acquire() as connection, connection.transaction():
            await connection.executemany(
                "INSERT INTO chats (id, type, created_at, digest_since) VALUES ($1, $2, $3, $3)"
                " ON CONFLICT DO NOTHING",
                [(chat_id, kind, now) for chat_id, kind in chats],
            )
            await connection.executemany(
                "INSERT INTO subscriptions (chat_id, topic, created_at) VALUES ($1, '', $2)"
                " ON CONFLICT DO NOTHING",
                [(chat_id, now) for chat_id, _ in chats],
            )

    async def get(self, chat_id: int) -> ChatInfo | None:
        """The chat, if the bot knows it."""
        row = await self._pool.fetchrow(
            f"SELECT {_CHAT_COLUMNS} FROM chats WHERE id = $1",  # noqa: S608
            chat_id,
        )
        return _chat(row) if row else None

    async def deactivate(self, chat_id: int, reason: str) -> None:
        """Stop sending to a chat (blocked, kicked, gone); its queued deliveries are skipped."""
        async with self._pool.acquire() as connection, connection.transaction():
            await connection.execute(
                "UPDATE chats SET active = FALSE, inactive_reason = $1 WHERE id = $2",
                reason, chat_id,
            )  # fmt: skip
            await connection.execute(
                "UPDATE deliveries SET state = 'skipped', last_error = $1"
                " WHERE chat_id = $2 AND state = 'queued'",
                f"chat inactive: {reason}", chat_id,
            )  # fmt: skip

    async def migrate(self, old_id: int, new_id: int) -> None:
        """A group became a supergroup: its settings, subscriptions and queue move to new_id."""
        async with self._pool.acquire() as connection, connection.transaction():
            known = await connection.fetchval("SELECT 1 FROM chats WHERE id = $1", new_id)
            if not known:
                await connection.execute(
                    "UPDATE chats SET id = $1, type = 'supergroup' WHERE id = $2", new_id, old_id
                )
                return
            await _merge_into(connection, old_id, new_id)

    async def subscribe(self, chat_id: int, topic: str, now: float) -> bool:
        """Subscribe the chat to a topic ('' for all); False when it already was."""
        status = await self._pool.execute(
            "INSERT INTO subscriptions (chat_id, topic, created_at) VALUES ($1, $2, $3)"
            " ON CONFLICT DO NOTHING",
            chat_id, topic, now,
        )  # fmt: skip
        return _count(status) > 0

    async def unsubscribe(self, chat_id: int, topic: str | None) -> int:
        """Remove one subscription, or all of them when ``topic`` is None; how many went."""
        if topic is None:
            status = await self._pool.execute(
                "DELETE FROM subscriptions WHERE chat_id = $1", chat_id
            )
        else:
            status = await self._pool.execute(
                "DELETE FROM subscriptions WHERE chat_id = $1 AND topic = $2", chat_id, topic
            )
        return _count(status)

    async def subscriptions(self, chat_id: int) -> list[str]:
        """The chat's subscribed topics ('' first when present)."""
        rows = await self._pool.fetch(
            'SELECT topic FROM subscriptions WHERE chat_id = $1 ORDER BY topic COLLATE "C"',
            chat_id,
        )
        return [str(row["topic"]) for row in rows]

    async def set_digest(self, chat_id: int, digest_time: str, now: float) -> None:
        """Set the daily digest time (HH:MM), or turn it off with ''."""
        await self._pool.execute(
            "UPDATE chats SET digest_time = $1,"
            " digest_since = CASE WHEN digest_time = '' THEN $2 ELSE digest_since END"
            " WHERE id = $3",
            digest_time, now, chat_id,
        )  # fmt: skip

    async def set_article(self, chat_id: int, article_id: int) -> None:
        """Make ``article_id`` the article this chat reads."""
        await self._set(chat_id, "article_id", article_id)

    async def article_of(self, chat_id: int) -> int | None:
        """The article the chat chose to read, if it chose one."""
        value = await self._pool.fetchval("SELECT article_id FROM chats WHERE id = $1", chat_id)
        return int(value) if value is not None else None

    async def set_language(self, chat_id: int, language: str) -> None:
        """Set the language the bot speaks in this chat."""
        await self._set(chat_id, "language", language)

    async def set_timezone(self, chat_id: int, zone: str) -> None:
        """Set the chat's timezone (an IANA name, already validated)."""
        await self._set(chat_id, "timezone", zone)

    async def with_digest(self) -> list[ChatInfo]:
        """Active chats that want a daily digest."""
        rows = await self._pool.fetch(
            f"SELECT {_CHAT_COLUMNS} FROM chats WHERE active AND digest_time != ''"  # noqa: S608
            " ORDER BY id"
        )
        return [_chat(row) for row in rows]

    async def channels(self) -> list[ChatInfo]:
        """Every channel the bot has been added to."""
        rows = await self._pool.fetch(
            f"SELECT {_CHAT_COLUMNS} FROM chats WHERE type = 'channel'"  # noqa: S608
            ' ORDER BY title COLLATE "C", id'
        )
        return [_chat(row) for row in rows]

    async def _set(self, chat_id: int, column: str, value: Any) -> None:
        """Set one of the chat's own columns (``column`` is one of ours, never user input)."""
        await self._pool.execute(f"UPDATE chats SET {column} = $1 WHERE id = $2", value, chat_id)  # noqa: S608


async def _merge_into(connection: asyncpg.Connection, old_id: int, new_id: int) -> None:
    """The supergroup is already known (its own update came first): merge the group into it."""
    await connection.execute(
        "INSERT INTO subscriptions (chat_id, topic, created_at)"
        " SELECT $2, topic, created_at FROM subscriptions WHERE chat_id = $1"
        " ON CONFLICT DO NOTHING",
        old_id, new_id,
    )  # fmt: skip
    await connection.execute(
        "UPDATE deliveries SET chat_id = $2 WHERE chat_id = $1", old_id, new_id
    )
    await connection.execute(
        "UPDATE chats AS new SET digest_time = old.digest_time, timezone = old.timezone"
        " FROM chats AS old WHERE old.id = $1 AND new.id = $2 AND new.digest_time = ''",
        old_id, new_id,
    )  # fmt: skip
    await connection.execute("DELETE FROM chats WHERE id = $1", old_id)
