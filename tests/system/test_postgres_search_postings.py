"""PostgreSQL's search postings (schema #12): built from a database that had articles before
them, kept as articles come and go, and what a search reads its candidates from."""

from __future__ import annotations

from typing import Any

import asyncpg

from content.library import ingest_file
from content.storage.postgres import schema
from content.storage.postgres.store import PostgresStore
from content.topics import Lexicon
from tests.quality.eval.tagging import FOLDER as WORLD
from tests.support.postgres import fresh_database

POSTINGS = "SELECT term, paragraph_id FROM search_postings ORDER BY 1, 2"
FROM_TERMS = "SELECT DISTINCT term, id FROM paragraphs, unnest(terms) AS term ORDER BY 1, 2"


async def test_an_older_database_gets_postings_of_what_it_holds(
    postgres_server: Any, lexicon: Lexicon
) -> None:
    async with fresh_database(postgres_server) as url:
        store = await PostgresStore.open(url, lexicon)
        for path in sorted(WORLD.glob("*.txt"))[:3]:
            await ingest_file(store, path)
        await store.close()
        connection = await asyncpg.connect(url)
        try:
            # The database as it was before #12: the terms in the rows, and their GIN index.
            await connection.execute(
                "DROP TABLE search_postings;"
                " CREATE INDEX paragraphs_by_term ON paragraphs USING GIN (terms)"
            )
            await connection.execute(
                "DELETE FROM schema_version WHERE version = $1", len(schema.MIGRATIONS)
            )
            store = await PostgresStore.open(url, lexicon)  # brings it to #12
            try:
                built = await connection.fetch(POSTINGS)
                assert len(built) > 100
                assert built == await connection.fetch(FROM_TERMS)
                assert await store.search("طالبان")
            finally:
                await store.close()
        finally:
            await connection.close()


async def test_postings_follow_the_articles_in_and_out(
    postgres_server: Any, lexicon: Lexicon
) -> None:
    paths = sorted(WORLD.glob("*.txt"))[:4]
    async with fresh_database(postgres_server) as url:
        store = await PostgresStore.open(url, lexicon)
        connection = await asyncpg.connect(url)
        try:
            results = [await ingest_file(store, path) for path in paths]
            assert await connection.fetch(POSTINGS) == await connection.fetch(FROM_TERMS)
            await store.withdraw(results[1].slug)
            assert await connection.fetch(POSTINGS) == await connection.fetch(FROM_TERMS)
            store.use_lexicon(lexicon)  # the same words, tagged again
            assert await store.retag(results[0].article_id)
            assert await connection.fetch(POSTINGS) == await connection.fetch(FROM_TERMS)
        finally:
            await connection.close()
            await store.close()
