"""The store of each backend, for every contract test that runs against both."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from content.ports import ArticleStore
from content.storage.postgres.store import PostgresStore
from content.storage.sqlite.store import Store
from content.topics import Lexicon
from tests.support.postgres import postgres_database

BACKENDS = ["sqlite", "postgres"]


@pytest.fixture(params=BACKENDS)
async def store(
    request: pytest.FixtureRequest, tmp_path: Path, lexicon: Lexicon
) -> AsyncIterator[ArticleStore]:
    """An empty store of each backend."""
    if request.param == "sqlite":
        opened = await Store.open(tmp_path / "contract.sqlite3", lexicon)
        yield opened
        await opened.close()
        return
    async with postgres_database(request.getfixturevalue("postgres_server")) as pool:
        shared = PostgresStore(pool, lexicon)
        yield shared
        await shared.close()  # gives up the jobs' lock too, or the pool would wait for it
