"""A real PostgreSQL stopped and started again under two workers, mid-broadcast."""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Iterator
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any

import pytest

from content.topics import Lexicon
from tests.support.articles import write_article
from tests.support.fake_bot_api import FakeBotApi, ServerLimits
from tests.support.harness import (
    FAST_OUTBOX,
    bot_running,
    subscribers_before_start,
    webhook_settings,
)
from tests.support.postgres import fresh_database, start_server, stop_server

RATE = 30
READERS = list(range(8501, 8621))
NEWS = ("yerevan-bridge", "جسر يريفان", "افتتحت أرمينيا جسراً جديداً في يريفان.")
OUTAGE_SECONDS = 3.0


@pytest.fixture
def own_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A PostgreSQL of this test's own, so that stopping it stops no other test's."""
    server = start_server(tmp_path_factory.mktemp("outage"))
    yield server
    server.cleanup()


async def test_an_outage_under_two_workers_sends_each_push_once_within_the_limits(
    api: FakeBotApi,
    tmp_path: Path,
    seeds_dir: Path,
    own_server: Any,
    caplog: pytest.LogCaptureFixture,
    request: pytest.FixtureRequest,
) -> None:
    lexicon: Lexicon = request.getfixturevalue("lexicon")
    ports = [request.getfixturevalue("unused_tcp_port_factory")() for _ in range(2)]
    api.limits = ServerLimits(per_second=RATE, paid_per_second=RATE)
    async with fresh_database(own_server) as url, AsyncExitStack() as workers:
        settings = [
            webhook_settings(
                api, tmp_path / f"worker{n}", seeds_dir, port, database_url=url,
                rate_per_second=RATE, outbox_concurrency=8, **FAST_OUTBOX,
            )
            for n, port in enumerate(ports)
        ]  # fmt: skip
        await subscribers_before_start(settings[0], lexicon, [(r, "private") for r in READERS])
        for each in settings:
            await workers.enter_async_context(bot_running(each))
        with caplog.at_level(logging.INFO):
            write_article(seeds_dir, *NEWS)
            await api.wait_for(lambda _: api.served_chats() >= 20, timeout=30)
            await asyncio.to_thread(stop_server, own_server)
            await asyncio.sleep(OUTAGE_SECONDS)
            await asyncio.to_thread(own_server.ensure_postgres_running)
            await api.wait_for(lambda _: api.served_chats() >= len(READERS), timeout=90)
    copies = Counter(call.chat_id for call in api.delivered() if call.chat_id in READERS)
    assert set(copies) == set(READERS)
    assert set(copies.values()) == {1}  # nothing sent twice that was known to be sent
    assert api.limit_violations == 0, api.broken_limits[:5]
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) <= 2, [r.getMessage()[:120] for r in errors]  # once a worker at most
    ours = [r for r in caplog.records if not r.name.startswith("asyncpg")]  # its pool's, quieted
    assert not [r.getMessage()[:120] for r in ours if r.exc_info]  # by bot.logs in production
