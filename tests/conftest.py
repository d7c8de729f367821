"""Shared fixtures (the seed, the lexicon, a store, the fake Bot API with the bot on it), and
each test's markers: its kind, from its folder, and ``postgres`` when it needs the server."""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.app import MojazApp
from content.storage.sqlite.store import Store
from content.topics import Lexicon, load_lexicon
from tests.support.fake_bot_api import FakeBotApi
from tests.support.harness import SEED, TOKEN, bot_running, settings_for

# The PostgreSQL server fixture, started only by the tests that ask for it.
pytest_plugins = ["tests.support.postgres"]

# python-telegram-bot's time periods as timedelta, as bot/__main__ opts in too.
os.environ.setdefault("PTB_TIMEDELTA", "true")

KINDS = ("unit", "contract", "e2e", "system", "quality")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark each test with its kind (its folder), and with ``postgres`` when its fixtures
    start the PostgreSQL server, so ``-m "not postgres"`` is a loop without it."""
    for item in items:
        kind = Path(str(item.path)).parent.name
        if kind in KINDS:
            item.add_marker(getattr(pytest.mark, kind))
        if "postgres_server" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.postgres)


@pytest.fixture(scope="session")
def lexicon() -> Lexicon:
    """The shipped topic lexicon."""
    return load_lexicon()


@pytest.fixture
def seed_bytes() -> bytes:
    """The seed article, byte for byte."""
    return SEED.read_bytes()


@pytest.fixture
async def store(tmp_path: Path, lexicon: Lexicon) -> AsyncIterator[Store]:
    """An empty store in a temporary file."""
    opened = await Store.open(tmp_path / "store.sqlite3", lexicon)
    yield opened
    await opened.close()


@pytest.fixture
def seeds_dir(tmp_path: Path) -> Path:
    """A seeds folder holding the seed article."""
    folder = tmp_path / "seeds"
    folder.mkdir()
    shutil.copy(SEED, folder / SEED.name)
    return folder


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    """The fake Bot API server, listening on 127.0.0.1."""
    server = FakeBotApi(TOKEN)
    await server.start()
    yield server
    await server.stop()
    # Whatever a test checks, the bot kept every rule Telegram would have refused it for.
    assert server.rule_breaks == []


@pytest.fixture
async def bot(api: FakeBotApi, tmp_path: Path, seeds_dir: Path) -> AsyncIterator[MojazApp]:
    """The real Application, polling the fake server until the test ends."""
    async with bot_running(settings_for(api, tmp_path, seeds_dir)) as app:
        yield app
