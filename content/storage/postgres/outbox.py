"""The outbox in PostgreSQL: one queue of deliveries for every worker on the database."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import asyncpg

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
from content.ports import RECENT_SENDS
from content.storage.deliveries import NewDelivery, alert_deliveries, payload

_DELIVERY_COLUMNS = (
    "d.id, d.chat_id, c.type, d.kind, d.payload, d.attempts, d.chunks_sent,"
    " COALESCE(NULLIF(c.language, ''), c.app_language) AS language,"  # chosen, else the app's
    " c.recent_sends, d.thread_id"
)
# Claims lock the chats they take (SKIP LOCKED: another worker's claim in progress is passed
# over, not waited for) and mark them claimed in the same statement. A claim that read the
# chats before another one committed re-reads each chat it locks, finds it claimed, and
# leaves it: two workers never send to one chat at once.
_CLAIM = f"""
    WITH due AS (
        SELECT d.id, d.chat_id FROM deliveries d JOIN chats c ON c.id = d.chat_id
        WHERE ((d.state = 'queued' AND d.next_attempt_at <= $1)
               OR (d.state = 'sending' AND d.lease_until < $1))
          AND c.active AND c.claimed_until < $1 AND c.send_after <= $1
        ORDER BY d.id LIMIT $2
        FOR UPDATE OF c SKIP LOCKED
    ), first AS (
        SELECT min(id) AS id, chat_id FROM due GROUP BY chat_id
    ), taken AS (
        UPDATE chats SET claimed_until = $1 + $3 FROM first WHERE chats.id = first.chat_id
    ), claimed AS (
        UPDATE deliveries d SET state = 'sending', attempts = d.attempts + 1,
               lease_until = $1 + $3, lease_seconds = $3
        FROM first WHERE d.id = first.id
        RETURNING d.*
    )
    SELECT {_DELIVERY_COLUMNS} FROM claimed d JOIN chats c ON c.id = d.chat_id ORDER BY d.id
"""  # noqa: S608 - composed of constants only
# Topics an article names, in its paragraphs or bullets ($1 is the article).
_ARTICLE_TOPICS = """
    SELECT unnest(topics) FROM paragraphs WHERE article_id = $1
    UNION SELECT unnest(topics) FROM bullets WHERE article_id = $1
"""
# One delivery per thread of an active chat, not paused, subscribed to everything or to a
# topic the article names, with the topics it matched; a thread that has it already is left
# alone.
_ENQUEUE_ARTICLE = f"""
    INSERT INTO deliveries
        (chat_id, thread_id, kind, payload, dedupe_key, next_attempt_at, created_at)
    SELECT s.chat_id, s.thread_id, 'article',
           json_build_object(
               'articles', json_build_array($1::bigint),
               'topics', COALESCE(
                   json_agg(s.topic ORDER BY s.topic COLLATE "C") FILTER (WHERE s.topic != ''),
                   '[]'::json))::text,
           'article:' || $1 || ':' || s.chat_id || ':' || s.thread_id, $2, $2
    FROM subscriptions s JOIN chats c ON c.id = s.chat_id
    LEFT JOIN threads t ON t.chat_id = s.chat_id AND t.thread_id = s.thread_id
    WHERE c.active AND coalesce(t.paused, '') = ''
      AND (s.topic = '' OR s.topic IN ({_ARTICLE_TOPICS}))
    GROUP BY s.chat_id, s.thread_id
    ON CONFLICT (dedupe_key) DO NOTHING
"""  # noqa: S608 - composed of constants only
# Articles added in ($1, $2] for thread $4 of chat $3: every one when it subscribes to
# everything or to nothing, else those that name one of its topics.
_THREAD_SUBSCRIPTIONS = "FROM subscriptions s WHERE s.chat_id = $3 AND s.thread_id = $4"
_DIGEST_ARTICLES = f"""
    SELECT a.id FROM articles a WHERE a.added_ts > $1 AND a.added_ts <= $2
    AND (EXISTS (SELECT 1 {_THREAD_SUBSCRIPTIONS} AND s.topic = '')
         OR NOT EXISTS (SELECT 1 {_THREAD_SUBSCRIPTIONS})
         OR EXISTS (SELECT 1 {_THREAD_SUBSCRIPTIONS} AND s.topic IN (
             SELECT unnest(topics) FROM paragraphs WHERE article_id = a.id
             UNION SELECT unnest(topics) FROM bullets WHERE article_id = a.id)))
    ORDER BY a.added_ts, a.id
"""  # noqa: S608 - composed of constants only
# Alerts of active chats' unpaused threads whose first term the article has ($1).
_ALERT_CANDIDATES = """
    SELECT a.id, a.chat_id, a.thread_id, a.phrase, a.terms FROM alerts a
    JOIN chats c ON c.id = a.chat_id
    LEFT JOIN threads t ON t.chat_id = a.chat_id AND t.thread_id = a.thread_id
    WHERE a.first_term = ANY($1::text[]) AND c.active AND coalesce(t.paused, '') = ''
    ORDER BY a.id
"""
# One message of a delivery sent ($1 its id, $2 whether it was the last, $3 when): the
# delivery and its chat's latest pushes record it, in one round trip.
_CHUNK_SENT = f"""
    WITH d AS (
        UPDATE deliveries SET chunks_sent = chunks_sent + 1,
            paid_messages = paid_messages + $5,
            message_ids = (message_ids::jsonb || to_jsonb($1::bigint))::text,
            state = CASE WHEN $2 THEN 'sent' ELSE state END,
            finished_at = CASE WHEN $2 THEN $3 ELSE finished_at END,
            lease_until = $3 + lease_seconds
        WHERE id = $4 RETURNING chat_id, lease_until
    )
    UPDATE chats c SET
        claimed_until = CASE WHEN $2 THEN 0 ELSE d.lease_until END,
        recent_sends = (c.recent_sends || $3::double precision)
            [greatest(1, cardinality(c.recent_sends) + 2 - {RECENT_SENDS}):]
    FROM d WHERE c.id = d.chat_id
"""  # noqa: S608 - composed of constants only
# A broadcast goes to every active chat with at least one subscription, once: in a forum,
# to the first of its subscribed threads.
_AUDIENCE = (
    "FROM chats c WHERE c.active AND EXISTS (SELECT 1 FROM subscriptions s WHERE s.chat_id = c.id)"
)
_FIRST_THREAD = "(SELECT min(thread_id) FROM subscriptions s WHERE s.chat_id = c.id)"


def _delivery(row: asyncpg.Record) -> Delivery:
    data = json.loads(row["payload"])
    return Delivery(
        int(row["id"]), int(row["chat_id"]), str(row["type"]), DeliveryKind(row["kind"]),
        tuple(data.get("articles", ())), tuple(data.get("topics", ())),
        int(row["attempts"]), int(row["chunks_sent"]), str(row["language"]),
        tuple(row["recent_sends"]), int(row["thread_id"]), tuple(data.get("words", ())),
    )  # fmt: skip


def count_of(status: str) -> int:
    """The row count of a command's status, such as 'DELETE 2' or 'INSERT 0 1'."""
    return int(status.rsplit(" ", 1)[-1])


async def enqueue_article(
    connection: Any, article_id: int, now: float, words: Sequence[Sequence[str]] = ()
) -> int:
    """Queue a new article for its subscribers and the alerts its ``words`` match, inside
    the caller's transaction (the ingest, so that an article and its deliveries are stored
    together or not at all)."""
    queued = count_of(await connection.execute(_ENQUEUE_ARTICLE, article_id, now))
    if not words:
        return queued
    article_words = ArticleWords(words)
    candidates = await connection.fetch(_ALERT_CANDIDATES, article_words.terms)
    alerted = alert_deliveries(article_id, article_words, candidates)
    return queued + await _insert(connection, alerted, now)


class PostgresOutbox:
    """Queued deliveries and their fate."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def enqueue_article(
        self, article_id: int, now: float, words: Sequence[Sequence[str]] = ()
    ) -> int:
        """Queue an article for every thread subscribed to it or one of its topics, or
        alerted on a phrase of its ``words``."""
        async with self._pool.acquire() as connection, connection.transaction():
            return await enqueue_article(connection, article_id, now, words)

    async def enqueue_digest(self, chat_id: int, now: float, thread_id: int = MAIN_THREAD) -> bool:
        async with self._pool.acquire() as connection, connection.transaction():
            since = await connection.fetchval(
                "SELECT t.digest_since FROM threads t JOIN chats c ON c.id = t.chat_id"
                " WHERE t.chat_id = $1 AND t.thread_id = $2 AND c.active AND t.paused = ''"
                " FOR UPDATE OF t",
                chat_id, thread_id,
            )  # fmt: skip
            if since is None:
                return False
            article_ids = await _digest_articles(connection, chat_id, thread_id, since, now)
            await connection.execute(
                "UPDATE threads SET digest_since = $1 WHERE chat_id = $2 AND thread_id = $3",
                now, chat_id, thread_id,
            )  # fmt: skip
            if article_ids:
                digest = NewDelivery(
                    chat_id, thread_id, DeliveryKind.DIGEST, payload(article_ids, []),
                    f"digest:{chat_id}:{thread_id}:{now}",
                )  # fmt: skip
                await _insert(connection, [digest], now)
        return bool(article_ids)

    async def broadcast_audience(self) -> int:
        return int(await self._pool.fetchval(f"SELECT count(*) {_AUDIENCE}"))

    async def enqueue_broadcast(self, article_id: int, preview: str, now: float) -> int:
        """Queue an article for every active chat with a subscription, once per ``preview``
        however often it is confirmed; how many were queued."""
        status = await self._pool.execute(
            "INSERT INTO deliveries (chat_id, thread_id, kind, payload, dedupe_key,"
            " next_attempt_at, created_at)"
            f" SELECT c.id, {_FIRST_THREAD}, 'broadcast', $1,"
            " 'broadcast:' || $2 || ':' || $3 || ':' || c.id, $4, $4"
            f" {_AUDIENCE} ON CONFLICT (dedupe_key) DO NOTHING",
            payload([article_id], []), str(article_id), preview, now,
        )  # fmt: skip
        return count_of(status)

    async def due(self, now: float, limit: int) -> list[Delivery]:
        rows = await self._pool.fetch(
            f"SELECT {_DELIVERY_COLUMNS} FROM deliveries d JOIN chats c ON c.id = d.chat_id"  # noqa: S608
            " WHERE d.state = 'queued' AND d.next_attempt_at <= $1 AND c.active"
            " ORDER BY d.id LIMIT $2",
            now, limit,
        )  # fmt: skip
        return [_delivery(row) for row in rows]

    async def next_due_at(self) -> float | None:
        value = await self._pool.fetchval(
            "SELECT min(next_attempt_at) FROM deliveries WHERE state = 'queued'"
        )
        return float(value) if value is not None else None

    async def get(self, delivery_id: int) -> Delivery | None:
        row = await self._pool.fetchrow(
            f"SELECT {_DELIVERY_COLUMNS} FROM deliveries d JOIN chats c ON c.id = d.chat_id"  # noqa: S608
            " WHERE d.id = $1",
            delivery_id,
        )
        return _delivery(row) if row else None

    async def claim(self, now: float, limit: int, lease: float) -> list[Delivery]:
        """Take up to ``limit`` due deliveries, at most one per chat, leased for ``lease``
        seconds, oldest first; each claim counts as an attempt."""
        return [_delivery(row) for row in await self._pool.fetch(_CLAIM, now, limit, lease)]

    async def release(self, delivery_id: int, at: float) -> None:
        async with self._pool.acquire() as connection, connection.transaction():
            await _free_chat_of(connection, delivery_id, at)
            await connection.execute(
                "UPDATE deliveries SET state = 'queued', attempts = attempts - 1,"
                " next_attempt_at = $1 WHERE id = $2 AND state = 'sending'",
                at, delivery_id,
            )  # fmt: skip

    async def chunks_sent(self, sent: Sequence[SentChunk]) -> None:
        rows = [(c.message_id, c.last, c.at, c.delivery_id, int(c.paid)) for c in sent]
        async with self._pool.acquire() as connection, connection.transaction():
            await connection.executemany(_CHUNK_SENT, rows)

    async def finish(
        self, delivery_id: int, state: DeliveryState, now: float, error: str = ""
    ) -> None:
        async with self._pool.acquire() as connection, connection.transaction():
            await _free_chat_of(connection, delivery_id, 0.0)
            await connection.execute(
                "UPDATE deliveries SET state = $1, finished_at = $2, last_error = $3"
                " WHERE id = $4",
                state, now, error, delivery_id,
            )  # fmt: skip

    async def retry_at(
        self, delivery_id: int, at: float, error: str, *, counts: bool = True
    ) -> None:
        async with self._pool.acquire() as connection, connection.transaction():
            await _free_chat_of(connection, delivery_id, 0.0 if counts else at)
            await connection.execute(
                "UPDATE deliveries SET state = 'queued', next_attempt_at = $1, last_error = $2,"
                " attempts = attempts - $3 WHERE id = $4",
                at, error, 0 if counts else 1, delivery_id,
            )  # fmt: skip

    async def requeue_in_flight(self, now: float) -> int:
        """Queue again the deliveries whose worker's lease ran out: it died. Those of the
        workers still running are theirs, whatever this one's start-up."""
        async with self._pool.acquire() as connection, connection.transaction():
            await connection.execute(
                "UPDATE chats SET claimed_until = 0 WHERE claimed_until > 0"
                " AND claimed_until < $1",
                now,
            )
            status = await connection.execute(
                "UPDATE deliveries SET state = 'queued'"
                " WHERE state = 'sending' AND lease_until < $1",
                now,
            )
        return count_of(status)

    async def stats(self, error_count: int = 5) -> Stats:
        async with self._pool.acquire() as connection:
            chats = await connection.fetch(
                "SELECT type, count(*) FILTER (WHERE active) AS active,"
                " count(*) FILTER (WHERE NOT active) AS inactive FROM chats"
                ' GROUP BY type ORDER BY type COLLATE "C"'
            )
            subscriptions = await connection.fetchval(
                "SELECT count(*) FROM subscriptions s JOIN chats c ON c.id = s.chat_id"
                " WHERE c.active"
            )
            states = await connection.fetch(
                "SELECT state, count(*) AS n FROM deliveries GROUP BY state"
                ' ORDER BY state COLLATE "C"'
            )
            errors = await connection.fetch(
                "SELECT id, chat_id, state, last_error FROM deliveries WHERE last_error != ''"
                " ORDER BY coalesce(finished_at, next_attempt_at) DESC, id DESC LIMIT $1",
                error_count,
            )
            paid = await connection.fetchval(
                "SELECT coalesce(sum(paid_messages), 0) FROM deliveries"
            )
        return Stats(
            tuple((str(r["type"]), int(r["active"]), int(r["inactive"])) for r in chats),
            int(subscriptions),
            tuple((str(r["state"]), int(r["n"])) for r in states),
            tuple(DeliveryError(int(d), int(c), str(s), str(e)) for d, c, s, e in errors),
            int(paid),
        )


async def _free_chat_of(connection: Any, delivery_id: int, send_after: float) -> None:
    await connection.execute(
        "UPDATE chats SET claimed_until = 0, send_after = greatest(send_after, $1)"
        " WHERE id = (SELECT chat_id FROM deliveries WHERE id = $2)",
        send_after, delivery_id,
    )  # fmt: skip


async def _insert(connection: Any, deliveries: Sequence[NewDelivery], now: float) -> int:
    """Queue the deliveries whose dedupe keys are not queued already, in one statement."""
    if not deliveries:
        return 0
    status = await connection.execute(
        "INSERT INTO deliveries (chat_id, thread_id, kind, payload, dedupe_key,"
        " next_attempt_at, created_at)"
        " SELECT *, $6, $6 FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[],"
        " $5::text[]) ON CONFLICT (dedupe_key) DO NOTHING",
        [d.chat_id for d in deliveries], [d.thread_id for d in deliveries],
        [str(d.kind) for d in deliveries], [d.payload for d in deliveries],
        [d.dedupe_key for d in deliveries], now,
    )  # fmt: skip
    return count_of(status)


async def _digest_articles(
    connection: Any, chat_id: int, thread_id: int, since: float, now: float
) -> list[int]:
    """Articles added in (since, now]; only the subscribed topics' when the thread has topic
    subscriptions and no subscription to everything."""
    rows = await connection.fetch(_DIGEST_ARTICLES, since, now, chat_id, thread_id)
    return [int(row["id"]) for row in rows]
