"""Two workers on one PostgreSQL database behind a load balancer: one bot to Telegram."""

from __future__ import annotations

import re
from collections import Counter
from contextlib import AsyncExitStack
from pathlib import Path

import aiohttp
import pytest

from content.topics import Lexicon
from tests.support.articles import write_article
from tests.support.fake_bot_api import Chat, FakeBotApi, ServerLimits, User
from tests.support.harness import (
    FAST_OUTBOX,
    bot_running,
    subscribers_before_start,
    webhook_settings,
)
from tests.support.postgres import fresh_database

RATE = 30
PRIVATE_READERS = list(range(8001, 8121))
GROUPS = [-(10**12) - n for n in range(1, 11)]
NEWS = ("tbilisi-metro", "مترو تبليسي", "افتتحت جورجيا خطاً جديداً لمترو تبليسي.")


async def pushes_sent(port: int) -> float:
    """How many pushes the worker on ``port`` says it sent, from its /metrics."""
    timeout = aiohttp.ClientTimeout(total=5)
    async with (
        aiohttp.ClientSession(timeout=timeout) as client,
        client.get(f"http://127.0.0.1:{port}/metrics") as response,
    ):
        page = await response.text()
    match = re.search(r'^mojaz_messages_sent_total\{kind="push"\} (\S+)$', page, re.MULTILINE)
    return float(match[1]) if match else 0.0


@pytest.mark.parametrize("paid", [False, True])
async def test_two_workers_send_each_push_once_within_the_shared_limits(
    api: FakeBotApi,
    tmp_path: Path,
    seeds_dir: Path,
    lexicon: Lexicon,
    request: pytest.FixtureRequest,
    paid: bool,
) -> None:
    postgres_server = request.getfixturevalue("postgres_server")
    unused_tcp_port_factory = request.getfixturevalue("unused_tcp_port_factory")
    api.limits = ServerLimits(per_second=RATE, per_group_per_minute=20, paid_per_second=RATE)
    api.chat_types.update(dict.fromkeys(GROUPS, "supergroup"))
    ports = [unused_tcp_port_factory(), unused_tcp_port_factory()]
    async with fresh_database(postgres_server) as url, AsyncExitStack() as workers:
        settings = [
            webhook_settings(
                api, tmp_path / f"worker{n}", seeds_dir, port, database_url=url,
                rate_per_second=RATE, rate_paid_per_second=RATE, paid_broadcast=paid,
                outbox_concurrency=8, **FAST_OUTBOX,
            )
            for n, port in enumerate(ports)
        ]  # fmt: skip
        readers = [(chat, "private") for chat in PRIVATE_READERS]
        await subscribers_before_start(
            settings[0], lexicon, [*readers, *((g, "supergroup") for g in GROUPS)]
        )
        for each in settings:
            await workers.enter_async_context(bot_running(each))
        write_article(seeds_dir, *NEWS)
        everyone = set(PRIVATE_READERS + GROUPS)
        await api.wait_for(lambda _: api.served_chats() >= len(everyone), timeout=60)
        # Replies still come from whichever worker the load balancer picks.
        for n in range(4):
            reader = User(9000 + n)
            await api.send_text(Chat(reader.id), reader, "/summary")
            await api.wait_for_calls("sendMessage", reader.id, 1)
        shares = [await pushes_sent(port) for port in ports]
    copies = Counter(call.chat_id for call in api.delivered() if call.chat_id in everyone)
    assert set(copies) == everyone
    assert set(copies.values()) == {1}  # no push twice, whichever worker sent it
    assert api.limit_violations == 0, api.broken_limits[:5]
    assert all(share > 0 for share in shares), shares  # both took part
    assert sum(shares) == len(everyone)
