"""What the tests share besides fixtures: settings for the bot on the fake server, running it,
waiting for the outbox, and reading what a reader was sent."""

from __future__ import annotations

import asyncio
import os
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from bot.app import MojazApp, build_worker
from bot.runner import running
from bot.settings import Settings
from bot.stores import open_store
from content.library import ingest_directory
from content.models import Stats
from content.ports import ArticleStore
from content.topics import Lexicon
from tests.support.fake_bot_api import Call, Chat, FakeBotApi, User

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "seeds" / "brics-kazan-summit.ar.txt"
TOKEN = "123456789:TEST-secret-token-do-not-log-AbCdEf"
# The webhook worker's public address and secret, as the fake server's load balancer knows them.
WEBHOOK_SECRET = "mojaz_Webhook-secret-42"
WEBHOOK_URL = "https://news.example/telegram/hook"
# The reader the conversation tests play.
READER = User(501, "Amal")
PRIVATE = Chat(READER.id)

# Settings that make the outbox quick to observe: short polls and backoffs, a fast scan.
FAST_OUTBOX = {
    "outbox_poll_seconds": 0.1,
    "outbox_backoff_seconds": 0.05,
    "outbox_timeout_seconds": 0.5,
    "seeds_scan_seconds": 0.2,
}


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
        "http_listen": "127.0.0.1:0",  # a free port: tests run workers side by side
    }
    return make_settings(**(values | overrides))


@asynccontextmanager
async def bot_running(settings: Settings) -> AsyncIterator[MojazApp]:
    """Run the real Application with ``settings`` for the length of a ``with`` block."""
    app, listener = build_worker(settings, TOKEN)
    async with running(app, poll_timeout=1, listener=listener):
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


def webhook_settings(
    api: FakeBotApi, tmp_path: Path, seeds_dir: Path, port: int, **overrides: Any
) -> Settings:
    """A worker behind the fake server's load balancer, listening on ``port``."""
    api.webhook_backends.append(f"http://127.0.0.1:{port}")
    return settings_for(
        api,
        tmp_path,
        seeds_dir,
        webhook_url=WEBHOOK_URL,
        webhook_listen=f"127.0.0.1:{port}",
        webhook_secret=WEBHOOK_SECRET,
        **overrides,
    )


def plain(text: str) -> str:
    """The text a reader sees: tags removed, entities decoded."""
    return (
        re.sub(r"<[^>]+>", "", text)
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
    )


async def ask(api: FakeBotApi, chat: Chat, text: str, replies: int = 1) -> list[Call]:
    """Send ``text`` and return the bot's new sendMessage calls to that chat."""
    before = len(api.calls_to("sendMessage", chat.id))
    await api.send_text(chat, READER, text)
    calls = await api.wait_for_calls("sendMessage", chat.id, before + replies)
    return calls[before:]


def button(call: Call, label_part: str) -> str:
    """The callback data of the button whose label contains ``label_part``."""
    for candidate in call.buttons():
        if label_part in candidate["text"]:
            return str(candidate["callback_data"])
    raise AssertionError(f"no button {label_part!r} in {call.buttons()}")


def no_file_to_read(path: Path, kind: str, size: int = 0) -> Path:
    """Make ``path`` something a settings or topics file can be that is no file to read: a
    ``fifo`` (reading it would wait for a writer for good), a ``folder``, a ``device``
    (a link to /dev/zero, which never ends), ``binary`` bytes, or ``huge`` (``size`` bytes,
    sparse). Returns ``path``."""
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "folder":
        path.mkdir()
    elif kind == "device":
        path.symlink_to("/dev/zero")
    elif kind == "binary":
        path.write_bytes(b"\xff\xfe\x00\x89PNG\r\n\x1a\n" * 64)
    else:
        with path.open("wb") as sparse:
            sparse.truncate(size)
    return path
