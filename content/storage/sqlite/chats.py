"""Chats and their subscriptions and digest settings, in the store."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from typing import Any

from content.alerts import AlertTerms
from content.models import MAIN_THREAD, Alert, AlertAdded, ChatInfo, DeliveryState, ThreadInfo
from content.storage.sqlite.db import Repository

_CHAT_COLUMNS = (
    "id, type, title, active, inactive_reason, timezone, owner_id, language, private_threads"
)
_THREAD_COLUMNS = "t.thread_id, t.digest_time, t.paused, t.title"


def _chat(row: Sequence[Any]) -> ChatInfo:
    chat_id, kind, title, active, reason, zone, owner, language, threads = row
    return ChatInfo(
        int(chat_id), str(kind), str(title), bool(active), str(reason), str(zone),
        int(owner) if owner is not None else None, str(language), bool(threads),
    )  # fmt: skip


def _thread(chat: ChatInfo, row: Sequence[Any]) -> ThreadInfo:
    thread_id, digest_time, paused, title = row
    return ThreadInfo(chat, int(thread_id), str(digest_time), str(paused), str(title))


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
        await self._write(
            "INSERT INTO chats (id, type, title, created_at, owner_id, app_language)"
            " VALUES (?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (id) DO UPDATE SET type = excluded.type, title = excluded.title,"
            " active = 1, inactive_reason = '',"
            " owner_id = COALESCE(excluded.owner_id, chats.owner_id),"
            " app_language = COALESCE(NULLIF(excluded.app_language, ''), chats.app_language)",
            (chat_id, kind, title, now, owner_id, app_language),
        )
        chat = await self.get(chat_id)
        if chat is None:
            raise RuntimeError(f"chat {chat_id} vanished right after it was written")
        return chat

    async def import_subscribers(self, chats: list[tuple[int, str]], now: float) -> None:
        async with self._transaction():
            await self._db.executemany(
                "INSERT OR IGNORE INTO chats (id, type, created_at) VALUES (?, ?, ?)",
                [(chat_id, kind, now) for chat_id, kind in chats],
            )
            await self._db.executemany(
                "INSERT OR IGNORE INTO subscriptions (chat_id, topic, created_at)"
                " VALUES (?, '', ?)",
                [(chat_id, now) for chat_id, _ in chats],
            )

    async def get(self, chat_id: int) -> ChatInfo | None:
        row = await self._fetchone(f"SELECT {_CHAT_COLUMNS} FROM chats WHERE id = ?", (chat_id,))  # noqa: S608
        return _chat(row) if row else None

    async def deactivate(self, chat_id: int, reason: str) -> None:
        async with self._transaction():
            await self._deactivate(chat_id, reason)

    async def _deactivate(self, chat_id: int, reason: str) -> None:
        await self._db.execute(
            "UPDATE chats SET active = 0, inactive_reason = ? WHERE id = ?", (reason, chat_id)
        )
        await self._db.execute(
            "UPDATE deliveries SET state = ?, last_error = ? WHERE chat_id = ? AND state = ?",
            (DeliveryState.SKIPPED, f"chat inactive: {reason}", chat_id, DeliveryState.QUEUED),
        )

    async def migrate(self, old_id: int, new_id: int) -> None:
        async with self._transaction():
            await self._migrate(old_id, new_id)

    async def _migrate(self, old_id: int, new_id: int) -> None:
        if await self.get(new_id) is None:
            await self._db.execute(
                "UPDATE chats SET id = ?, type = 'supergroup' WHERE id = ?", (new_id, old_id)
            )
            return
        # The supergroup is already known (its own update came first): merge into it.
        for table in ("subscriptions", "threads", "alerts"):
            await self._db.execute(
                f"UPDATE OR IGNORE {table} SET chat_id = ? WHERE chat_id = ?",  # noqa: S608
                (new_id, old_id),
            )
        await self._db.execute(
            "UPDATE deliveries SET chat_id = ? WHERE chat_id = ?", (new_id, old_id)
        )
        await self._db.execute(
            "UPDATE chats SET timezone = (SELECT timezone FROM chats WHERE id = :old)"
            " WHERE id = :new AND timezone = ''",
            {"old": old_id, "new": new_id},
        )
        await self._db.execute("DELETE FROM chats WHERE id = ?", (old_id,))

    async def subscribe(
        self, chat_id: int, topic: str, now: float, *, thread_id: int = MAIN_THREAD
    ) -> bool:
        async with self._transaction():
            cursor = await self._db.execute(
                "INSERT OR IGNORE INTO subscriptions (chat_id, thread_id, topic, created_at)"
                " VALUES (?, ?, ?, ?)",
                (chat_id, thread_id, topic, now),
            )
            resumed = await self._resume(chat_id, thread_id)
        return cursor.rowcount > 0 or resumed

    async def unsubscribe(
        self, chat_id: int, topic: str | None, *, thread_id: int = MAIN_THREAD
    ) -> int:
        if topic is not None:
            cursor = await self._write(
                "DELETE FROM subscriptions WHERE chat_id = ? AND thread_id = ? AND topic = ?",
                (chat_id, thread_id, topic),
            )
            return cursor.rowcount
        async with self._transaction():
            removed = 0
            for table in ("subscriptions", "alerts"):
                cursor = await self._db.execute(
                    f"DELETE FROM {table} WHERE chat_id = ? AND thread_id = ?",  # noqa: S608
                    (chat_id, thread_id),
                )
                removed += cursor.rowcount
        return removed

    async def subscriptions(self, chat_id: int, *, thread_id: int = MAIN_THREAD) -> list[str]:
        rows = await self._fetchall(
            "SELECT topic FROM subscriptions WHERE chat_id = ? AND thread_id = ? ORDER BY topic",
            (chat_id, thread_id),
        )
        return [str(row[0]) for row in rows]

    async def subscribed_threads(self, chat_id: int) -> list[tuple[int, str]]:
        rows = await self._fetchall(
            "SELECT thread_id, topic FROM subscriptions WHERE chat_id = ?"
            " ORDER BY thread_id, topic",
            (chat_id,),
        )
        return [(int(thread), str(topic)) for thread, topic in rows]

    async def move_subscription(self, chat_id: int, topic: str, source: int, target: int) -> None:
        await self._write(
            "UPDATE OR REPLACE subscriptions SET thread_id = ?"
            " WHERE chat_id = ? AND thread_id = ? AND topic = ?",
            (target, chat_id, source, topic),
        )

    async def add_alert(
        self, chat_id: int, phrase: str, terms: AlertTerms, now: float, *, limit: int,
        thread_id: int = MAIN_THREAD,
    ) -> AlertAdded:  # fmt: skip
        async with self._transaction():
            if await self._scalar(
                "SELECT count(*) FROM alerts WHERE chat_id = ? AND thread_id = ? AND terms = ?",
                (chat_id, thread_id, terms.joined),
            ):
                return AlertAdded.ALREADY
            count = await self._scalar("SELECT count(*) FROM alerts WHERE chat_id = ?", (chat_id,))
            if count >= limit:
                return AlertAdded.FULL
            await self._db.execute(
                "INSERT INTO alerts"
                " (chat_id, thread_id, phrase, terms, first_term, read_with, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (chat_id, thread_id, phrase, terms.joined, terms.first, terms.read_with, now),
            )
            await self._resume(chat_id, thread_id)
        return AlertAdded.ADDED

    async def alerts(self, chat_id: int, *, thread_id: int | None = MAIN_THREAD) -> list[Alert]:
        rows = await self._fetchall(
            "SELECT id, thread_id, phrase FROM alerts"
            " WHERE chat_id = :chat AND (:thread IS NULL OR thread_id = :thread) ORDER BY id",
            {"chat": chat_id, "thread": thread_id},
        )
        return [Alert(int(id_), chat_id, int(thread), str(phrase)) for id_, thread, phrase in rows]

    async def stale_alerts(self, read_with: str, limit: int = 500) -> list[Alert]:
        rows = await self._fetchall(
            "SELECT id, chat_id, thread_id, phrase FROM alerts WHERE read_with != ?"
            " ORDER BY id LIMIT ?",
            (read_with, limit),
        )
        return [
            Alert(int(id_), int(chat), int(thread), str(phrase))
            for id_, chat, thread, phrase in rows
        ]

    async def reread_alert(self, alert_id: int, terms: AlertTerms) -> bool:
        async with self._transaction():
            try:
                await self._db.execute(
                    "UPDATE alerts SET terms = ?, first_term = ?, read_with = ? WHERE id = ?",
                    (terms.joined, terms.first, terms.read_with, alert_id),
                )
            except sqlite3.IntegrityError:  # it now reads as another alert of its thread
                await self._db.execute("DELETE FROM alerts WHERE id = ?", (alert_id,))
                return False
        return True

    async def remove_alert(self, chat_id: int, alert_id: int) -> bool:
        cursor = await self._write(
            "DELETE FROM alerts WHERE id = ? AND chat_id = ?", (alert_id, chat_id)
        )
        return cursor.rowcount > 0

    async def thread(self, chat_id: int, thread_id: int = MAIN_THREAD) -> ThreadInfo | None:
        chat = await self.get(chat_id)
        if chat is None:
            return None
        row = await self._fetchone(
            f"SELECT {_THREAD_COLUMNS} FROM threads t WHERE chat_id = ? AND thread_id = ?",  # noqa: S608
            (chat_id, thread_id),
        )
        return _thread(chat, row) if row else ThreadInfo(chat, thread_id)

    async def name_thread(self, chat_id: int, thread_id: int, title: str) -> None:
        await self._write(
            "INSERT INTO threads (chat_id, thread_id, title) VALUES (?, ?, ?)"
            " ON CONFLICT (chat_id, thread_id) DO UPDATE SET title = excluded.title",
            (chat_id, thread_id, title),
        )

    async def pause(self, chat_id: int, thread_id: int, reason: str) -> bool:
        async with self._transaction():
            cursor = await self._db.execute(
                "INSERT INTO threads (chat_id, thread_id, paused) VALUES (?, ?, ?)"
                " ON CONFLICT (chat_id, thread_id) DO UPDATE SET paused = excluded.paused"
                " WHERE threads.paused = ''",
                (chat_id, thread_id, reason),
            )
            await self._db.execute(
                "UPDATE deliveries SET state = ?, last_error = ?"
                " WHERE chat_id = ? AND thread_id = ? AND state = ?",
                (DeliveryState.SKIPPED, f"thread paused: {reason}", chat_id, thread_id,
                 DeliveryState.QUEUED),
            )  # fmt: skip
        return cursor.rowcount > 0

    async def resume(self, chat_id: int, thread_id: int) -> bool:
        async with self._transaction():
            return await self._resume(chat_id, thread_id)

    async def _resume(self, chat_id: int, thread_id: int) -> bool:
        cursor = await self._db.execute(
            "UPDATE threads SET paused = '' WHERE chat_id = ? AND thread_id = ? AND paused != ''",
            (chat_id, thread_id),
        )
        return cursor.rowcount > 0

    async def set_digest(
        self, chat_id: int, digest_time: str, now: float, *, thread_id: int = MAIN_THREAD
    ) -> None:
        await self._write(
            "INSERT INTO threads (chat_id, thread_id, digest_time, digest_since)"
            " VALUES (?, ?, ?, ?) ON CONFLICT (chat_id, thread_id) DO UPDATE SET"
            " digest_time = excluded.digest_time,"
            " digest_since = CASE WHEN threads.digest_time = '' THEN excluded.digest_since"
            " ELSE threads.digest_since END",
            (chat_id, thread_id, digest_time, now),
        )

    async def set_private_threads(self, chat_id: int, wanted: bool) -> None:
        await self._write(
            "UPDATE chats SET private_threads = ? WHERE id = ?", (int(wanted), chat_id)
        )

    async def set_article(self, chat_id: int, article_id: int) -> None:
        await self._write("UPDATE chats SET article_id = ? WHERE id = ?", (article_id, chat_id))

    async def article_of(self, chat_id: int) -> int | None:
        row = await self._fetchone("SELECT article_id FROM chats WHERE id = ?", (chat_id,))
        return int(row[0]) if row and row[0] is not None else None

    async def set_language(self, chat_id: int, language: str) -> None:
        await self._write("UPDATE chats SET language = ? WHERE id = ?", (language, chat_id))

    async def set_timezone(self, chat_id: int, zone: str) -> None:
        await self._write("UPDATE chats SET timezone = ? WHERE id = ?", (zone, chat_id))

    async def with_digest(self, chat_id: int | None = None) -> list[ThreadInfo]:
        rows = await self._fetchall(
            f"SELECT {_THREAD_COLUMNS}, c.id FROM threads t JOIN chats c ON c.id = t.chat_id"  # noqa: S608
            " WHERE c.active = 1 AND t.digest_time != '' AND (:chat IS NULL OR c.id = :chat)"
            " ORDER BY c.id, t.thread_id",
            {"chat": chat_id},
        )
        chats = {chat.id: chat for chat in await self._chats({int(row[4]) for row in rows})}
        return [_thread(chats[int(row[4])], row[:4]) for row in rows]

    async def _chats(self, ids: set[int]) -> list[ChatInfo]:
        rows = await self._fetchall(
            f"SELECT {_CHAT_COLUMNS} FROM chats WHERE id IN (SELECT value FROM json_each(?))",  # noqa: S608
            (json.dumps(sorted(ids)),),
        )
        return [_chat(row) for row in rows]

    async def channels(self) -> list[ChatInfo]:
        rows = await self._fetchall(
            f"SELECT {_CHAT_COLUMNS} FROM chats WHERE type = 'channel' ORDER BY title, id"  # noqa: S608
        )
        return [_chat(row) for row in rows]
