"""Several workers on one PostgreSQL database: they share the queue, the jobs and the count."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from typing import Any

import pytest

from content.library import ingest_file
from content.models import SentChunk
from content.storage.postgres.store import PostgresStore
from content.topics import Lexicon
from tests.support.harness import SEED
from tests.support.postgres import fresh_database

NOW = 4e9
LEASE = 30.0


@pytest.fixture
async def workers(postgres_server: Any, lexicon: Lexicon) -> AsyncIterator[list[PostgresStore]]:
    """Three stores on one database, as three worker processes would open it."""
    async with fresh_database(postgres_server) as url, AsyncExitStack() as stack:
        stores = []
        for _ in range(3):
            store = await PostgresStore.open(url, lexicon, pool_size=4)
            stack.push_async_callback(store.close)
            stores.append(store)
        yield stores


async def test_concurrent_claims_never_share_a_delivery_or_a_chat(
    workers: list[PostgresStore],
) -> None:
    first = workers[0]
    await first.chats.import_subscribers([(chat, "private") for chat in range(1, 301)], 0.0)
    await ingest_file(first, SEED)
    article = await first.current_article()
    assert article is not None
    await first.outbox.enqueue_broadcast(article.id, "p", NOW)  # a second delivery each
    claimed: list[tuple[int, int]] = []
    for _ in range(10):  # rounds of every worker claiming at the same moment
        batches = await asyncio.gather(*(w.outbox.claim(NOW, 40, LEASE) for w in workers))
        taken = [(d.id, d.chat_id) for batch in batches for d in batch]
        assert len({chat for _, chat in taken}) == len(taken)  # one claim per chat
        claimed += taken
        for worker, batch in zip(workers, batches, strict=True):
            for delivery in batch:
                await worker.outbox.chunks_sent([SentChunk(delivery.id, 1, NOW, last=True)])
    ids = [delivery_id for delivery_id, _ in claimed]
    assert len(ids) == len(set(ids)) == 600  # all of them, each once


async def test_one_worker_runs_the_jobs_and_the_next_takes_over(
    workers: list[PostgresStore],
) -> None:
    first, second, third = workers
    assert await first.workers.leads()
    assert not await second.workers.leads()
    assert not await third.workers.leads()
    assert await first.workers.leads()  # and it keeps them
    await first.close()  # it stopped: the lock is free
    leaders = [await second.workers.leads(), await third.workers.leads()]
    assert leaders == [True, False]


async def test_workers_count_each_other_by_heartbeat(workers: list[PostgresStore]) -> None:
    first, second, _ = workers
    assert await first.workers.heartbeat("a", 5.0) == 1
    assert await second.workers.heartbeat("b", 5.0) == 2
    assert await first.workers.heartbeat("a", 5.0) == 2
    await second.workers.leave("b")
    assert await first.workers.heartbeat("a", 5.0) == 1
    await second.workers.heartbeat("b", 5.0)
    await asyncio.sleep(0.3)
    assert await first.workers.heartbeat("a", 0.2) == 1  # b went quiet: no longer counted
