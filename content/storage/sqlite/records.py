"""The SQL of the store's article rules in SQLite: the reads they make and one write session."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime

from content.models import Article, ArticleRows, ParagraphRow, StoredSlug
from content.storage.rows import ARTICLE_HEAD, articles_from_rows, provenance
from content.storage.sqlite.db import Connections, Repository, inserted_id
from content.storage.sqlite.outbox import Outbox

# The head of a stored article as article_from_rows reads it: all but its id.
_STORED_HEAD = ", ".join(ARTICLE_HEAD[1:])
_PROVENANCE = ("url", "author", "published", "image", "automatic")


class SqliteRecords(Repository):
    """:class:`content.ports.ArticleRecords` on the store's connections."""

    def __init__(self, connections: Connections, outbox: Outbox) -> None:
        super().__init__(connections)
        self._session = SqliteWriteSession(connections, outbox)

    @asynccontextmanager
    async def writing(self) -> AsyncIterator[SqliteWriteSession]:
        # IMMEDIATE takes the write lock before the session's first read.
        async with self._transaction():
            self._session.begin()
            yield self._session

    async def unchanged(self, slug: str, fingerprint: str, source: str) -> int | None:
        row = await self._fetchone(
            "SELECT id FROM articles WHERE slug = ? AND fingerprint = ? AND source = ?",
            (slug, fingerprint, source),
        )
        return int(row[0]) if row else None

    async def fingerprint(self, article_id: int) -> str | None:
        # The session's read, made on the reading connection outside a transaction.
        return await self._session.fingerprint(article_id)

    async def stored_articles(self, article_ids: Sequence[int]) -> dict[int, tuple[str, Article]]:
        # One statement per table for the whole batch; ids are bound, never written in.
        ids = json.dumps(list(article_ids))
        wanted = "article_id IN (SELECT value FROM json_each(?))"
        heads, paragraphs, sections, bullets = await asyncio.gather(
            self._fetchall(
                f"SELECT id, fingerprint, {_STORED_HEAD} FROM articles"  # noqa: S608
                " WHERE id IN (SELECT value FROM json_each(?))",
                (ids,),
            ),
            self._fetchall(
                f"SELECT article_id, section, text FROM paragraphs WHERE {wanted}"  # noqa: S608
                " ORDER BY article_id, section, position",
                (ids,),
            ),
            self._fetchall(
                f"SELECT article_id, number, heading FROM sections WHERE {wanted}"  # noqa: S608
                " ORDER BY article_id, number",
                (ids,),
            ),
            self._fetchall(
                f"SELECT article_id, text FROM bullets WHERE {wanted}"  # noqa: S608
                " ORDER BY article_id, number",
                (ids,),
            ),
        )
        return articles_from_rows(heads, paragraphs, sections, bullets)

    async def settle(self) -> None:
        """Nothing: FTS5 merges its index as it goes, and this store keeps no planner
        statistics to bring up to date."""

    async def tagged_otherwise(self, tagged_with: str) -> list[int]:
        rows = await self._fetchall(
            "SELECT id FROM articles WHERE tagged_with != ? ORDER BY id", (tagged_with,)
        )
        return [int(row[0]) for row in rows]


class SqliteWriteSession(Repository):
    """:class:`content.ports.WriteSession`: statements on the writer, inside the transaction
    that :meth:`SqliteRecords.writing` holds."""

    def __init__(self, connections: Connections, outbox: Outbox) -> None:
        super().__init__(connections)
        self._outbox = outbox
        # The next free paragraph and bullet ids, once asked in this transaction: a batch
        # asks once, not once per article.
        self._free_ids: tuple[int, int] | None = None

    def begin(self) -> None:
        """A new transaction: what the last one knew of free ids is asked again."""
        self._free_ids = None

    async def slug_holder(self, slug: str) -> StoredSlug | None:
        row = await self._fetchone(
            "SELECT id, fingerprint, source FROM articles WHERE slug = ?", (slug,)
        )
        return StoredSlug(slug, int(row[0]), str(row[1]), str(row[2])) if row else None

    async def fingerprint(self, article_id: int) -> str | None:
        row = await self._fetchone("SELECT fingerprint FROM articles WHERE id = ?", (article_id,))
        return str(row[0]) if row else None

    async def move(self, article_id: int, source: str) -> None:
        await self._db.execute("UPDATE articles SET source = ? WHERE id = ?", (source, article_id))

    async def add_article(
        self, article: Article, source: str, fingerprint: str, now: float
    ) -> int:
        cursor = await self._db.execute(
            "INSERT INTO articles (slug, source, title, summary_title, fingerprint, added_at,"
            " updated_at, added_ts, url, author, published, image, automatic_summary)"
            " VALUES (:slug, :source, :title, :summary_title, :fingerprint, :stamp, :stamp,"
            " :now, :url, :author, :published, :image, :automatic)",
            {
                "slug": article.slug,
                "source": source,
                "title": article.title,
                "summary_title": article.summary_title,
                "fingerprint": fingerprint,
                "stamp": _iso(now),
                "now": now,
                **dict(zip(_PROVENANCE, provenance(article), strict=True)),
            },
        )
        return inserted_id(cursor.lastrowid)

    async def update_article(
        self, article_id: int, article: Article, source: str, fingerprint: str, now: float
    ) -> None:
        await self._db.execute(
            "UPDATE articles SET source = ?, title = ?, summary_title = ?, fingerprint = ?,"
            " updated_at = ?, url = ?, author = ?, published = ?, image = ?,"
            " automatic_summary = ? WHERE id = ?",
            (
                source,
                article.title,
                article.summary_title,
                fingerprint,
                _iso(now),
                *provenance(article),
                article_id,
            ),
        )

    async def set_fingerprint(self, article_id: int, fingerprint: str) -> None:
        await self._db.execute(
            "UPDATE articles SET fingerprint = ? WHERE id = ?", (fingerprint, article_id)
        )

    async def delete_article(self, article_id: int) -> None:
        await self.delete_content(article_id)
        await self._db.execute("DELETE FROM articles WHERE id = ?", (article_id,))

    async def delete_content(self, article_id: int) -> None:
        await self._all_at_once(
            (
                "DELETE FROM paragraph_terms WHERE rowid IN"
                " (SELECT id FROM paragraphs WHERE article_id = ?)",
                [(article_id,)],
            ),
            *(
                (f"DELETE FROM {table} WHERE article_id = ?", [(article_id,)])  # noqa: S608
                for table in ("sections", "paragraphs", "bullets", "article_topics")
            ),
        )

    async def write_content(self, article_id: int, rows: ArticleRows, tagged_with: str) -> None:
        # Paragraph and bullet ids are given, not asked for row by row, so that the
        # transaction is a few statements however long the article is.
        first_paragraph, first_bullet = self._free_ids or await self._next_ids()
        paragraphs = list(enumerate(rows.paragraphs, first_paragraph))
        bullets = list(enumerate(rows.bullets, first_bullet))
        self._free_ids = (first_paragraph + len(paragraphs), first_bullet + len(bullets))
        await self._all_at_once(
            (
                "INSERT INTO sections (article_id, number, heading) VALUES (?, ?, ?)",
                [(article_id, number, heading) for number, heading in rows.sections],
            ),
            (
                "INSERT INTO paragraphs (id, article_id, section, position, text)"
                " VALUES (?, ?, ?, ?, ?)",
                [(id_, article_id, p.section, p.position, p.text) for id_, p in paragraphs],
            ),
            (
                "INSERT INTO bullets (id, article_id, number, text) VALUES (?, ?, ?, ?)",
                [(id_, article_id, n, text) for n, (id_, (text, _)) in enumerate(bullets, 1)],
            ),
            *self._tag_statements(article_id, paragraphs, bullets, rows, tagged_with),
        )

    @staticmethod
    def _tag_statements(
        article_id: int,
        paragraphs: list[tuple[int, ParagraphRow]],
        bullets: list[tuple[int, tuple[str, tuple[str, ...]]]],
        rows: ArticleRows,
        tagged_with: str,
    ) -> list[tuple[str, Sequence[tuple[object, ...]]]]:
        """What tagging and indexing made of an article, as statements to write it."""
        return [
            (
                "INSERT INTO paragraph_terms (rowid, terms) VALUES (?, ?)",
                [(id_, p.terms) for id_, p in paragraphs],
            ),
            (
                "INSERT INTO paragraph_topics (paragraph_id, topic) VALUES (?, ?)",
                [(id_, topic) for id_, p in paragraphs for topic in p.topics],
            ),
            (
                "INSERT INTO bullet_topics (bullet_id, topic) VALUES (?, ?)",
                [(id_, topic) for id_, (_, topics) in bullets for topic in topics],
            ),
            (
                "INSERT INTO article_topics (article_id, topic, rank) VALUES (?, ?, ?)",
                [(article_id, topic, rank) for rank, topic in enumerate(rows.topics)],
            ),
            ("UPDATE articles SET tagged_with = ? WHERE id = ?", [(tagged_with, article_id)]),
        ]

    async def rewrite_tags(self, article_id: int, rows: ArticleRows, tagged_with: str) -> None:
        # The text is as stored: its paragraphs, sections and bullets stay, with their ids,
        # and only what tagging and indexing made is written again.
        paragraph_ids, bullet_ids = await asyncio.gather(
            self._fetchall(
                "SELECT id FROM paragraphs WHERE article_id = ? ORDER BY section, position",
                (article_id,),
            ),
            self._fetchall(
                "SELECT id FROM bullets WHERE article_id = ? ORDER BY number", (article_id,)
            ),
        )
        paragraphs = list(zip((row[0] for row in paragraph_ids), rows.paragraphs, strict=True))
        bullets = list(zip((row[0] for row in bullet_ids), rows.bullets, strict=True))
        of_paragraphs = "(SELECT id FROM paragraphs WHERE article_id = ?)"
        await self._all_at_once(
            (f"DELETE FROM paragraph_terms WHERE rowid IN {of_paragraphs}", [(article_id,)]),  # noqa: S608
            (
                f"DELETE FROM paragraph_topics WHERE paragraph_id IN {of_paragraphs}",  # noqa: S608
                [(article_id,)],
            ),
            (
                "DELETE FROM bullet_topics WHERE bullet_id IN"
                " (SELECT id FROM bullets WHERE article_id = ?)",
                [(article_id,)],
            ),
            ("DELETE FROM article_topics WHERE article_id = ?", [(article_id,)]),
            *self._tag_statements(article_id, paragraphs, bullets, rows, tagged_with),
        )

    async def _all_at_once(self, *statements: tuple[str, Sequence[tuple[object, ...]]]) -> None:
        """Run ``statements`` in order, queued on the writer's thread together: each is not
        handed back to the event loop before the next is sent, which on a long backfill is
        most of the cost of a small statement. The session's lock keeps other tasks' out."""
        # Tasks start in the order they are made, and each queues its statement on its first
        # step, so the connection's thread runs them in this order. All are waited for: the
        # transaction's rollback must come after the last, and no failure goes unread.
        done = await asyncio.gather(
            *(self._db.executemany(sql, rows) for sql, rows in statements),
            return_exceptions=True,
        )
        if failed := next((result for result in done if isinstance(result, BaseException)), None):
            raise failed

    async def enqueue_article(
        self, article_id: int, now: float, words: Sequence[Sequence[str]]
    ) -> None:
        await self._outbox.enqueue_article(article_id, now, words)

    async def _next_ids(self) -> tuple[int, int]:
        """The next free paragraph and bullet ids, asked inside the transaction that holds
        the lock."""
        [(paragraph, bullet)] = await self._fetchall(
            "SELECT (SELECT COALESCE(MAX(id), 0) + 1 FROM paragraphs),"
            " (SELECT COALESCE(MAX(id), 0) + 1 FROM bullets)"
        )
        return int(paragraph), int(bullet)


def _iso(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, UTC).isoformat(timespec="seconds")
