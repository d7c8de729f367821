"""The SQL of the store's article rules in SQLite: the reads they make and one write session."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime

from content.models import Article, ArticleRows, StoredSlug
from content.storage.rows import ARTICLE_HEAD, article_from_rows, provenance
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

    async def stored_article(self, article_id: int) -> Article | None:
        row = await self._fetchone(
            f"SELECT {_STORED_HEAD} FROM articles WHERE id = ?",  # noqa: S608
            (article_id,),
        )
        if row is None:
            return None
        paragraphs = await self._fetchall(
            "SELECT section, text FROM paragraphs WHERE article_id = ? ORDER BY section, position",
            (article_id,),
        )
        sections = await self._fetchall(
            "SELECT number, heading FROM sections WHERE article_id = ? ORDER BY number",
            (article_id,),
        )
        bullets = await self._fetchall(
            "SELECT text FROM bullets WHERE article_id = ? ORDER BY number", (article_id,)
        )
        return article_from_rows(row, paragraphs, sections, bullets)

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
        await self._db.execute(
            "DELETE FROM paragraph_terms WHERE rowid IN"
            " (SELECT id FROM paragraphs WHERE article_id = ?)",
            (article_id,),
        )
        for table in ("sections", "paragraphs", "bullets", "article_topics"):
            await self._db.execute(f"DELETE FROM {table} WHERE article_id = ?", (article_id,))  # noqa: S608

    async def write_content(self, article_id: int, rows: ArticleRows, tagged_with: str) -> None:
        # Paragraph and bullet ids are given, not asked for row by row, so that the
        # transaction is a few statements however long the article is.
        db = self._db
        await db.executemany(
            "INSERT INTO sections (article_id, number, heading) VALUES (?, ?, ?)",
            [(article_id, number, heading) for number, heading in rows.sections],
        )
        paragraphs = list(enumerate(rows.paragraphs, await self._next_id("paragraphs")))
        await db.executemany(
            "INSERT INTO paragraphs (id, article_id, section, position, text)"
            " VALUES (?, ?, ?, ?, ?)",
            [(id_, article_id, p.section, p.position, p.text) for id_, p in paragraphs],
        )
        await db.executemany(
            "INSERT INTO paragraph_terms (rowid, terms) VALUES (?, ?)",
            [(id_, p.terms) for id_, p in paragraphs],
        )
        await db.executemany(
            "INSERT INTO paragraph_topics (paragraph_id, topic) VALUES (?, ?)",
            [(id_, topic) for id_, p in paragraphs for topic in p.topics],
        )
        bullets = list(enumerate(rows.bullets, await self._next_id("bullets")))
        await db.executemany(
            "INSERT INTO bullets (id, article_id, number, text) VALUES (?, ?, ?, ?)",
            [(id_, article_id, n, text) for n, (id_, (text, _)) in enumerate(bullets, 1)],
        )
        await db.executemany(
            "INSERT INTO bullet_topics (bullet_id, topic) VALUES (?, ?)",
            [(id_, topic) for id_, (_, topics) in bullets for topic in topics],
        )
        await db.executemany(
            "INSERT INTO article_topics (article_id, topic, rank) VALUES (?, ?, ?)",
            [(article_id, topic, rank) for rank, topic in enumerate(rows.topics)],
        )
        await db.execute(
            "UPDATE articles SET tagged_with = ? WHERE id = ?", (tagged_with, article_id)
        )

    async def enqueue_article(
        self, article_id: int, now: float, words: Sequence[Sequence[str]]
    ) -> None:
        await self._outbox.enqueue_article(article_id, now, words)

    async def _next_id(self, table: str) -> int:
        """The next free id of ``table``, asked inside the transaction that holds the lock."""
        return await self._scalar(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")  # noqa: S608


def _iso(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, UTC).isoformat(timespec="seconds")
