"""Shared fixtures: the seed, the lexicon, a store, and the fake Bot API with the bot on it."""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

from bot.app import MojazApp, build_worker
from bot.runner import running
from bot.settings import Settings
from bot.stores import open_store
from content.library import ingest_directory
from content.models import Stats
from content.ports import ArticleStore
from content.storage.sqlite.store import Store
from content.topics import Lexicon, load_lexicon
from tests.fake_bot_api import FakeBotApi

# The PostgreSQL server fixture, started only by the tests that ask for it.
pytest_plugins = ["tests.postgres"]

# python-telegram-bot's time periods as timedelta, as bot/__main__ opts in too.
os.environ.setdefault("PTB_TIMEDELTA", "true")

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "brics-kazan-summit.ar.txt"
TOKEN = "123456789:TEST-secret-token-do-not-log-AbCdEf"


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


def make_settings(**values: Any) -> Settings:
    """Settings from ``values`` and the environment, never from a developer's .env file."""
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]  # init-only option


def settings_for(api: FakeBotApi, tmp_path: Path, seeds_dir: Path, **overrides: Any) -> Settings:
    """Settings pointing the bot at the fake server and a temporary database."""
    values = {
        "bot_token": TOKEN,
        "bot_api_url": api.url,
        "database_path": tmp_path / "bot.sqlite3",
        "seeds_dir": seeds_dir,
    }
    return make_settings(**(values | overrides))


@pytest.fixture
async def bot(api: FakeBotApi, tmp_path: Path, seeds_dir: Path) -> AsyncIterator[MojazApp]:
    """The real Application, polling the fake server until the test ends."""
    async with bot_running(settings_for(api, tmp_path, seeds_dir)) as app:
        yield app


@asynccontextmanager
async def bot_running(settings: Settings) -> AsyncIterator[MojazApp]:
    """Run the real Application with ``settings`` for the length of a ``with`` block."""
    app, webhook = build_worker(settings, TOKEN)
    async with running(app, poll_timeout=1, webhook=webhook):
        yield app


async def subscribers_before_start(
    settings: Settings, lexicon: Lexicon, chats: list[tuple[int, str]]
) -> None:
    """Store the seeds, then ``chats``, each subscribed to everything: the bot starts with
    them and sends them only what arrives after."""
    store = await open_store(settings, lexicon)
    try:
        await ingest_directory(store, settings.seeds_dir, settings.max_article_bytes)
        await store.chats.import_subscribers(chats, 0.0)
    finally:
        await store.close()


async def settled_stats(store: ArticleStore, *, unfinished: int = 0, seconds: float = 10) -> Stats:
    """The outbox's stats once no more than ``unfinished`` deliveries are queued or in flight
    (a send the server has seen is recorded by the bot a moment later)."""
    for _ in range(int(seconds / 0.05)):
        stats = await store.outbox.stats()
        states = dict(stats.deliveries_by_state)
        if states.get("queued", 0) + states.get("sending", 0) <= unfinished:
            return stats
        await asyncio.sleep(0.05)
    raise AssertionError(f"the outbox did not settle: {stats.deliveries_by_state}")


# Settings that make the outbox quick to observe: short polls and backoffs, a fast scan.
FAST_OUTBOX = {
    "outbox_poll_seconds": 0.1,
    "outbox_backoff_seconds": 0.05,
    "outbox_timeout_seconds": 0.5,
    "seeds_scan_seconds": 0.2,
}
