"""The outbox in the store: deliveries queued, in flight, sent, failed or skipped."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from content.alerts import ArticleWords
from content.models import (
    MAIN_THREAD,
    Delivery,
    DeliveryError,
    DeliveryKind,
    DeliveryState,
    SentChunk,
    Stats,
)
from content.ports import EVERYTHING, RECENT_SENDS
from content.storage.deliveries import (
    NewDelivery,
    alert_deliveries,
    payload,
    subscribed_deliveries,
)
from content.storage.sqlite.db import Repository

_DELIVERY_COLUMNS = (
    "d.id, d.chat_id, c.type, d.kind, d.payload, d.attempts, d.chunks_sent,"
    " COALESCE(NULLIF(c.language, ''), c.app_language),"  # chosen, else the user's app's
    " c.recent_sends, d.thread_id"
)
# Due to be sent: queued and its time has come, or claimed by a worker whose lease ran out;
# to a chat that is active, not being sent to, and not held.
_CLAIMABLE = """
    SELECT d.id, d.chat_id FROM deliveries d INDEXED BY deliveries_open
    JOIN chats c ON c.id = d.chat_id
    -- The open deliveries in id order, from their index: the planner would rather sort every
    -- queued one for each claim.
    WHERE d.state IN ('queued', 'sending')
      AND ((d.state = 'queued' AND d.next_attempt_at <= :now)
           OR (d.state = 'sending' AND d.lease_until < :now))
      AND c.active = 1 AND c.claimed_until < :now AND c.send_after <= :now
    ORDER BY d.id LIMIT :limit
"""
# Topics an article names, in its paragraphs or bullets.
_ARTICLE_TOPICS = """
    SELECT pt.topic FROM paragraph_topics pt JOIN paragraphs p ON p.id = pt.paragraph_id
    WHERE p.article_id = :article
    UNION
    SELECT bt.topic FROM bullet_topics bt JOIN bullets b ON b.id = bt.bullet_id
    WHERE b.article_id = :article
"""

# Threads of active chats, not paused, subscribed to everything or to a topic the article
# names, with those topics.
_SUBSCRIBERS_OF_ARTICLE = f"""
    SELECT s.chat_id, s.thread_id, group_concat(s.topic) FROM subscriptions s
    JOIN chats c ON c.id = s.chat_id
    LEFT JOIN threads t ON t.chat_id = s.chat_id AND t.thread_id = s.thread_id
    WHERE c.active = 1 AND coalesce(t.paused, '') = ''
      AND (s.topic = '' OR s.topic IN ({_ARTICLE_TOPICS}))
    GROUP BY s.chat_id, s.thread_id ORDER BY s.chat_id, s.thread_id
"""  # noqa: S608 - composed of constants only
# Alerts of active chats' unpaused threads whose first term the article has (:terms, JSON).
_ALERT_CANDIDATES = """
    SELECT a.id, a.chat_id, a.thread_id, a.phrase, a.terms FROM alerts a
    JOIN chats c ON c.id = a.chat_id
    LEFT JOIN threads t ON t.chat_id = a.chat_id AND t.thread_id = a.thread_id
    WHERE a.first_term IN (SELECT value FROM json_each(:terms))
      AND c.active = 1 AND coalesce(t.paused, '') = ''
    ORDER BY a.id
"""

# A broadcast goes to every active chat with at least one subscription, once: in a forum,
# to the first of its subscribed threads.
_AUDIENCE = "FROM chats c JOIN subscriptions s ON s.chat_id = c.id WHERE c.active = 1"


def _delivery(row: Sequence[Any]) -> Delivery:
    (delivery_id, chat_id, chat_type, kind, payload, attempts, chunks_sent, language, recent,
     thread_id) = row  # fmt: skip
    data = json.loads(payload)
    return Delivery(
        int(delivery_id), int(chat_id), str(chat_type), DeliveryKind(kind),
        tuple(data.get("articles", ())), tuple(data.get("topics", ())),
        int(attempts), int(chunks_sent), str(language), tuple(json.loads(recent)),
        int(thread_id), tuple(data.get("words", ())),
    )  # fmt: skip


class Outbox(Repository):
    """Queued deliveries and their fate."""

    async def enqueue_article(
        self, article_id: int, now: float, words: Sequence[Sequence[str]] = ()
    ) -> int:
        rows = await self._fetchall(_SUBSCRIBERS_OF_ARTICLE, {"article": article_id})
        subscribed = [(chat, thread, str(topics).split(",")) for chat, thread, topics in rows]
        queued = await self._insert(subscribed_deliveries(article_id, subscribed), now)
        if words:
            queued += await self._enqueue_alerts(article_id, ArticleWords(words), now)
        return queued

    async def _enqueue_alerts(self, article_id: int, words: ArticleWords, now: float) -> int:
        """Queue the article for the threads whose alerts it matches; a thread that has it
        already, from a subscription, is left alone."""
        candidates = await self._fetchall(_ALERT_CANDIDATES, {"terms": json.dumps(words.terms)})
        return await self._insert(alert_deliveries(article_id, words, candidates), now)

    async def enqueue_digest(self, chat_id: int, now: float, thread_id: int = MAIN_THREAD) -> bool:
        async with self._transaction():
            thread = await self._fetchone(
                "SELECT t.digest_since FROM threads t JOIN chats c ON c.id = t.chat_id"
                " WHERE t.chat_id = ? AND t.thread_id = ? AND c.active = 1 AND t.paused = ''",
                (chat_id, thread_id),
            )
            if thread is None:
                return False
            article_ids = await self._digest_articles(chat_id, thread_id, float(thread[0]), now)
            await self._db.execute(
                "UPDATE threads SET digest_since = ? WHERE chat_id = ? AND thread_id = ?",
                (now, chat_id, thread_id),
            )
            if article_ids:
                digest = NewDelivery(
                    chat_id, thread_id, DeliveryKind.DIGEST, payload(article_ids, []),
                    f"digest:{chat_id}:{thread_id}:{now}",
                )  # fmt: skip
                await self._insert([digest], now)
        return bool(article_ids)

    async def _digest_articles(
        self, chat_id: int, thread_id: int, since: float, now: float
    ) -> list[int]:
        """Articles added in (since, now]; only the subscribed topics' when the thread has
        topic subscriptions and no subscription to everything."""
        topics = [
            str(row[0])
            for row in await self._fetchall(
                "SELECT topic FROM subscriptions WHERE chat_id = ? AND thread_id = ?",
                (chat_id, thread_id),
            )
        ]
        rows = await self._fetchall(
            "SELECT id FROM articles WHERE added_ts > ? AND added_ts <= ? ORDER BY added_ts, id",
            (since, now),
        )
        article_ids = [int(row[0]) for row in rows]
        if not topics or EVERYTHING in topics:
            return article_ids
        return [a for a in article_ids if set(topics) & await self._topics_of(a)]

    async def _topics_of(self, article_id: int) -> set[str]:
        rows = await self._fetchall(_ARTICLE_TOPICS, {"article": article_id})
        return {str(row[0]) for row in rows}

    async def broadcast_audience(self) -> int:
        return await self._scalar(f"SELECT count(DISTINCT c.id) {_AUDIENCE}")

    async def enqueue_broadcast(self, article_id: int, preview: str, now: float) -> int:
        async with self._transaction():
            rows = await self._fetchall(
                f"SELECT c.id, min(s.thread_id) {_AUDIENCE} GROUP BY c.id ORDER BY c.id"
            )
            broadcasts = [
                NewDelivery(
                    chat_id,
                    thread_id,
                    DeliveryKind.BROADCAST,
                    payload([article_id], []),
                    f"broadcast:{article_id}:{preview}:{chat_id}",
                )
                for chat_id, thread_id in rows
            ]
            return await self._insert(broadcasts, now)

    async def _insert(self, deliveries: Sequence[NewDelivery], now: float) -> int:
        """Queue the deliveries whose dedupe keys are not queued already; how many were."""
        if not deliveries:
            return 0
        cursor = await self._db.executemany(
            "INSERT OR IGNORE INTO deliveries"
            " (chat_id, thread_id, kind, payload, dedupe_key, next_attempt_at, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (d.chat_id, d.thread_id, d.kind, d.payload, d.dedupe_key, now, now)
                for d in deliveries
            ],
        )
        return cursor.rowcount

    async def due(self, now: float, limit: int) -> list[Delivery]:
        rows = await self._fetchall(
            f"SELECT {_DELIVERY_COLUMNS} FROM deliveries d JOIN chats c ON c.id = d.chat_id"  # noqa: S608
            " WHERE d.state = 'queued' AND d.next_attempt_at <= ? AND c.active = 1"
            " ORDER BY d.id LIMIT ?",
            (now, limit),
        )
        return [_delivery(row) for row in rows]

    async def next_due_at(self) -> float | None:
        row = await self._fetchone(
            "SELECT min(next_attempt_at) FROM deliveries WHERE state = 'queued'"
        )
        return float(row[0]) if row and row[0] is not None else None

    async def get(self, delivery_id: int) -> Delivery | None:
        row = await self._fetchone(
            f"SELECT {_DELIVERY_COLUMNS} FROM deliveries d JOIN chats c ON c.id = d.chat_id"  # noqa: S608
            " WHERE d.id = ?",
            (delivery_id,),
        )
        return _delivery(row) if row else None

    async def claim(self, now: float, limit: int, lease: float) -> list[Delivery]:
        """Take up to ``limit`` due deliveries, at most one per chat, leased for ``lease``
        seconds, oldest first; each claim counts as an attempt."""
        async with self._transaction():
            rows = await self._fetchall(_CLAIMABLE, {"now": now, "limit": limit})
            first: dict[int, int] = {}
            for delivery_id, chat_id in rows:
                first.setdefault(int(chat_id), int(delivery_id))
            until = now + lease
            await self._db.executemany(
                "UPDATE deliveries SET state = 'sending', attempts = attempts + 1,"
                " lease_until = ?, lease_seconds = ? WHERE id = ?",
                [(until, lease, delivery_id) for delivery_id in first.values()],
            )
            await self._db.executemany(
                "UPDATE chats SET claimed_until = ? WHERE id = ?",
                [(until, chat_id) for chat_id in first],
            )
            claimed = [await self.get(delivery_id) for delivery_id in sorted(first.values())]
        return [delivery for delivery in claimed if delivery is not None]

    async def release(self, delivery_id: int, at: float) -> None:
        async with self._transaction():
            await self._db.execute(
                "UPDATE chats SET claimed_until = 0, send_after = max(send_after, ?)"
                " WHERE id = (SELECT chat_id FROM deliveries WHERE id = ?)",
                (at, delivery_id),
            )
            await self._db.execute(
                "UPDATE deliveries SET state = 'queued', attempts = attempts - 1,"
                " next_attempt_at = ? WHERE id = ? AND state = 'sending'",
                (at, delivery_id),
            )

    async def chunks_sent(self, sent: Sequence[SentChunk]) -> None:
        async with self._transaction():
            for chunk in sent:
                await self._chunk_sent(chunk)

    async def _chunk_sent(self, chunk: SentChunk) -> None:
        delivery_id, now, last = chunk.delivery_id, chunk.at, chunk.last
        await self._db.execute(
            "UPDATE deliveries SET chunks_sent = chunks_sent + 1,"
            " paid_messages = paid_messages + :paid,"
            " message_ids = json_insert(message_ids, '$[#]', :message),"
            " state = CASE WHEN :last THEN 'sent' ELSE state END,"
            " finished_at = CASE WHEN :last THEN :now ELSE finished_at END,"
            " lease_until = :now + lease_seconds"
            " WHERE id = :delivery",
            {
                "message": chunk.message_id,
                "last": last,
                "now": now,
                "delivery": delivery_id,
                "paid": int(chunk.paid),
            },
        )
        row = await self._fetchone(
            "SELECT c.id, c.recent_sends, d.lease_until FROM chats c"
            " JOIN deliveries d ON d.chat_id = c.id WHERE d.id = ?",
            (delivery_id,),
        )
        if row is None:
            return
        recent = [*json.loads(row[1]), now][-RECENT_SENDS:]
        await self._db.execute(
            "UPDATE chats SET recent_sends = ?, claimed_until = ? WHERE id = ?",
            (json.dumps(recent), 0 if last else row[2], row[0]),
        )

    async def finish(
        self, delivery_id: int, state: DeliveryState, now: float, error: str = ""
    ) -> None:
        async with self._transaction():
            await self._free_chat_of(delivery_id, 0.0)
            await self._db.execute(
                "UPDATE deliveries SET state = ?, finished_at = ?, last_error = ? WHERE id = ?",
                (state, now, error, delivery_id),
            )

    async def retry_at(
        self, delivery_id: int, at: float, error: str, *, counts: bool = True
    ) -> None:
        async with self._transaction():
            await self._free_chat_of(delivery_id, 0.0 if counts else at)
            await self._db.execute(
                "UPDATE deliveries SET state = 'queued', next_attempt_at = ?, last_error = ?,"
                " attempts = attempts - ? WHERE id = ?",
                (at, error, 0 if counts else 1, delivery_id),
            )

    async def _free_chat_of(self, delivery_id: int, send_after: float) -> None:
        await self._db.execute(
            "UPDATE chats SET claimed_until = 0, send_after = max(send_after, ?)"
            " WHERE id = (SELECT chat_id FROM deliveries WHERE id = ?)",
            (send_after, delivery_id),
        )

    async def requeue_in_flight(self, now: float) -> int:  # noqa: ARG002 - see below
        """After a crash, put the deliveries that were in flight back in the queue.

        One process owns a SQLite file, so every claim in it is the dead process's: all of
        them go back at once, without waiting for their leases to run out.
        """
        async with self._transaction():
            await self._db.execute("UPDATE chats SET claimed_until = 0")
            cursor = await self._db.execute(
                "UPDATE deliveries SET state = 'queued' WHERE state = 'sending'"
            )
        return cursor.rowcount

    async def stats(self, error_count: int = 5) -> Stats:
        chats = await self._fetchall(
            "SELECT type, sum(active), sum(1 - active) FROM chats GROUP BY type ORDER BY type"
        )
        subscriptions = await self._scalar(
            "SELECT count(*) FROM subscriptions s JOIN chats c ON c.id = s.chat_id"
            " WHERE c.active = 1"
        )
        states = await self._fetchall(
            "SELECT state, count(*) FROM deliveries GROUP BY state ORDER BY state"
        )
        errors = await self._fetchall(
            "SELECT id, chat_id, state, last_error FROM deliveries WHERE last_error != ''"
            " ORDER BY coalesce(finished_at, next_attempt_at) DESC, id DESC LIMIT ?",
            (error_count,),
        )
        paid = await self._scalar("SELECT coalesce(sum(paid_messages), 0) FROM deliveries")
        return Stats(
            tuple((str(t), int(a), int(i)) for t, a, i in chats),
            subscriptions,
            tuple((str(state), int(count)) for state, count in states),
            tuple(DeliveryError(int(d), int(c), str(s), str(e)) for d, c, s, e in errors),
            paid,
        )
