"""The SQL of the store's article rules in PostgreSQL: what they read, and a write session."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

import asyncpg

from content.models import Article, ArticleRows, StoredSlug
from content.storage.postgres.outbox import enqueue_article
from content.storage.rows import ARTICLE_HEAD, articles_from_rows, provenance

# Ingests take turns: each one's check-then-write, and the search counts it keeps.
_INGEST_LOCK = 0x4D6F6A62


logger = logging.getLogger(__name__)

# The head of a stored article as article_from_rows reads it: all but its id.
_STORED_HEAD = ", ".join(ARTICLE_HEAD[1:])


class PostgresRecords:
    """:class:`content.ports.ArticleRecords` on the store's pool."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    @asynccontextmanager
    async def writing(self) -> AsyncIterator[PostgresWriteSession]:
        async with self._pool.acquire() as connection, connection.transaction():
            await connection.execute("SELECT pg_advisory_xact_lock($1)", _INGEST_LOCK)
            yield PostgresWriteSession(connection)

    async def unchanged(self, slug: str, fingerprint: str, source: str) -> int | None:
        found = await self._pool.fetchval(
            "SELECT id FROM articles WHERE slug = $1 AND fingerprint = $2 AND source = $3",
            slug, fingerprint, source,
        )  # fmt: skip
        return int(found) if found is not None else None

    async def fingerprint(self, article_id: int) -> str | None:
        found = await self._pool.fetchval(
            "SELECT fingerprint FROM articles WHERE id = $1", article_id
        )
        return str(found) if found is not None else None

    async def stored_articles(self, article_ids: Sequence[int]) -> dict[int, tuple[str, Article]]:
        ids = list(article_ids)
        async with self._pool.acquire() as connection:
            heads = await connection.fetch(
                f"SELECT id, fingerprint, {_STORED_HEAD} FROM articles"  # noqa: S608
                " WHERE id = ANY($1::bigint[])",
                ids,
            )
            paragraphs = await connection.fetch(
                "SELECT article_id, section, text FROM paragraphs"
                " WHERE article_id = ANY($1::bigint[]) ORDER BY article_id, section, position",
                ids,
            )
            sections = await connection.fetch(
                "SELECT article_id, number, heading FROM sections"
                " WHERE article_id = ANY($1::bigint[]) ORDER BY article_id, number",
                ids,
            )
            bullets = await connection.fetch(
                "SELECT article_id, text FROM bullets"
                " WHERE article_id = ANY($1::bigint[]) ORDER BY article_id, number",
                ids,
            )
        return articles_from_rows(heads, paragraphs, sections, bullets)

    async def settle(self) -> None:
        # Until a vacuum marks their pages all-visible, a search reads each new posting's
        # row as well as the index: after a backfill, several times slower until autovacuum
        # comes. The planner's statistics are brought up to date with it.
        try:
            await self._pool.execute("VACUUM (ANALYZE) search_postings, paragraphs")
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as error:
            # The articles are stored: only the speed of the next searches is at stake.
            logger.warning("Could not vacuum after the backfill (autovacuum will): %s", error)

    async def tagged_otherwise(self, tagged_with: str) -> list[int]:
        rows = await self._pool.fetch(
            "SELECT id FROM articles WHERE tagged_with != $1 ORDER BY id", tagged_with
        )
        return [int(row["id"]) for row in rows]


class PostgresWriteSession:
    """:class:`content.ports.WriteSession` on one connection, inside the transaction (and the
    ingest lock) that :meth:`PostgresRecords.writing` holds."""

    def __init__(self, connection: Any) -> None:
        self._connection = connection

    async def slug_holder(self, slug: str) -> StoredSlug | None:
        row = await self._connection.fetchrow(
            "SELECT id, fingerprint, source FROM articles WHERE slug = $1", slug
        )
        return StoredSlug(slug, int(row[0]), str(row[1]), str(row[2])) if row else None

    async def fingerprint(self, article_id: int) -> str | None:
        found = await self._connection.fetchval(
            "SELECT fingerprint FROM articles WHERE id = $1", article_id
        )
        return str(found) if found is not None else None

    async def move(self, article_id: int, source: str) -> None:
        await self._connection.execute(
            "UPDATE articles SET source = $1 WHERE id = $2", source, article_id
        )

    async def add_article(
        self, article: Article, source: str, fingerprint: str, now: float
    ) -> int:
        added = await self._connection.fetchval(
            "INSERT INTO articles (slug, source, title, summary_title, fingerprint,"
            " added_ts, updated_ts, url, author, published, image, automatic_summary)"
            " VALUES ($1, $2, $3, $4, $5, $6, $6, $7, $8, $9, $10, $11) RETURNING id",
            article.slug, source, article.title, article.summary_title, fingerprint, now,
            *provenance(article),
        )  # fmt: skip
        return int(added)

    async def update_article(
        self, article_id: int, article: Article, source: str, fingerprint: str, now: float
    ) -> None:
        await self._connection.execute(
            "UPDATE articles SET source = $1, title = $2, summary_title = $3,"
            " fingerprint = $4, updated_ts = $5, url = $7, author = $8, published = $9,"
            " image = $10, automatic_summary = $11 WHERE id = $6",
            source, article.title, article.summary_title, fingerprint, now, article_id,
            *provenance(article),
        )  # fmt: skip

    async def set_fingerprint(self, article_id: int, fingerprint: str) -> None:
        await self._connection.execute(
            "UPDATE articles SET fingerprint = $1 WHERE id = $2", fingerprint, article_id
        )

    async def delete_article(self, article_id: int) -> None:
        await self.delete_content(article_id)
        await self._connection.execute("DELETE FROM articles WHERE id = $1", article_id)

    async def delete_content(self, article_id: int) -> None:
        connection = self._connection
        old = await connection.fetch(
            "SELECT terms FROM paragraphs WHERE article_id = $1", article_id
        )
        await _count_terms(connection, [list(row["terms"]) for row in old], sign=-1)
        await connection.execute(_DELETE_POSTINGS, article_id)
        for table in ("sections", "paragraphs", "bullets", "article_topics"):
            await connection.execute(f"DELETE FROM {table} WHERE article_id = $1", article_id)  # noqa: S608

    async def write_content(self, article_id: int, rows: ArticleRows, tagged_with: str) -> None:
        # In bulk (COPY), and the terms counted for BM25.
        connection = self._connection
        await connection.copy_records_to_table(
            "sections",
            records=[(article_id, number, heading) for number, heading in rows.sections],
            columns=["article_id", "number", "heading"],
        )
        paragraphs = [
            (article_id, p.section, p.position, p.text, p.terms.split(), list(p.topics))
            for p in rows.paragraphs
        ]
        await connection.copy_records_to_table(
            "paragraphs",
            records=paragraphs,
            columns=["article_id", "section", "position", "text", "terms", "topics"],
        )
        await connection.copy_records_to_table(
            "bullets",
            records=[
                (article_id, number, text, list(topics))
                for number, (text, topics) in enumerate(rows.bullets, 1)
            ],
            columns=["article_id", "number", "text", "topics"],
        )
        await connection.copy_records_to_table(
            "article_topics",
            records=[(article_id, topic, rank) for rank, topic in enumerate(rows.topics)],
            columns=["article_id", "topic", "rank"],
        )
        await _count_terms(connection, [terms for *_, terms, _ in paragraphs], sign=1)
        await connection.execute(_ADD_POSTINGS, article_id)
        await connection.execute(
            "UPDATE articles SET tagged_with = $1 WHERE id = $2", tagged_with, article_id
        )

    async def rewrite_tags(self, article_id: int, rows: ArticleRows, tagged_with: str) -> None:
        # Topics and terms live in the paragraph and bullet rows here: they are written anew.
        await self.delete_content(article_id)
        await self.write_content(article_id, rows, tagged_with)

    async def enqueue_article(
        self, article_id: int, now: float, words: Sequence[Sequence[str]]
    ) -> None:
        await enqueue_article(self._connection, article_id, now, words)


# An article's paragraphs in search_postings, under each term they hold (see schema #12).
_HELD = "SELECT DISTINCT term, id FROM paragraphs, unnest(terms) AS term WHERE article_id = $1"
_ADD_POSTINGS = f"INSERT INTO search_postings (term, paragraph_id) {_HELD}"
_DELETE_POSTINGS = f"DELETE FROM search_postings WHERE (term, paragraph_id) IN ({_HELD})"  # noqa: S608


async def _count_terms(connection: Any, paragraphs: list[list[str]], *, sign: int) -> None:
    """Add (sign 1) or take away (sign -1) these paragraphs from the counts BM25 uses."""
    spread = Counter(term for terms in paragraphs for term in set(terms))
    ordered = sorted(spread)
    await connection.execute(
        "INSERT INTO search_vocab (term, paragraphs)"
        " SELECT * FROM unnest($1::text[], $2::bigint[])"
        " ON CONFLICT (term) DO UPDATE"
        " SET paragraphs = search_vocab.paragraphs + excluded.paragraphs",
        ordered, [sign * spread[term] for term in ordered],
    )  # fmt: skip
    await connection.execute(
        "UPDATE search_totals SET paragraphs = paragraphs + $1, terms = terms + $2",
        sign * len(paragraphs), sign * sum(len(terms) for terms in paragraphs),
    )  # fmt: skip
