"""The PostgreSQL store: articles, search, chats and the outbox, shared by every worker."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import replace
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg

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
from content.storage.postgres.chats import PostgresChats
from content.storage.postgres.outbox import PostgresOutbox, enqueue_article
from content.storage.postgres.ranking import Corpus, bm25
from content.storage.postgres.schema import migrate
from content.storage.postgres.workers import PostgresWorkers
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
from content.topics import Lexicon

# As in the SQLite store: BM25 ranks the newest matches, and again those with a rare word.
SEARCH_CANDIDATES = 500
# Ingests take turns: each one's check-then-write, and the search counts it keeps.
_INGEST_LOCK = 0x4D6F6A62
_ARTICLE = "a.id, a.slug, a.title, a.summary_title"
_PARAGRAPH = (
    "p.id AS paragraph_id, p.section, COALESCE(s.heading, '') AS heading, p.position, p.text,"
    " p.topics"
)
_PARAGRAPH_FROM = (
    "FROM paragraphs p"
    " LEFT JOIN sections s ON s.article_id = p.article_id AND s.number = p.section"
)
# Candidates are ranked on their terms alone; the text is read for the hits shown only.
_CANDIDATES = """
    SELECT id, article_id, section, position, cardinality(terms) AS length,
        ARRAY(SELECT coalesce(cardinality(array_positions(terms, word)), 0)
              FROM unnest($1::text[]) AS word) AS found
    FROM paragraphs
    WHERE terms && $1::text[] {also} {order} LIMIT $2
"""
_HITS = f"""
    SELECT {_ARTICLE}, {_PARAGRAPH}
    FROM paragraphs p JOIN articles a ON a.id = p.article_id
    LEFT JOIN sections s ON s.article_id = p.article_id AND s.number = p.section
    WHERE p.id = ANY($1::bigint[])
"""  # noqa: S608 - composed of constants only


async def _session_left_as_it_was(_connection: asyncpg.Connection) -> None:
    """The pool's reset: nothing to do. No query here changes a session (no SET, LISTEN or
    session lock; the jobs' lock is given up before its connection goes back), and asyncpg's
    default reset is one more round trip for every statement a send records."""


def _no_owner_present(_owner: str) -> bool:
    return False


def redacted(url: str) -> str:
    """The database URL without its password, fit for a log line or an error."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.netloc.rsplit("@", 1)[-1]
    return urlunsplit(parts._replace(netloc=f"{parts.username}:***@{host}"))


def _info(row: asyncpg.Record) -> ArticleInfo:
    return ArticleInfo(
        int(row["id"]), str(row["slug"]), str(row["title"]), str(row["summary_title"])
    )


def _paragraph(row: asyncpg.Record) -> StoredParagraph:
    return StoredParagraph(
        id=int(row["paragraph_id"]),
        section=int(row["section"]),
        heading=str(row["heading"]),
        position=int(row["position"]),
        text=str(row["text"]),
        topics=frozenset(row["topics"]),
    )


class PostgresStore:
    """Every part of the store in one PostgreSQL database, behind the same Protocols."""

    def __init__(
        self, pool: asyncpg.Pool, lexicon: Lexicon, analyzer: Analyzer | None = None
    ) -> None:
        self._pool = pool
        self._analyzer = analyzer or Analyzer(lexicon)
        self._tagged_with = tagging_key(self._analyzer)
        self._chats = PostgresChats(pool)
        self._outbox = PostgresOutbox(pool)
        self._workers = PostgresWorkers(pool)

    @classmethod
    async def open(
        cls, url: str, lexicon: Lexicon, analyzer: Analyzer | None = None, pool_size: int = 10
    ) -> PostgresStore:
        """Connect to the database at ``url`` and bring its schema up to date.

        Raises StoreUnavailableError, naming the URL without its password, when the server
        cannot be reached or refuses us.
        """
        try:
            pool = await asyncpg.create_pool(
                url, min_size=1, max_size=pool_size, reset=_session_left_as_it_was
            )
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as error:
            raise StoreUnavailableError(redacted(url), str(error)) from error
        try:
            async with pool.acquire() as connection:
                await migrate(connection)
        except BaseException as error:
            await pool.close()
            if isinstance(error, (asyncpg.PostgresError, RuntimeError)):
                raise StoreUnavailableError(redacted(url), str(error)) from error
            raise
        return cls(pool, lexicon, analyzer)

    @property
    def chats(self) -> PostgresChats:
        return self._chats

    @property
    def outbox(self) -> PostgresOutbox:
        return self._outbox

    @property
    def workers(self) -> PostgresWorkers:
        return self._workers

    async def close(self) -> None:
        """Close the pool's connections, giving the jobs up first if this worker ran them."""
        await self._workers.give_up()
        await self._pool.close()

    async def ping(self) -> bool:
        """Whether the database answers now."""
        try:
            return bool(await self._pool.fetchval("SELECT 1", timeout=2) == 1)
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, TimeoutError):
            return False

    async def database_bytes(self) -> int:
        """How large the database is on disk, indexes included."""
        return int(await self._pool.fetchval("SELECT pg_database_size(current_database())"))

    async def schema_version(self) -> int:
        """The schema version recorded in the database."""
        return int(await self._pool.fetchval("SELECT max(version) FROM schema_version") or 0)

    @asynccontextmanager
    async def _transaction(self) -> AsyncIterator[Any]:
        async with self._pool.acquire() as connection, connection.transaction():
            yield connection

    # --- ingest ---------------------------------------------------------------------------

    async def ingest(
        self,
        article: Article,
        source: str,
        now: float | None = None,
        owner_present: Callable[[str], bool] = _no_owner_present,
    ) -> IngestResult:
        """Store ``article`` in one transaction, as the SQLite store does (see there)."""
        fingerprint = await asyncio.to_thread(article_fingerprint, article, self._tagged_with)
        unchanged = await self._pool.fetchval(
            "SELECT id FROM articles WHERE slug = $1 AND fingerprint = $2 AND source = $3",
            article.slug, fingerprint, source,
        )  # fmt: skip
        if unchanged is not None:
            return IngestResult(int(unchanged), article.slug, "unchanged")
        rows = await asyncio.to_thread(article_rows, article, self._analyzer)
        now = time.time() if now is None else now
        async with self._transaction() as connection:
            await connection.execute("SELECT pg_advisory_xact_lock($1)", _INGEST_LOCK)
            row = await connection.fetchrow(
                "SELECT id, fingerprint, source FROM articles WHERE slug = $1", article.slug
            )
            stored = None
            if row is not None:
                stored = StoredSlug(article.slug, int(row[0]), str(row[1]), str(row[2]))
            outcome = ingest_outcome(stored, fingerprint, source, owner_present)
            if stored is not None and outcome == "renamed":
                await connection.execute(
                    "UPDATE articles SET source = $1 WHERE id = $2", source, stored.article_id
                )
                return IngestResult(stored.article_id, article.slug, "unchanged")
            if stored is not None:
                article_id = stored.article_id
                await connection.execute(
                    "UPDATE articles SET source = $1, title = $2, summary_title = $3,"
                    " fingerprint = $4, updated_ts = $5 WHERE id = $6",
                    source, article.title, article.summary_title, fingerprint, now, article_id,
                )  # fmt: skip
                await _delete_content(connection, article_id)
            else:
                article_id = await connection.fetchval(
                    "INSERT INTO articles (slug, source, title, summary_title, fingerprint,"
                    " added_ts, updated_ts) VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
                    article.slug, source, article.title, article.summary_title, fingerprint, now,
                )  # fmt: skip
            await self._write_content(connection, article_id, rows)
            if stored is None:
                await enqueue_article(connection, article_id, now, rows.words)
        return IngestResult(article_id, article.slug, outcome)

    def use_lexicon(self, lexicon: Lexicon) -> None:
        """Tag and index with ``lexicon`` from now on; ``retag`` brings old articles up to it."""
        self._analyzer = replace(self._analyzer, lexicon=lexicon)
        self._tagged_with = tagging_key(self._analyzer)

    async def stale_articles(self) -> list[int]:
        """Ids of the articles tagged with another lexicon than the one in use, oldest first."""
        rows = await self._pool.fetch(
            "SELECT id FROM articles WHERE tagged_with != $1 ORDER BY id", self._tagged_with
        )
        return [int(row["id"]) for row in rows]

    async def retag(self, article_id: int) -> bool:
        """Tag and index one stored article again with the lexicon in use; False if gone."""
        before = await self._pool.fetchval(
            "SELECT fingerprint FROM articles WHERE id = $1", article_id
        )
        article = await self._stored_article(article_id)
        if before is None or article is None:
            return False
        fingerprint = await asyncio.to_thread(article_fingerprint, article, self._tagged_with)
        rows = await asyncio.to_thread(article_rows, article, self._analyzer)
        async with self._transaction() as connection:
            await connection.execute("SELECT pg_advisory_xact_lock($1)", _INGEST_LOCK)
            now = await connection.fetchval(
                "SELECT fingerprint FROM articles WHERE id = $1", article_id
            )
            if now != before:  # replaced meanwhile, or gone
                return now is not None
            await _delete_content(connection, article_id)
            await self._write_content(connection, article_id, rows)
            await connection.execute(
                "UPDATE articles SET fingerprint = $1 WHERE id = $2", fingerprint, article_id
            )
        return True

    async def _stored_article(self, article_id: int) -> Article | None:
        async with self._pool.acquire() as connection:
            row = await connection.fetchrow(
                "SELECT slug, title, summary_title FROM articles WHERE id = $1", article_id
            )
            if row is None:
                return None
            paragraphs = await connection.fetch(
                "SELECT section, text FROM paragraphs WHERE article_id = $1"
                " ORDER BY section, position",
                article_id,
            )
            sections = await connection.fetch(
                "SELECT number, heading FROM sections WHERE article_id = $1 ORDER BY number",
                article_id,
            )
            bullets = await connection.fetch(
                "SELECT text FROM bullets WHERE article_id = $1 ORDER BY number", article_id
            )
        return article_from_rows(
            (str(row[0]), str(row[1]), str(row[2])),
            ((int(number), str(text)) for number, text in paragraphs),
            ((int(number), str(heading)) for number, heading in sections),
            (str(bullet[0]) for bullet in bullets),
        )

    async def _write_content(self, connection: Any, article_id: int, rows: ArticleRows) -> None:
        """Write an article's rows in bulk (COPY), and count its terms for BM25."""
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
        await connection.execute(
            "UPDATE articles SET tagged_with = $1 WHERE id = $2", self._tagged_with, article_id
        )

    # --- reading ----------------------------------------------------------------------------

    async def current_article(self) -> ArticleInfo | None:
        """The newest article: the one added last."""
        row = await self._pool.fetchrow(
            f"SELECT {_ARTICLE} FROM articles a ORDER BY a.added_ts DESC, a.id DESC LIMIT 1"  # noqa: S608
        )
        return _info(row) if row else None

    async def articles(self, limit: int = 20) -> list[ArticleInfo]:
        """Stored articles, newest first."""
        rows = await self._pool.fetch(
            f"SELECT {_ARTICLE} FROM articles a ORDER BY a.added_ts DESC, a.id DESC LIMIT $1",  # noqa: S608
            limit,
        )
        return [_info(row) for row in rows]

    async def articles_on(self, topic: str, besides: int, limit: int = 5) -> list[ArticleInfo]:
        """Other articles that name ``topic``, newest first."""
        rows = await self._pool.fetch(
            f"SELECT {_ARTICLE} FROM articles a WHERE a.id != $2 AND a.id IN ("  # noqa: S608
            " SELECT article_id FROM paragraphs WHERE topics @> ARRAY[$1::text]"
            " UNION SELECT article_id FROM bullets WHERE topics @> ARRAY[$1::text])"
            " ORDER BY a.added_ts DESC, a.id DESC LIMIT $3",
            topic, besides, limit,
        )  # fmt: skip
        return [_info(row) for row in rows]

    async def article(self, article_id: int) -> ArticleInfo | None:
        """The article with this id, if it is stored."""
        row = await self._pool.fetchrow(
            f"SELECT {_ARTICLE} FROM articles a WHERE a.id = $1",  # noqa: S608
            article_id,
        )
        return _info(row) if row else None

    async def article_count(self) -> int:
        """How many articles are stored."""
        return int(await self._pool.fetchval("SELECT count(*) FROM articles"))

    async def summary(self, article: ArticleInfo) -> Summary:
        """The article's closing summary."""
        rows = await self._pool.fetch(
            "SELECT text FROM bullets WHERE article_id = $1 ORDER BY number", article.id
        )
        return Summary(article, article.summary_title, tuple(str(row["text"]) for row in rows))

    async def headings(self, article: ArticleInfo) -> list[tuple[int, str]]:
        """(number, heading) of every section, the lead (0, '') first when there is one."""
        rows = await self._pool.fetch(
            "SELECT number, heading FROM sections WHERE article_id = $1 ORDER BY number",
            article.id,
        )
        return [(int(row["number"]), str(row["heading"])) for row in rows]

    async def section(self, article: ArticleInfo, number: int) -> SectionView | None:
        """One section of the article (0 is the lead), or None when it has no such section."""
        headings = dict(await self.headings(article))
        if number not in headings:
            return None
        rows = await self._pool.fetch(
            "SELECT text FROM paragraphs WHERE article_id = $1 AND section = $2"
            " ORDER BY position",
            article.id, number,
        )  # fmt: skip
        return section_view(
            article, list(headings), number, headings[number], [str(r["text"]) for r in rows]
        )

    async def topics_of(self, article: ArticleInfo) -> list[str]:
        """Commands of the topics the article names, its main subjects first."""
        rows = await self._pool.fetch(
            "SELECT topic FROM article_topics WHERE article_id = $1 ORDER BY rank", article.id
        )
        return [str(row["topic"]) for row in rows]

    async def topic_briefing(self, article: ArticleInfo, topic: str) -> TopicBriefing:
        """The article's paragraphs and bullets that name ``topic``, in reading order."""
        async with self._pool.acquire() as connection:
            paragraphs = await connection.fetch(
                f"SELECT {_PARAGRAPH} {_PARAGRAPH_FROM}"
                " WHERE p.article_id = $1 AND p.topics @> ARRAY[$2::text]"
                " ORDER BY p.section, p.position",
                article.id, topic,
            )  # fmt: skip
            bullets = await connection.fetch(
                "SELECT number, text, topics FROM bullets"
                " WHERE article_id = $1 AND topics @> ARRAY[$2::text] ORDER BY number",
                article.id, topic,
            )  # fmt: skip
        return TopicBriefing(
            article,
            topic,
            tuple(_paragraph(row) for row in paragraphs),
            tuple(StoredBullet(int(b[0]), str(b[1]), frozenset(b[2])) for b in bullets),
        )

    async def search(self, query: str, limit: int = 10) -> list[SearchHit]:
        """Paragraphs that contain the query's words, best first: BM25 over the same terms
        and the same candidates as the SQLite store, so both answer alike."""
        wanted = self._analyzer.query_terms(query)
        if not wanted:
            return []
        async with (
            self._pool.acquire() as connection,
            # One snapshot: the hits ranked are still there when their text is read.
            connection.transaction(isolation="repeatable_read", readonly=True),
        ):
            corpus = await _corpus(connection, wanted)
            newest = await connection.fetch(
                _CANDIDATES.format(also="", order="ORDER BY id DESC"), wanted, SEARCH_CANDIDATES
            )
            scored = {row["id"]: (_rank(corpus, wanted, wanted, row), row) for row in newest}
            rare = [term for term in wanted if 0 < corpus.spread.get(term, 0) <= SEARCH_CANDIDATES]
            if rare:
                # The rare words counted twice, as the SQLite store does: a paragraph found
                # both ways keeps this, its better, rank.
                again = await connection.fetch(
                    _CANDIDATES.format(also="AND terms && $3::text[]", order=""),
                    wanted, SEARCH_CANDIDATES, rare,
                )  # fmt: skip
                for row in again:
                    scored[row["id"]] = (_rank(corpus, wanted + rare, wanted, row), row)
            best = sorted(scored.values(), key=_order)[:limit]
            shown = await connection.fetch(_HITS, [row["id"] for _, row in best])
        by_id = {row["paragraph_id"]: row for row in shown}
        return [self._hit(rank, by_id[row["id"]], frozenset(wanted)) for rank, row in best]

    def _hit(self, rank: float, row: asyncpg.Record, wanted: frozenset[str]) -> SearchHit:
        paragraph = _paragraph(row)
        spans = self._analyzer.match_spans(paragraph.text, wanted)
        return SearchHit(_info(row), paragraph, rank, spans)


def _rank(corpus: Corpus, phrases: list[str], wanted: list[str], row: asyncpg.Record) -> float:
    """BM25 of a candidate from what the database counted: ``found`` follows ``wanted``."""
    return bm25(corpus, phrases, dict(zip(wanted, row["found"], strict=True)), row["length"])


def _order(scored: tuple[float, asyncpg.Record]) -> tuple[float, int, int, int]:
    """Best rank first, then reading order (article, section, position)."""
    rank, row = scored
    return (rank, int(row["article_id"]), int(row["section"]), int(row["position"]))


async def _corpus(connection: Any, wanted: list[str]) -> Corpus:
    totals = await connection.fetchrow("SELECT paragraphs, terms FROM search_totals")
    spread = await connection.fetch(
        "SELECT term, paragraphs FROM search_vocab WHERE term = ANY($1::text[])", wanted
    )
    return Corpus(
        int(totals["paragraphs"]),
        int(totals["terms"]),
        {str(row["term"]): int(row["paragraphs"]) for row in spread},
    )


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


async def _delete_content(connection: Any, article_id: int) -> None:
    old = await connection.fetch("SELECT terms FROM paragraphs WHERE article_id = $1", article_id)
    await _count_terms(connection, [list(row["terms"]) for row in old], sign=-1)
    for table in ("sections", "paragraphs", "bullets", "article_topics"):
        await connection.execute(f"DELETE FROM {table} WHERE article_id = $1", article_id)  # noqa: S608
