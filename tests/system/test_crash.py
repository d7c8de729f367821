"""The bot killed with SIGKILL in the middle of a broadcast, then started again."""

from __future__ import annotations

import asyncio
import signal
import sqlite3
import time
from collections import Counter
from pathlib import Path

from content.library import ingest_file
from content.storage.sqlite.store import Store
from content.topics import Lexicon
from tests.support.fake_bot_api import FakeBotApi, ServerLimits, start_bot_process
from tests.support.harness import SEED, TOKEN

SUBSCRIBERS = list(range(50_000, 50_300))
RATE = 50
CONCURRENCY = 4


async def prepare(database: Path, lexicon: Lexicon) -> None:
    """The seed, three hundred subscribers, and a broadcast of the seed queued for them."""
    now = time.time()
    async with await Store.open(database, lexicon) as store:
        await ingest_file(store, SEED)
        for chat_id in SUBSCRIBERS:
            await store.chats.record(chat_id, "private", "", now)
            await store.chats.subscribe(chat_id, "", now)
        assert await store.outbox.enqueue_broadcast(1, "crash", now) == len(SUBSCRIBERS)


async def test_sigkill_mid_broadcast_loses_nothing(
    api: FakeBotApi, tmp_path: Path, seeds_dir: Path, lexicon: Lexicon
) -> None:
    assert seeds_dir == tmp_path / "seeds"  # the seed alone: nothing else is news
    database = tmp_path / "bot.sqlite3"
    await prepare(database, lexicon)
    api.limits = ServerLimits(per_second=RATE)
    log = tmp_path / "bot.log"
    settings = {
        "RATE_PER_SECOND": str(RATE),
        "OUTBOX_CONCURRENCY": str(CONCURRENCY),
        "OUTBOX_POLL_SECONDS": "0.1",
        "LOG_LEVEL": "INFO",
    }

    first = await start_bot_process(api, TOKEN, tmp_path, **settings)
    try:
        await api.wait_for(lambda _: len(api.delivered()) >= 100, timeout=60)
    finally:
        first.send_signal(signal.SIGKILL)
        await first.wait()
    served_before = len(api.delivered())
    with sqlite3.connect(database) as db:
        in_flight = {row[0] for row in db.execute(
            "SELECT chat_id FROM deliveries WHERE state = 'sending'"
        )}  # fmt: skip
    assert served_before < len(SUBSCRIBERS), "the kill came too late to test anything"

    second = await start_bot_process(api, TOKEN, tmp_path, **settings)
    try:
        everyone = set(SUBSCRIBERS)
        await api.wait_for(lambda _: {c.chat_id for c in api.delivered()} >= everyone, 60)
    finally:
        second.send_signal(signal.SIGTERM)
        await asyncio.wait_for(second.wait(), 30)

    copies = Counter(call.chat_id for call in api.delivered())
    twice = {chat for chat, count in copies.items() if count > 1}
    assert set(copies) == set(SUBSCRIBERS), log.read_text()[-2000:]
    assert twice <= in_flight  # only what was in flight at the kill may come twice …
    assert len(in_flight) <= CONCURRENCY  # … and that is never more than the worker's slots
    assert max(copies.values()) <= 2
    assert api.limit_violations == 0
    assert second.returncode == 0  # SIGTERM is a clean stop
    with sqlite3.connect(database) as db:
        states = dict(db.execute("SELECT state, count(*) FROM deliveries GROUP BY state"))
    assert states == {"sent": len(SUBSCRIBERS)}
