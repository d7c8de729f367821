"""New articles reach a few hundred subscribers exactly once, through injected faults."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from content.library import ingest_file
from content.ports import EVERYTHING, ArticleStore
from content.storage.sqlite.store import Store
from content.topics import Lexicon
from handlers.presentation.texts import texts_for
from tests.support.articles import IRAN_NEWS, write_article
from tests.support.fake_bot_api import Chat, FakeBotApi, Fault, ServerLimits, User
from tests.support.harness import (
    FAST_OUTBOX,
    SEED,
    bot_running,
    settings_for,
    settled_stats,
    subscribers_before_start,
)

AR = texts_for("ar")  # the test users' Telegram is in Arabic

PRIVATE = list(range(10_000, 10_200))
GROUPS = list(range(-20_000, -20_060, -1))
CHANNELS = list(range(-1_000_000_000_000, -1_000_000_000_040, -1))
BLOCKED = PRIVATE[:10]
MIGRATED = {old: old - 1_000_000_000_000 for old in GROUPS[:5]}
EGYPT_ONLY = GROUPS[-5:]  # the new article does not mention Egypt
IRAN_ONLY = GROUPS[-15:-5]
RATE = 100


async def subscribe_everyone(path: Path, lexicon: Lexicon) -> None:
    """Chats of every kind and their subscriptions, in the bot's database before it starts."""
    now = time.time()
    async with await Store.open(path, lexicon) as store:
        await ingest_file(store, SEED)  # the bot ships with it: it is not news to anyone
        chats = store.chats
        for chat_id, kind in [(c, "private") for c in PRIVATE] + [
            (c, "supergroup") for c in GROUPS
        ]:
            await chats.record(chat_id, kind, f"chat {chat_id}", now)
        for chat_id in CHANNELS:
            await chats.record(chat_id, "channel", f"channel {chat_id}", now, owner_id=1)
        for chat_id in PRIVATE + GROUPS + CHANNELS:
            topic = (
                "egypt"
                if chat_id in EGYPT_ONLY
                else "iran"
                if chat_id in IRAN_ONLY
                else EVERYTHING
            )
            await chats.subscribe(chat_id, topic, now)


def inject_faults(api: FakeBotApi) -> None:
    api.limits = ServerLimits(per_second=RATE)
    api.chat_types.update(dict.fromkeys(CHANNELS, "channel"))
    for chat_id in BLOCKED:
        api.refuse_chats[chat_id] = (403, "Forbidden: bot was blocked by the user")
    api.migrated.update(MIGRATED)
    too_many = Fault("error", 429, "Too Many Requests: retry after 1", {"retry_after": 1})
    for chat_id in PRIVATE[10:20]:
        api.faults[chat_id] = [too_many]
    for chat_id in PRIVATE[20:30]:
        api.faults[chat_id] = [Fault("error", 502, "Bad Gateway"), Fault("error", 500)]
    for chat_id in PRIVATE[30:33]:
        api.faults[chat_id] = [Fault("timeout", delay=1.0)]
    for chat_id in PRIVATE[33:36] + CHANNELS[:2]:
        api.faults[chat_id] = [Fault("drop")]


async def test_a_new_article_reaches_every_subscriber_once(
    api: FakeBotApi, tmp_path: Path, seeds_dir: Path, lexicon: Lexicon
) -> None:
    settings = settings_for(api, tmp_path, seeds_dir, **FAST_OUTBOX, rate_per_second=RATE)
    await subscribe_everyone(settings.database_path, lexicon)
    inject_faults(api)
    expected = {c for c in PRIVATE + GROUPS + CHANNELS if c not in BLOCKED + EGYPT_ONLY}
    expected = {MIGRATED.get(c, c) for c in expected}

    async with bot_running(settings):
        write_article(seeds_dir, *IRAN_NEWS)

        def everyone_served(_: object) -> bool:
            return {c.chat_id for c in api.delivered()} >= expected

        await api.wait_for(everyone_served, timeout=60)

    copies = Counter(call.chat_id for call in api.delivered())
    assert set(copies) == expected
    assert set(copies.values()) == {1}
    assert not set(copies) & set(BLOCKED + EGYPT_ONLY + list(MIGRATED))
    assert api.limit_violations == 0
    with sqlite3.connect(settings.database_path) as db:
        states = dict(db.execute("SELECT state, count(*) FROM deliveries GROUP BY state"))
        inactive = {row[0] for row in db.execute("SELECT id FROM chats WHERE active = 0")}
        known = {row[0] for row in db.execute("SELECT id FROM chats")}
    assert states == {"sent": len(expected), "failed": len(BLOCKED)}
    assert inactive == set(BLOCKED)
    assert set(MIGRATED.values()) <= known
    assert not set(MIGRATED) & known  # the old group ids are gone


async def test_replies_are_not_queued_behind_a_broadcast(
    api: FakeBotApi, tmp_path: Path, seeds_dir: Path, lexicon: Lexicon
) -> None:
    settings = settings_for(api, tmp_path, seeds_dir, **FAST_OUTBOX, rate_per_second=20)
    await subscribe_everyone(settings.database_path, lexicon)
    api.limits = ServerLimits(per_second=20)
    api.chat_types.update(dict.fromkeys(CHANNELS, "channel"))
    reader = 777_000
    async with bot_running(settings):
        write_article(seeds_dir, *IRAN_NEWS)
        await api.wait_for(lambda _: len(api.delivered()) >= 20, timeout=30)
        await api.send_text(Chat(reader), User(reader), "/summary")
        await api.wait_for(lambda _: bool(api.delivered(reader)), timeout=10)
        remaining = len(PRIVATE + GROUPS + CHANNELS) - len(api.delivered())
    # ~290 messages at 20/s take ~15 s: the reply went out while most were still queued.
    assert remaining > 100
    assert api.limit_violations == 0


async def test_a_chat_that_keeps_failing_is_given_up_with_the_reason(
    api: FakeBotApi, tmp_path: Path, seeds_dir: Path, lexicon: Lexicon
) -> None:
    settings = settings_for(api, tmp_path, seeds_dir, **FAST_OUTBOX, outbox_max_attempts=3)
    now = time.time()
    async with await Store.open(settings.database_path, lexicon) as store:
        await ingest_file(store, SEED)
        for chat_id in (1, 2):
            await store.chats.record(chat_id, "private", "", now)
            await store.chats.subscribe(chat_id, EVERYTHING, now)
    api.faults[1] = [Fault("error", 502, "Bad Gateway")] * 5
    async with bot_running(settings) as app:
        write_article(seeds_dir, *IRAN_NEWS)
        await api.wait_for(lambda _: len(api.calls_to("sendMessage", 1)) >= 3, timeout=30)
        await api.wait_for(lambda _: bool(api.delivered(2)), timeout=30)
        stats = await settled_stats(app.bot_data.store)
    assert len(api.calls_to("sendMessage", 1)) == 3  # three attempts, then it stopped
    assert not api.delivered(1)
    (error,) = stats.last_errors
    assert (error.chat_id, error.state) == (1, "failed")
    assert "Bad Gateway" in error.error
    assert dict(stats.deliveries_by_state) == {"failed": 1, "sent": 1}


async def test_a_blocked_chat_that_comes_back_with_start_is_served_again(
    api: FakeBotApi, tmp_path: Path, seeds_dir: Path
) -> None:
    settings = settings_for(api, tmp_path, seeds_dir, **FAST_OUTBOX)
    reader = User(3)
    async with bot_running(settings) as app:
        chats = app.bot_data.store.chats
        await api.send_text(Chat(3), reader, "/subscribe")
        await api.wait_for(lambda _: bool(api.delivered(3)))
        await api.change_membership(Chat(3), reader, "kicked")  # the reader blocked the bot
        for _ in range(50):  # bounded: the update is handled within a few milliseconds
            chat = await chats.get(3)
            if chat is not None and not chat.active:
                break
            await asyncio.sleep(0.05)
        assert chat is not None
        assert not chat.active
        await api.send_text(Chat(3), reader, "/start")
        await api.wait_for(lambda _: len(api.delivered(3)) >= 2)
        write_article(seeds_dir, *IRAN_NEWS)
        await api.wait_for(
            lambda _: any(AR.say("NEW_ARTICLE") in c.text for c in api.delivered(3))
        )


async def test_the_outbox_outlasts_a_store_it_cannot_write_to(
    api: FakeBotApi, tmp_path: Path, seeds_dir: Path, lexicon: Lexicon
) -> None:
    settings = settings_for(api, tmp_path, seeds_dir, **FAST_OUTBOX)
    reader = PRIVATE[0]
    await subscribers_before_start(settings, lexicon, [(reader, "private")])
    async with bot_running(settings):
        # Another process holds the write lock past the busy timeout (5 s): every claim
        # fails meanwhile with "database is locked".
        blocker = sqlite3.connect(
            settings.database_path, isolation_level=None, check_same_thread=False, timeout=10
        )
        try:
            # In a thread: the bot's own transaction must be able to finish first.
            await asyncio.to_thread(blocker.execute, "BEGIN IMMEDIATE")
            await asyncio.sleep(6.5)
        finally:
            if blocker.in_transaction:
                blocker.execute("ROLLBACK")
            blocker.close()
        write_article(seeds_dir, *IRAN_NEWS)
        (pushed,) = await api.wait_for_calls("sendMessage", reader, 1, timeout=20)
    assert "فيينا" in pushed.text


class StoreOutage:
    """Every outbox call fails while ``down`` is set, as a database that went away would."""

    CALLS = ("claim", "chunks_sent", "finish", "retry_at", "release", "next_due_at", "get")

    def __init__(self, store: ArticleStore, monkeypatch: pytest.MonkeyPatch) -> None:
        self.down = False
        self._store = store
        for name in self.CALLS:
            monkeypatch.setattr(store.outbox, name, self._failing(getattr(store.outbox, name)))
        monkeypatch.setattr(store, "ping", self._ping)

    def _failing(self, call: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
        async def maybe(*args: Any, **kwargs: Any) -> Any:
            if self.down:
                raise ConnectionResetError("the database went away")
            return await call(*args, **kwargs)

        return maybe

    async def _ping(self) -> bool:
        return not self.down


async def test_an_outage_mid_broadcast_sends_nothing_twice_and_is_said_once(
    api: FakeBotApi,
    tmp_path: Path,
    seeds_dir: Path,
    lexicon: Lexicon,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    readers = list(range(30_000, 30_040))
    api.limits = ServerLimits(per_second=20)
    settings = settings_for(api, tmp_path, seeds_dir, rate_per_second=20, **FAST_OUTBOX)
    await subscribers_before_start(settings, lexicon, [(chat, "private") for chat in readers])
    async with bot_running(settings) as app:
        outage = StoreOutage(app.bot_data.store, monkeypatch)
        with caplog.at_level(logging.INFO):
            write_article(seeds_dir, *IRAN_NEWS)
            await api.wait_for(lambda _: api.served_chats() >= 5, timeout=20)
            outage.down = True  # sends in flight reach Telegram, and cannot be recorded
            await asyncio.sleep(2.0)
            outage.down = False
            stats = await settled_stats(app.bot_data.store, seconds=30)
    assert dict(stats.deliveries_by_state) == {"sent": len(readers)}
    sent = Counter(call.chat_id for call in api.calls_to("sendMessage"))
    assert set(sent) == set(readers)
    assert set(sent.values()) == {1}  # each reader once, outage or not
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1  # the outage, said once
    assert not any(r.exc_info for r in caplog.records)
