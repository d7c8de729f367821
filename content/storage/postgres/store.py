"""The PostgreSQL store: articles, search, chats and the outbox, shared by every worker."""

from __future__ import annotations

from typing import Any

import asyncpg

from content.dsn import redact_text, redact_url
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
from content.storage.postgres.chats import PostgresChats
from content.storage.postgres.feeds import PostgresFeeds
from content.storage.postgres.outbox import PostgresOutbox
from content.storage.postgres.ranking import Corpus, bm25
from content.storage.postgres.records import PostgresRecords
from content.storage.postgres.schema import migrate
from content.storage.postgres.workers import PostgresWorkers
from content.storage.rows import (
    ARTICLE_HEAD,
    ARTICLE_ORDER_POSTGRES,
    article_columns,
    article_info,
    section_view,
)
from content.storage.rules import StoreRules
from content.topics import Lexicon

# As in the SQLite store: BM25 ranks the newest matches, and again those with a rare word.
SEARCH_CANDIDATES = 500
_ARTICLE = article_columns()
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
    WHERE id IN ({held})
"""
# The newest paragraphs that hold any of the words: each word's newest from the index
# alone, then the newest of those (a paragraph among the newest that holds a word is among
# that word's newest, so none is missed).
_NEWEST = _CANDIDATES.format(
    held="""
        SELECT DISTINCT held.paragraph_id FROM unnest($1::text[]) AS word
        CROSS JOIN LATERAL (
            SELECT paragraph_id FROM search_postings
            WHERE term = word ORDER BY paragraph_id DESC LIMIT $2
        ) AS held
        ORDER BY held.paragraph_id DESC LIMIT $2
    """
)
# Paragraphs that hold a rare word, however old.
_HOLDING_RARE = _CANDIDATES.format(
    held="SELECT paragraph_id FROM search_postings WHERE term = ANY($3::text[]) LIMIT $2"
)
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


def _info(row: asyncpg.Record) -> ArticleInfo:
    return article_info([row[column] for column in ARTICLE_HEAD])


def _paragraph(row: asyncpg.Record) -> StoredParagraph:
    return StoredParagraph(
        id=int(row["paragraph_id"]),
        section=int(row["section"]),
        heading=str(row["heading"]),
        position=int(row["position"]),
        text=str(row["text"]),
        topics=frozenset(row["topics"]),
    )


class PostgresStore(StoreRules):
    """Every part of the store in one PostgreSQL database, behind the same Protocols.

    Ingest and re-tag are the shared rules (``StoreRules``) over this backend's records.
    """

    def __init__(
        self, pool: asyncpg.Pool, lexicon: Lexicon, analyzer: Analyzer | None = None
    ) -> None:
        super().__init__(PostgresRecords(pool), analyzer or Analyzer(lexicon))
        self._pool = pool
        self._chats = PostgresChats(pool)
        self._outbox = PostgresOutbox(pool)
        self._workers = PostgresWorkers(pool)
        self._feeds = PostgresFeeds(pool)

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
            raise StoreUnavailableError(redact_url(url), redact_text(str(error), url)) from error
        try:
            async with pool.acquire() as connection:
                await migrate(connection)
        except BaseException as error:
            await pool.close()
            if isinstance(error, (asyncpg.PostgresError, RuntimeError)):
                reason = redact_text(str(error), url)
                raise StoreUnavailableError(redact_url(url), reason) from error
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

    @property
    def feeds(self) -> PostgresFeeds:
        return self._feeds

    async def close(self) -> None:
        """Close the pool's connections, giving the jobs up first if this worker ran them."""
        await self._workers.give_up()
        await self._pool.close()

    async def ping(self) -> bool:
        """Whether the database answers now. A connection the server terminated mid-query
        can leave asyncpg's protocol in a state it reports as InternalClientError: that is
        the database not answering too, never a reason for the caller to fail."""
        try:
            return bool(await self._pool.fetchval("SELECT 1", timeout=2) == 1)
        except (
            OSError, asyncpg.PostgresError, asyncpg.InterfaceError, asyncpg.InternalClientError,
            TimeoutError,
        ):  # fmt: skip
            return False

    async def database_bytes(self) -> int:
        """How large the database is on disk, indexes included."""
        return int(await self._pool.fetchval("SELECT pg_database_size(current_database())"))

    async def schema_version(self) -> int:
        return int(await self._pool.fetchval("SELECT max(version) FROM schema_version") or 0)

    # --- reading ----------------------------------------------------------------------------

    async def current_article(self) -> ArticleInfo | None:
        row = await self._pool.fetchrow(
            f"SELECT {_ARTICLE} FROM articles a ORDER BY {ARTICLE_ORDER_POSTGRES} LIMIT 1"  # noqa: S608
        )
        return _info(row) if row else None

    async def articles(self, limit: int = 20) -> list[ArticleInfo]:
        rows = await self._pool.fetch(
            f"SELECT {_ARTICLE} FROM articles a ORDER BY {ARTICLE_ORDER_POSTGRES} LIMIT $1",  # noqa: S608
            limit,
        )
        return [_info(row) for row in rows]

    async def articles_on(self, topic: str, besides: int, limit: int = 5) -> list[ArticleInfo]:
        rows = await self._pool.fetch(
            f"SELECT {_ARTICLE} FROM articles a WHERE a.id != $2 AND a.id IN ("  # noqa: S608
            " SELECT article_id FROM paragraphs WHERE topics @> ARRAY[$1::text]"
            " UNION SELECT article_id FROM bullets WHERE topics @> ARRAY[$1::text])"
            f" ORDER BY {ARTICLE_ORDER_POSTGRES} LIMIT $3",
            topic, besides, limit,
        )  # fmt: skip
        return [_info(row) for row in rows]

    async def article(self, article_id: int) -> ArticleInfo | None:
        row = await self._pool.fetchrow(
            f"SELECT {_ARTICLE} FROM articles a WHERE a.id = $1",  # noqa: S608
            article_id,
        )
        return _info(row) if row else None

    async def article_count(self) -> int:
        return int(await self._pool.fetchval("SELECT count(*) FROM articles"))

    async def summary(self, article: ArticleInfo) -> Summary:
        rows = await self._pool.fetch(
            "SELECT text FROM bullets WHERE article_id = $1 ORDER BY number", article.id
        )
        return Summary(article, article.summary_title, tuple(str(row["text"]) for row in rows))

    async def headings(self, article: ArticleInfo) -> list[tuple[int, str]]:
        rows = await self._pool.fetch(
            "SELECT number, heading FROM sections WHERE article_id = $1 ORDER BY number",
            article.id,
        )
        return [(int(row["number"]), str(row["heading"])) for row in rows]

    async def section(self, article: ArticleInfo, number: int) -> SectionView | None:
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
        rows = await self._pool.fetch(
            "SELECT topic FROM article_topics WHERE article_id = $1 ORDER BY rank", article.id
        )
        return [str(row["topic"]) for row in rows]

    async def topic_briefing(self, article: ArticleInfo, topic: str) -> TopicBriefing:
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
            newest = await connection.fetch(_NEWEST, wanted, SEARCH_CANDIDATES)
            scored = {row["id"]: (_rank(corpus, wanted, wanted, row), row) for row in newest}
            rare = [term for term in wanted if 0 < corpus.spread.get(term, 0) <= SEARCH_CANDIDATES]
            if rare:
                # The rare words counted twice, as the SQLite store does: a paragraph found
                # both ways keeps this, its better, rank.
                again = await connection.fetch(
                    _HOLDING_RARE,
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
