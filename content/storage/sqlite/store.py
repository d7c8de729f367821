"""The SQLite store: the only module that speaks SQL."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path
from types import TracebackType

import aiosqlite

from content.models import (
    ArticleInfo,
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
    ARTICLE_HEAD,
    ARTICLE_ORDER_SQLITE,
    article_columns,
    article_info,
    section_view,
)
from content.storage.rules import StoreRules
from content.storage.sqlite.chats import Chats
from content.storage.sqlite.db import Connections, Repository
from content.storage.sqlite.feeds import Feeds
from content.storage.sqlite.outbox import Outbox
from content.storage.sqlite.records import SqliteRecords
from content.storage.sqlite.schema import MIGRATIONS
from content.storage.sqlite.workers import OneWorker
from content.topics import Lexicon

_ARTICLE_COLUMNS = article_columns()
_HEAD = len(ARTICLE_HEAD)
SEARCH_CANDIDATES = 500
_PARAGRAPH_COLUMNS = """
    p.id, p.section, COALESCE(s.heading, ''), p.position, p.text,
    (SELECT group_concat(topic) FROM paragraph_topics WHERE paragraph_id = p.id)
"""
_PARAGRAPH_FROM = """
    FROM paragraphs p
    LEFT JOIN sections s ON s.article_id = p.article_id AND s.number = p.section
"""


class Store(Repository, StoreRules):
    """Articles, their sections, paragraphs, bullets and topic tags, in one SQLite file.

    ``chats`` and ``outbox`` are the parts of the same store that know where briefings go
    and what is queued for them. Ingest and re-tag are the shared rules (``StoreRules``)
    over this backend's records.
    """

    def __init__(
        self, connections: Connections, lexicon: Lexicon, analyzer: Analyzer | None = None
    ) -> None:
        Repository.__init__(self, connections)
        self.chats = Chats(connections)
        self.outbox = Outbox(connections)
        self.workers = OneWorker(connections)
        self.feeds = Feeds(connections)
        records = SqliteRecords(connections, self.outbox)
        StoreRules.__init__(self, records, analyzer or Analyzer(lexicon))

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
        return await _user_version(self._db)

    async def ping(self) -> bool:
        """Whether the database answers now."""
        try:
            return await self._scalar("SELECT 1") == 1
        except (sqlite3.Error, ValueError):  # ValueError: the connection was closed
            return False

    # --- reading ----------------------------------------------------------------------------

    async def current_article(self) -> ArticleInfo | None:
        row = await self._fetchone(
            f"SELECT {_ARTICLE_COLUMNS} FROM articles a ORDER BY {ARTICLE_ORDER_SQLITE}"  # noqa: S608
            " LIMIT 1"
        )
        return article_info(row) if row else None

    async def articles(self, limit: int = 20) -> list[ArticleInfo]:
        rows = await self._fetchall(
            f"SELECT {_ARTICLE_COLUMNS} FROM articles a"  # noqa: S608
            f" ORDER BY {ARTICLE_ORDER_SQLITE} LIMIT ?",
            (limit,),
        )
        return [article_info(row) for row in rows]

    async def articles_on(self, topic: str, besides: int, limit: int = 5) -> list[ArticleInfo]:
        rows = await self._fetchall(
            f"SELECT {_ARTICLE_COLUMNS} FROM articles a WHERE a.id != :besides AND a.id IN ("  # noqa: S608
            " SELECT p.article_id FROM paragraphs p"
            " JOIN paragraph_topics t ON t.paragraph_id = p.id WHERE t.topic = :topic"
            " UNION SELECT b.article_id FROM bullets b"
            " JOIN bullet_topics t ON t.bullet_id = b.id WHERE t.topic = :topic"
            f") ORDER BY {ARTICLE_ORDER_SQLITE} LIMIT :limit",
            {"topic": topic, "besides": besides, "limit": limit},
        )
        return [article_info(row) for row in rows]

    async def article(self, article_id: int) -> ArticleInfo | None:
        row = await self._fetchone(
            f"SELECT {_ARTICLE_COLUMNS} FROM articles a WHERE a.id = ?",  # noqa: S608
            (article_id,),
        )
        return article_info(row) if row else None

    async def article_count(self) -> int:
        row = await self._fetchone("SELECT count(*) FROM articles")
        return int(row[0]) if row else 0

    async def summary(self, article: ArticleInfo) -> Summary:
        rows = await self._fetchall(
            "SELECT text FROM bullets WHERE article_id = ? ORDER BY number", (article.id,)
        )
        return Summary(article, article.summary_title, tuple(row[0] for row in rows))

    async def headings(self, article: ArticleInfo) -> list[tuple[int, str]]:
        rows = await self._fetchall(
            "SELECT number, heading FROM sections WHERE article_id = ? ORDER BY number",
            (article.id,),
        )
        return [(int(number), str(heading)) for number, heading in rows]

    async def section(self, article: ArticleInfo, number: int) -> SectionView | None:
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
        rows = await self._fetchall(
            "SELECT topic FROM article_topics WHERE article_id = ? ORDER BY rank",
            (article.id,),
        )
        return [row[0] for row in rows]

    async def topic_briefing(self, article: ArticleInfo, topic: str) -> TopicBriefing:
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
        best = sorted({row[_HEAD]: row for row in rows}.values(), key=_order)  # by paragraph
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
        paragraph = _paragraph(row[_HEAD : _HEAD + 6])
        spans = self._analyzer.match_spans(paragraph.text, wanted)
        return SearchHit(article_info(row[:_HEAD]), paragraph, float(row[_HEAD + 6]), spans)


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
    return (float(row[_HEAD + 6]), int(row[0]), int(row[_HEAD + 1]), int(row[_HEAD + 3]))


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
