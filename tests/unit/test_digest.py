"""Digests: times, timezones, and which articles a digest carries (on an injected clock)."""

from __future__ import annotations

import pytest

from content.parser import parse_article
from content.ports import EVERYTHING
from content.storage.sqlite.store import Store
from handlers.capabilities.digests import parse_time, valid_zone
from tests.support.articles import article_text

DAY = 86_400.0
T0 = 1_800_000_000.0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("8:30", "08:30"),
        ("08:30", "08:30"),
        ("23.59", "23:59"),
        ("٠٧:٠٥", "07:05"),
        ("24:00", None),
        ("7:60", None),
        ("noon", None),
        ("", None),
    ],
)
def test_parse_time(text: str, expected: str | None) -> None:
    assert parse_time(text) == expected


@pytest.mark.parametrize(
    ("name", "valid"),
    [
        ("Asia/Riyadh", True),
        ("Africa/Cairo", True),
        ("UTC", True),
        ("Mars/Olympus", False),
        ("../../etc/passwd", False),
        ("/etc/localtime", False),
        ("", False),
    ],
)
def test_valid_zone(name: str, valid: bool) -> None:
    assert (valid_zone(name) == name) is valid


async def add(store: Store, slug: str, sentence: str, at: float) -> None:
    article = parse_article(article_text(f"خبر {slug}", sentence).encode(), f"{slug}.txt")
    await store.ingest(article, f"{slug}.txt", now=at)


async def test_a_digest_carries_what_arrived_since_the_last_one(store: Store) -> None:
    await store.chats.record(1, "private", "", T0)
    await store.chats.set_digest(1, "08:00", T0)
    assert not await store.outbox.enqueue_digest(1, T0 + DAY)  # nothing arrived: no digest
    await add(store, "one", "خبر عن إيران.", T0 + DAY + 10)
    await add(store, "two", "خبر عن الصين.", T0 + DAY + 20)
    assert await store.outbox.enqueue_digest(1, T0 + 2 * DAY)
    await add(store, "three", "خبر عن الهند.", T0 + 2 * DAY + 10)
    assert await store.outbox.enqueue_digest(1, T0 + 3 * DAY)
    first, second = await store.outbox.due(T0 + 4 * DAY, 10)
    assert (first.kind, len(first.article_ids)) == ("digest", 2)
    assert second.article_ids == (3,)


async def test_a_topic_subscriber_gets_a_digest_of_that_topic(store: Store) -> None:
    await store.chats.record(2, "private", "", T0)
    await store.chats.subscribe(2, "china", T0)
    await store.chats.set_digest(2, "08:00", T0)
    await add(store, "iran", "خبر عن إيران.", T0 + 10)
    await add(store, "china", "خبر عن بكين.", T0 + 20)
    await store.outbox.enqueue_digest(2, T0 + DAY)
    digests = [d for d in await store.outbox.due(T0 + DAY, 10) if d.kind == "digest"]
    (digest,) = digests
    china = await store.current_article()
    assert china is not None
    assert digest.article_ids == (china.id,)


async def test_everything_beats_topics_in_a_digest(store: Store) -> None:
    await store.chats.record(3, "private", "", T0)
    await store.chats.subscribe(3, "china", T0)
    await store.chats.subscribe(3, EVERYTHING, T0)
    await store.chats.set_digest(3, "08:00", T0)
    await add(store, "iran", "خبر عن إيران.", T0 + 10)
    await store.outbox.enqueue_digest(3, T0 + DAY)
    assert any(d.kind == "digest" for d in await store.outbox.due(T0 + DAY, 10))
