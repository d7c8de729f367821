"""The SQLite store: the only module that speaks SQL."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType

import aiosqlite

from content.models import (
    Article,
    ArticleInfo,
    IngestResult,
    SearchHit,
    SectionView,
    StoredBullet,
    StoredParagraph,
    Summary,
    TopicBriefing,
)
from content.ports import StoreUnavailableError
from content.search import Analyzer
from content.storage.rows import (
    ArticleRows,
    StoredSlug,
    article_fingerprint,
    article_from_rows,
    article_rows,
    ingest_outcome,
    section_view,
    tagging_key,
)
from content.storage.sqlite.chats import Chats
from content.storage.sqlite.db import Connections, Repository, inserted_id
from content.storage.sqlite.outbox import Outbox
from content.storage.sqlite.schema import MIGRATIONS
from content.storage.sqlite.workers import OneWorker
from content.topics import Lexicon

_ARTICLE_COLUMNS = "a.id, a.slug, a.title, a.summary_title"
SEARCH_CANDIDATES = 500
_PARAGRAPH_COLUMNS = """
    p.id, p.section, COALESCE(s.heading, ''), p.position, p.text,
    (SELECT group_concat(topic) FROM paragraph_topics WHERE paragraph_id = p.id)
"""
_PARAGRAPH_FROM = """
    FROM paragraphs p
    LEFT JOIN sections s ON s.article_id = p.article_id AND s.number = p.section
"""


def _no_owner_present(_owner: str) -> bool:
    return False


class Store(Repository):
    """Articles, their sections, paragraphs, bullets and topic tags, in one SQLite file.

    ``chats`` and ``outbox`` are the parts of the same store that know where briefings go
    and what is queued for them.
    """

    def __init__(
        self, connections: Connections, lexicon: Lexicon, analyzer: Analyzer | None = None
    ) -> None:
        super().__init__(connections)
        self._analyzer = analyzer or Analyzer(lexicon)
        self._tagged_with = tagging_key(self._analyzer)
        self.chats = Chats(connections)
        self.outbox = Outbox(connections)
        self.workers = OneWorker()

    @classmethod
    async def open(
        cls, path: Path | str, lexicon: Lexicon, analyzer: Analyzer | None = None
    ) -> Store:
        """Open (creating if needed) the database at ``path`` and bring its schema up to date.

        Raises StoreUnavailableError, naming the path, when the file cannot be opened or written
        (read-only, locked past the busy timeout, not a database, a folder).
        """
        try:
            connections = await _connect(path)
        except (sqlite3.Error, OSError) as error:
            raise StoreUnavailableError(path, str(error)) from error
        return cls(connections, lexicon, analyzer)

    async def close(self) -> None:
        """Close the database connections."""
        await self._connections.close()

    async def __aenter__(self) -> Store:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()

    async def schema_version(self) -> int:
        """The schema version recorded in the database."""
        return await _user_version(self._db)

    async def ping(self) -> bool:
        """Whether the database answers now."""
        try:
            return await self._scalar("SELECT 1") == 1
        except (sqlite3.Error, ValueError):  # ValueError: the connection was closed
            return False

    # --- ingest ---------------------------------------------------------------------------

    async def ingest(
        self,
        article: Article,
        source: str,
        now: float | None = None,
        owner_present: Callable[[str], bool] = _no_owner_present,
    ) -> IngestResult:
        """Store ``article`` in one transaction: unchanged, added, or replacing its old content.

        An article's id belongs to the file (``source``) that made it. Another file with the
        same id replaces it only when ``owner_present(owner)`` says the owner is gone (a
        rename); otherwise IdTakenError is raised and nothing changes.

        The fingerprint covers the article and the lexicon, so the same file twice changes
        nothing, while a new lexicon re-tags the article the next time it is ingested. A new
        article is queued for its subscribers in the same transaction; a replaced one is not
        sent again.
        """
        fingerprint = await asyncio.to_thread(article_fingerprint, article, self._tagged_with)
        unchanged = await self._stored_unchanged(article.slug, fingerprint, source)
        if unchanged is not None:
            return IngestResult(unchanged, article.slug, "unchanged")
        rows = await asyncio.to_thread(article_rows, article, self._analyzer)
        now = time.time() if now is None else now
        # The transaction takes the write lock before reading, so another process ingesting
        # the same file at the same moment cannot slip in between the check and the write.
        async with self._transaction():
            row = await self._fetchone(
                "SELECT id, fingerprint, source FROM articles WHERE slug = ?", (article.slug,)
            )
            stored = None
            if row is not None:
                stored = StoredSlug(article.slug, int(row[0]), str(row[1]), str(row[2]))
            outcome = ingest_outcome(stored, fingerprint, source, owner_present)
            if stored is not None and outcome == "renamed":
                # The same article, which now belongs to its new name.
                await self._db.execute(
                    "UPDATE articles SET source = ? WHERE id = ?", (source, stored.article_id)
                )
                return IngestResult(stored.article_id, article.slug, "unchanged")
            if stored is not None:
                article_id = stored.article_id
                await self._replace_article(article_id, article, source, fingerprint, now)
            else:
                article_id = await self._insert_article(article, source, fingerprint, now)
            await self._write_content(article_id, rows)
            if stored is None:
                await self.outbox.enqueue_article(article_id, now, rows.words)
        return IngestResult(article_id, article.slug, outcome)

    async def _stored_unchanged(self, slug: str, fingerprint: str, source: str) -> int | None:
        """The id of this very article stored from this very file, else None: the common case
        at start-up, answered without tagging the article or taking the write lock."""
        row = await self._fetchone(
            "SELECT id FROM articles WHERE slug = ? AND fingerprint = ? AND source = ?",
            (slug, fingerprint, source),
        )
        return int(row[0]) if row else None

    def use_lexicon(self, lexicon: Lexicon) -> None:
        """Tag and index with ``lexicon`` from now on; ``retag`` brings old articles up to it."""
        self._analyzer = replace(self._analyzer, lexicon=lexicon)
        self._tagged_with = tagging_key(self._analyzer)

    async def stale_articles(self) -> list[int]:
        """Ids of the articles tagged with another lexicon than the one in use, oldest first."""
        rows = await self._fetchall(
            "SELECT id FROM articles WHERE tagged_with != ? ORDER BY id", (self._tagged_with,)
        )
        return [int(row[0]) for row in rows]

    async def retag(self, article_id: int) -> bool:
        """Tag and index one stored article again with the lexicon in use; False if gone.

        The article is rebuilt from the store, not its file: uploads and ingested files have
        none to go back to. Nothing is queued: subscribers had it when it was new. The work is
        done before the write lock is taken; an article replaced meanwhile is left as it is.
        """
        before = await self._fetchone(
            "SELECT fingerprint FROM articles WHERE id = ?", (article_id,)
        )
        article = await self._stored_article(article_id)
        if before is None or article is None:
            return False
        fingerprint = await asyncio.to_thread(article_fingerprint, article, self._tagged_with)
        rows = await asyncio.to_thread(article_rows, article, self._analyzer)
        async with self._transaction():
            now = await self._fetchone(
                "SELECT fingerprint FROM articles WHERE id = ?", (article_id,)
            )
            if now is None or now[0] != before[0]:
                return now is not None
            await self._delete_content(article_id)
            await self._write_content(article_id, rows)
            await self._db.execute(
                "UPDATE articles SET fingerprint = ? WHERE id = ?", (fingerprint, article_id)
            )
        return True

    async def _stored_article(self, article_id: int) -> Article | None:
        row = await self._fetchone(
            "SELECT slug, title, summary_title FROM articles WHERE id = ?", (article_id,)
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
        return article_from_rows(
            (str(row[0]), str(row[1]), str(row[2])),
            ((int(number), str(text)) for number, text in paragraphs),
            ((int(number), str(heading)) for number, heading in sections),
            (str(bullet[0]) for bullet in bullets),
        )

    async def _insert_article(
        self, article: Article, source: str, fingerprint: str, now: float
    ) -> int:
        cursor = await self._db.execute(
            "INSERT INTO articles (slug, source, title, summary_title, fingerprint, added_at,"
            " updated_at, added_ts) VALUES (:slug, :source, :title, :summary_title,"
            " :fingerprint, :stamp, :stamp, :now)",
            {
                "slug": article.slug,
                "source": source,
                "title": article.title,
                "summary_title": article.summary_title,
                "fingerprint": fingerprint,
                "stamp": _iso(now),
                "now": now,
            },
        )
        return inserted_id(cursor.lastrowid)

    async def _replace_article(
        self, article_id: int, article: Article, source: str, fingerprint: str, now: float
    ) -> None:
        await self._db.execute(
            "UPDATE articles SET source = ?, title = ?, summary_title = ?, fingerprint = ?,"
            " updated_at = ? WHERE id = ?",
            (source, article.title, article.summary_title, fingerprint, _iso(now), article_id),
        )
        await self._delete_content(article_id)

    async def _delete_content(self, article_id: int) -> None:
        await self._db.execute(
            "DELETE FROM paragraph_terms WHERE rowid IN"
            " (SELECT id FROM paragraphs WHERE article_id = ?)",
            (article_id,),
        )
        for table in ("sections", "paragraphs", "bullets", "article_topics"):
            await self._db.execute(f"DELETE FROM {table} WHERE article_id = ?", (article_id,))  # noqa: S608

    async def _write_content(self, article_id: int, rows: ArticleRows) -> None:
        """Write an article's rows in bulk; its paragraph and bullet ids are given, not asked
        for row by row, so that the transaction is a few statements however long it is."""
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
            "UPDATE articles SET tagged_with = ? WHERE id = ?", (self._tagged_with, article_id)
        )

    async def _next_id(self, table: str) -> int:
        """The next free id of ``table``, asked inside the transaction that holds the lock."""
        return await self._scalar(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")  # noqa: S608

    # --- reading ----------------------------------------------------------------------------

    async def current_article(self) -> ArticleInfo | None:
        """The newest article: the one added last."""
        row = await self._fetchone(
            f"SELECT {_ARTICLE_COLUMNS} FROM articles a ORDER BY a.added_ts DESC, a.id DESC"  # noqa: S608
            " LIMIT 1"
        )
        return ArticleInfo(*row) if row else None

    async def articles(self, limit: int = 20) -> list[ArticleInfo]:
        """Stored articles, newest first."""
        rows = await self._fetchall(
            f"SELECT {_ARTICLE_COLUMNS} FROM articles a"  # noqa: S608
            " ORDER BY a.added_ts DESC, a.id DESC LIMIT ?",
            (limit,),
        )
        return [ArticleInfo(*row) for row in rows]

    async def articles_on(self, topic: str, besides: int, limit: int = 5) -> list[ArticleInfo]:
        """Other articles that name ``topic``, newest first."""
        rows = await self._fetchall(
            f"SELECT {_ARTICLE_COLUMNS} FROM articles a WHERE a.id != :besides AND a.id IN ("  # noqa: S608
            " SELECT p.article_id FROM paragraphs p"
            " JOIN paragraph_topics t ON t.paragraph_id = p.id WHERE t.topic = :topic"
            " UNION SELECT b.article_id FROM bullets b"
            " JOIN bullet_topics t ON t.bullet_id = b.id WHERE t.topic = :topic"
            ") ORDER BY a.added_ts DESC, a.id DESC LIMIT :limit",
            {"topic": topic, "besides": besides, "limit": limit},
        )
        return [ArticleInfo(*row) for row in rows]

    async def article(self, article_id: int) -> ArticleInfo | None:
        """The article with this id, if it is stored."""
        row = await self._fetchone(
            f"SELECT {_ARTICLE_COLUMNS} FROM articles a WHERE a.id = ?",  # noqa: S608
            (article_id,),
        )
        return ArticleInfo(*row) if row else None

    async def article_count(self) -> int:
        """How many articles are stored."""
        row = await self._fetchone("SELECT count(*) FROM articles")
        return int(row[0]) if row else 0

    async def summary(self, article: ArticleInfo) -> Summary:
        """The article's closing summary."""
        rows = await self._fetchall(
            "SELECT text FROM bullets WHERE article_id = ? ORDER BY number", (article.id,)
        )
        return Summary(article, article.summary_title, tuple(row[0] for row in rows))

    async def headings(self, article: ArticleInfo) -> list[tuple[int, str]]:
        """(number, heading) of every section, the lead (0, '') first when there is one."""
        rows = await self._fetchall(
            "SELECT number, heading FROM sections WHERE article_id = ? ORDER BY number",
            (article.id,),
        )
        return [(int(number), str(heading)) for number, heading in rows]

    async def section(self, article: ArticleInfo, number: int) -> SectionView | None:
        """One section of the article (0 is the lead), or None when it has no such section."""
        numbers = [entry for entry, _ in await self.headings(article)]
        if number not in numbers:
            return None
        heading = await self._fetchone(
            "SELECT heading FROM sections WHERE article_id = ? AND number = ?",
            (article.id, number),
        )
        rows = await self._fetchall(
            "SELECT text FROM paragraphs WHERE article_id = ? AND section = ? ORDER BY position",
            (article.id, number),
        )
        return section_view(
            article, numbers, number, heading[0] if heading else "", [row[0] for row in rows]
        )

    async def topics_of(self, article: ArticleInfo) -> list[str]:
        """Commands of the topics the article names, its main subjects first."""
        rows = await self._fetchall(
            "SELECT topic FROM article_topics WHERE article_id = ? ORDER BY rank",
            (article.id,),
        )
        return [row[0] for row in rows]

    async def topic_briefing(self, article: ArticleInfo, topic: str) -> TopicBriefing:
        """The article's paragraphs and bullets that name ``topic``, in reading order."""
        paragraph_rows = await self._fetchall(
            f"SELECT {_PARAGRAPH_COLUMNS} {_PARAGRAPH_FROM}"
            " JOIN paragraph_topics t ON t.paragraph_id = p.id"
            " WHERE p.article_id = ? AND t.topic = ? ORDER BY p.section, p.position",
            (article.id, topic),
        )
        bullet_rows = await self._fetchall(
            "SELECT b.number, b.text,"
            " (SELECT group_concat(topic) FROM bullet_topics WHERE bullet_id = b.id)"
            " FROM bullets b JOIN bullet_topics t ON t.bullet_id = b.id"
            " WHERE b.article_id = ? AND t.topic = ? ORDER BY b.number",
            (article.id, topic),
        )
        return TopicBriefing(
            article,
            topic,
            tuple(_paragraph(row) for row in paragraph_rows),
            tuple(StoredBullet(row[0], row[1], _topic_set(row[2])) for row in bullet_rows),
        )

    async def search(self, query: str, limit: int = 10) -> list[SearchHit]:
        """Paragraphs that contain the query's words, best first (BM25 over normalised terms)."""
        query_terms = self._analyzer.query_terms(query)
        if not query_terms:
            return []
        match = _any_of(query_terms)
        # BM25 ranks the newest SEARCH_CANDIDATES matches: FTS5 walks them newest first and
        # stops, so a common word costs the same at ten thousand articles as at a hundred,
        # and the freshest news wins among equals. Paragraphs with a rare word of the question
        # are ranked wherever they are, so an old article that alone answers is still found.
        rows = await self._ranked(match, newest_first=True)
        rare = await self._rare_terms(query_terms)
        if rare:
            # Ranked again with the rare words counted twice: they are what the question is
            # most about. A paragraph found both ways keeps this, its better, rank.
            rows += await self._ranked(f"{match} AND {_any_of(rare)}", newest_first=False)
        best = sorted({row[4]: row for row in rows}.values(), key=_order)
        return [self._hit(row, frozenset(query_terms)) for row in best[:limit]]

    async def _ranked(self, match: str, *, newest_first: bool) -> list[aiosqlite.Row]:
        """Paragraphs matching ``match`` with their BM25 rank, at most SEARCH_CANDIDATES."""
        order = "ORDER BY rowid DESC" if newest_first else ""
        return await self._fetchall(
            f"SELECT {_ARTICLE_COLUMNS}, {_PARAGRAPH_COLUMNS}, m.rank"  # noqa: S608
            " FROM (SELECT rowid AS id, bm25(paragraph_terms) AS rank FROM paragraph_terms"
            f"       WHERE paragraph_terms MATCH :match {order} LIMIT :candidates) m"
            " JOIN paragraphs p ON p.id = m.id"
            " JOIN articles a ON a.id = p.article_id"
            " LEFT JOIN sections s ON s.article_id = p.article_id AND s.number = p.section",
            {"match": match, "candidates": SEARCH_CANDIDATES},
        )

    async def _rare_terms(self, query_terms: list[str]) -> list[str]:
        """The question's terms found in no more than SEARCH_CANDIDATES paragraphs."""
        marks = ", ".join("?" for _ in query_terms)
        rows = await self._fetchall(
            f"SELECT term FROM paragraph_vocab WHERE term IN ({marks}) AND doc <= ?",  # noqa: S608
            (*query_terms, SEARCH_CANDIDATES),
        )
        return [str(row[0]) for row in rows]

    def _hit(self, row: aiosqlite.Row, wanted: frozenset[str]) -> SearchHit:
        paragraph = _paragraph(row[4:10])
        spans = self._analyzer.match_spans(paragraph.text, wanted)
        return SearchHit(ArticleInfo(*row[:4]), paragraph, float(row[10]), spans)


def _paragraph(row: aiosqlite.Row | tuple[object, ...]) -> StoredParagraph:
    paragraph_id, section, heading, position, text, topics = tuple(row)
    return StoredParagraph(
        id=int(str(paragraph_id)),
        section=int(str(section)),
        heading=str(heading),
        position=int(str(position)),
        text=str(text),
        topics=_topic_set(topics),
    )


def _any_of(terms: list[str]) -> str:
    """An FTS5 expression matching any of ``terms``, each quoted."""
    return "(" + " OR ".join('"' + term.replace('"', '""') + '"' for term in terms) + ")"


def _order(row: aiosqlite.Row) -> tuple[float, int, int, int]:
    """Best rank first, then reading order (article, section, position)."""
    return (float(row[10]), int(row[0]), int(row[5]), int(row[7]))


def _iso(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, UTC).isoformat(timespec="seconds")


def _topic_set(value: object) -> frozenset[str]:
    return frozenset(str(value).split(",")) if value else frozenset()


async def _connect(path: Path | str) -> Connections:
    """The writer and the reader of ``path``, its schema migrated to the latest."""
    if str(path) == ":memory:":
        # Each connection to :memory: is a database of its own: one connection does both.
        writer = await _open_writer(path)
        return Connections(writer, writer)
    if await asyncio.to_thread(Path(path).is_dir):
        # Refused before aiosqlite starts its thread: a failed connect leaves that thread
        # to report to an event loop that may be closed by then.
        raise IsADirectoryError(21, "it is a folder, not a database file")
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    writer = await _open_writer(path)
    try:
        reader = await _open_reader(path)
    except BaseException:
        await writer.close()
        raise
    return Connections(writer, reader)


async def _open_writer(path: Path | str) -> aiosqlite.Connection:
    db = await aiosqlite.connect(path, isolation_level=None)
    try:
        # First, so that a database another process holds is waited for, not failed at once.
        await db.execute("PRAGMA busy_timeout = 5000")
        await db.execute("PRAGMA journal_mode = WAL")
        # In WAL mode NORMAL survives a crash of the process (what the outbox must survive)
        # and spares an fsync on every commit; only a power cut could lose the last commits.
        await db.execute("PRAGMA synchronous = NORMAL")
        await db.execute("PRAGMA foreign_keys = ON")
        await _migrate(db)
    except BaseException:
        await db.close()
        raise
    return db


async def _open_reader(path: Path | str) -> aiosqlite.Connection:
    db = await aiosqlite.connect(path, isolation_level=None)
    try:
        await db.execute("PRAGMA busy_timeout = 5000")
        # A write here would be a bug: it would bypass the writer's lock and transactions.
        await db.execute("PRAGMA query_only = ON")
    except BaseException:
        await db.close()
        raise
    return db


async def _user_version(db: aiosqlite.Connection) -> int:
    async with db.execute("PRAGMA user_version") as cursor:
        row = await cursor.fetchone()
    return int(row[0]) if row else 0


async def _migrate(db: aiosqlite.Connection) -> None:
    """Apply every migration newer than the database, each in its own transaction."""
    current = await _user_version(db)
    if current > len(MIGRATIONS):
        raise sqlite3.DatabaseError(
            f"the database has schema version {current}, newer than this program's "
            f"{len(MIGRATIONS)}: upgrade Mojaz"
        )
    for version, script in enumerate(MIGRATIONS[current:], current + 1):
        try:
            await db.executescript(f"BEGIN; {script}; PRAGMA user_version = {version}; COMMIT;")
        except sqlite3.Error:
            if db.in_transaction:
                await db.execute("ROLLBACK")
            raise
