"""Chats and their subscriptions and digest settings, in the store."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from content.db import Repository
from content.models import ChatInfo

_CHAT_COLUMNS = (
    "id, type, title, active, inactive_reason, timezone, digest_time, digest_since, owner_id,"
    " language"
)


def _chat(row: Sequence[Any]) -> ChatInfo:
    chat_id, kind, title, active, reason, zone, digest, since, owner, language = row
    return ChatInfo(
        int(chat_id), str(kind), str(title), bool(active), str(reason), str(zone), str(digest),
        float(since), int(owner) if owner is not None else None, str(language),
    )  # fmt: skip


class Chats(Repository):
    """Where briefings go."""

    async def record(
        self,
        chat_id: int,
        kind: str,
        title: str,
        now: float,
        owner_id: int | None = None,
        app_language: str = "",
    ) -> ChatInfo:
        """Remember a chat (again): a chat that comes back is active once more.

        ``app_language`` is the language of a private chat's user's app, which pushes to it
        speak until /lang chooses one; '' leaves what was known.
        """
        await self._write(
            "INSERT INTO chats (id, type, title, created_at, owner_id, digest_since,"
            " app_language) VALUES (?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (id) DO UPDATE SET type = excluded.type, title = excluded.title,"
            " active = 1, inactive_reason = '',"
            " owner_id = COALESCE(excluded.owner_id, chats.owner_id),"
            " app_language = COALESCE(NULLIF(excluded.app_language, ''), chats.app_language)",
            (chat_id, kind, title, now, owner_id, now, app_language),
        )
        chat = await self.get(chat_id)
        if chat is None:
            raise RuntimeError(f"chat {chat_id} vanished right after it was written")
        return chat

    async def import_subscribers(self, chats: list[tuple[int, str]], now: float) -> None:
        """Import many chats, each subscribed to everything, in one transaction."""
        async with self._transaction():
            await self._db.executemany(
                "INSERT OR IGNORE INTO chats (id, type, created_at, digest_since)"
                " VALUES (?, ?, ?, ?)",
                [(chat_id, kind, now, now) for chat_id, kind in chats],
            )
            await self._db.executemany(
                "INSERT OR IGNORE INTO subscriptions (chat_id, topic, created_at)"
                " VALUES (?, '', ?)",
                [(chat_id, now) for chat_id, _ in chats],
            )

    async def get(self, chat_id: int) -> ChatInfo | None:
        """The chat, if the bot knows it."""
        row = await self._fetchone(f"SELECT {_CHAT_COLUMNS} FROM chats WHERE id = ?", (chat_id,))  # noqa: S608
        return _chat(row) if row else None

    async def deactivate(self, chat_id: int, reason: str) -> None:
        """Stop sending to a chat (blocked, kicked, gone); its queued deliveries are skipped."""
        async with self._transaction():
            await self._deactivate(chat_id, reason)

    async def _deactivate(self, chat_id: int, reason: str) -> None:
        await self._db.execute(
            "UPDATE chats SET active = 0, inactive_reason = ? WHERE id = ?", (reason, chat_id)
        )
        await self._db.execute(
            "UPDATE deliveries SET state = 'skipped', last_error = ?"
            " WHERE chat_id = ? AND state = 'queued'",
            (f"chat inactive: {reason}", chat_id),
        )

    async def migrate(self, old_id: int, new_id: int) -> None:
        """A group became a supergroup: its settings, subscriptions and queue move to new_id."""
        async with self._transaction():
            await self._migrate(old_id, new_id)

    async def _migrate(self, old_id: int, new_id: int) -> None:
        if await self.get(new_id) is None:
            await self._db.execute(
                "UPDATE chats SET id = ?, type = 'supergroup' WHERE id = ?", (new_id, old_id)
            )
            return
        # The supergroup is already known (its own update came first): merge into it.
        await self._db.execute(
            "UPDATE OR IGNORE subscriptions SET chat_id = ? WHERE chat_id = ?", (new_id, old_id)
        )
        await self._db.execute(
            "UPDATE deliveries SET chat_id = ? WHERE chat_id = ?", (new_id, old_id)
        )
        await self._db.execute(
            "UPDATE chats SET"
            " digest_time = (SELECT digest_time FROM chats WHERE id = :old),"
            " timezone = (SELECT timezone FROM chats WHERE id = :old)"
            " WHERE id = :new AND digest_time = ''",
            {"old": old_id, "new": new_id},
        )
        await self._db.execute("DELETE FROM chats WHERE id = ?", (old_id,))

    async def subscribe(self, chat_id: int, topic: str, now: float) -> bool:
        """Subscribe the chat to a topic (EVERYTHING for all); False when it already was."""
        cursor = await self._write(
            "INSERT OR IGNORE INTO subscriptions (chat_id, topic, created_at) VALUES (?, ?, ?)",
            (chat_id, topic, now),
        )
        return cursor.rowcount > 0

    async def unsubscribe(self, chat_id: int, topic: str | None) -> int:
        """Remove one subscription, or all of them when ``topic`` is None; how many went."""
        if topic is None:
            cursor = await self._write("DELETE FROM subscriptions WHERE chat_id = ?", (chat_id,))
        else:
            cursor = await self._write(
                "DELETE FROM subscriptions WHERE chat_id = ? AND topic = ?", (chat_id, topic)
            )
        return cursor.rowcount

    async def subscriptions(self, chat_id: int) -> list[str]:
        """The chat's subscribed topics (EVERYTHING first when present)."""
        rows = await self._fetchall(
            "SELECT topic FROM subscriptions WHERE chat_id = ? ORDER BY topic", (chat_id,)
        )
        return [str(row[0]) for row in rows]

    async def set_digest(self, chat_id: int, digest_time: str, now: float) -> None:
        """Set the daily digest time (HH:MM), or turn it off with ''."""
        await self._write(
            "UPDATE chats SET digest_time = ?,"
            " digest_since = CASE WHEN digest_time = '' THEN ? ELSE digest_since END"
            " WHERE id = ?",
            (digest_time, now, chat_id),
        )

    async def set_article(self, chat_id: int, article_id: int) -> None:
        """Make ``article_id`` the article this chat reads."""
        await self._write("UPDATE chats SET article_id = ? WHERE id = ?", (article_id, chat_id))

    async def article_of(self, chat_id: int) -> int | None:
        """The article the chat chose to read, if it chose one."""
        row = await self._fetchone("SELECT article_id FROM chats WHERE id = ?", (chat_id,))
        return int(row[0]) if row and row[0] is not None else None

    async def set_language(self, chat_id: int, language: str) -> None:
        """Set the language the bot speaks in this chat."""
        await self._write("UPDATE chats SET language = ? WHERE id = ?", (language, chat_id))

    async def set_timezone(self, chat_id: int, zone: str) -> None:
        """Set the chat's timezone (an IANA name, already validated)."""
        await self._write("UPDATE chats SET timezone = ? WHERE id = ?", (zone, chat_id))

    async def with_digest(self) -> list[ChatInfo]:
        """Active chats that want a daily digest."""
        rows = await self._fetchall(
            f"SELECT {_CHAT_COLUMNS} FROM chats WHERE active = 1 AND digest_time != ''"  # noqa: S608
            " ORDER BY id"
        )
        return [_chat(row) for row in rows]

    async def channels(self) -> list[ChatInfo]:
        """Every channel the bot has been added to."""
        rows = await self._fetchall(
            f"SELECT {_CHAT_COLUMNS} FROM chats WHERE type = 'channel' ORDER BY title, id"  # noqa: S608
        )
        return [_chat(row) for row in rows]
