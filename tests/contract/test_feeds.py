"""The feeds a newsroom follows: the store's part on both backends, and polling them."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from bot.sync.feeds import FeedPoller
from content.models import FeedPoll
from content.ports import EVERYTHING, ArticleStore
from content.sources.fetch import Fetcher
from content.storage.sqlite.store import Store
from content.topics import Lexicon
from tests.support.news_site import article_page, rss

FEED = "https://news.example/feed"


async def test_feeds_are_added_once_listed_due_and_removed(store: ArticleStore) -> None:
    feeds = store.feeds
    assert await feeds.add_feed(FEED, 100.0)
    assert not await feeds.add_feed(FEED, 101.0)  # followed already
    assert await feeds.add_feed("https://other.example/rss", 102.0)
    assert [feed.url for feed in await feeds.due_feeds(100.5)] == [FEED]  # due at once
    (first, _) = await feeds.feeds()
    assert (first.url, first.primed, first.last_success) == (FEED, False, None)
    await feeds.record_poll(FEED, FeedPoll(110.0, 410.0, "", '"e1"', "Mon", 12))
    await feeds.record_poll(FEED, FeedPoll(420.0, 1020.0, "the server answered 500"))
    (polled, _) = await feeds.feeds()
    assert (polled.primed, polled.last_success, polled.items, polled.etag) == (
        True, 110.0, 12, '"e1"',
    )  # fmt: skip
    assert (polled.failures, polled.last_error) == (1, "the server answered 500")
    assert await feeds.due_feeds(500.0) == [await _feed(store, "https://other.example/rss")]
    await feeds.remember_item(FEED, "guid-1", "news-example-1.txt")
    await feeds.remember_item(FEED, "guid-1", "news-example-1-renamed.txt")  # the first stays
    assert await feeds.item_name(FEED, "guid-1") == "news-example-1.txt"
    assert await feeds.item_name("https://other.example/rss", "guid-1") is None  # per feed
    assert await feeds.remove_feed(FEED)
    assert not await feeds.remove_feed(FEED)
    assert await feeds.item_name(FEED, "guid-1") is None  # gone with its feed


async def _feed(store: ArticleStore, url: str) -> Any:
    return next(feed for feed in await store.feeds.feeds() if feed.url == url)


class Site:
    """A news site whose feed the test changes between polls."""

    def __init__(self) -> None:
        self.items: list[tuple[str, str, str]] = []
        self.base = ""
        self.polls = 0
        self.retry_after = ""  # set: the feed answers 429 with it

    async def feed(self, request: web.Request) -> web.Response:
        self.polls += 1
        if self.retry_after:
            return web.Response(status=429, headers={"Retry-After": self.retry_after})
        etag = f'"{len(self.items)}"'
        if request.headers.get("If-None-Match") == etag:
            return web.Response(status=304)
        return web.Response(
            text=rss(self.items), content_type="application/rss+xml", headers={"ETag": etag}
        )

    async def page(self, request: web.Request) -> web.Response:
        return web.Response(
            text=article_page(f"خبر {request.match_info['n']}"), content_type="text/html"
        )


@pytest.fixture
async def site() -> AsyncIterator[Site]:
    state = Site()
    app = web.Application()
    app.router.add_get("/feed", state.feed)
    app.router.add_get("/news/{n}", state.page)
    runner = web.AppRunner(app)
    await runner.setup()
    server = web.TCPSite(runner, "127.0.0.1", 0)
    await server.start()
    state.base = f"http://127.0.0.1:{runner.addresses[0][1]}"
    yield state
    await runner.cleanup()


async def test_a_feed_pushes_only_what_appears_after_it_was_added(
    site: Site, tmp_path: Path, lexicon: Lexicon
) -> None:
    clock = [1000.0]
    fetcher = Fetcher(1_000_000, trusted=frozenset({"127.0.0.1"}), per_host_seconds=0)
    async with await Store.open(tmp_path / "poll.sqlite3", lexicon) as store:
        await store.chats.record(7, "private", "", 0.0)
        await store.chats.subscribe(7, EVERYTHING, 0.0)
        poller = FeedPoller(
            store, fetcher, tmp_path / "seeds", 1_000_000, 300.0, clock=lambda: clock[0]
        )
        feed = f"{site.base}/feed"
        site.items = [("g1", f"{site.base}/news/1", "")]
        await store.feeds.add_feed(feed, clock[0])
        assert await poller.poll_due() == 1  # stored …
        assert await store.outbox.due(10**10, 10) == []  # … but not pushed
        clock[0] += 301
        assert await poller.poll_due() == 0  # a 304: nothing new
        site.items.append(("g2", f"{site.base}/news/2?utm_source=rss", ""))
        site.items.append(("g3", f"{site.base}/news/2", ""))  # the same story twice
        clock[0] += 301
        assert await poller.poll_due() == 1
        (delivery,) = await store.outbox.due(10**10, 10)
        assert delivery.chat_id == 7
        (polled,) = await store.feeds.feeds()
        assert (polled.items, polled.failures, polled.last_error) == (3, 0, "")
        assert site.polls == 3
    await fetcher.close()


async def test_a_failing_feed_backs_off_and_says_why(tmp_path: Path, lexicon: Lexicon) -> None:
    fetcher = Fetcher(1_000_000, connect_seconds=0.5)  # not trusted: our own network
    async with await Store.open(tmp_path / "fail.sqlite3", lexicon) as store:
        poller = FeedPoller(
            store, fetcher, tmp_path / "seeds", 1_000_000, 300.0, clock=lambda: 0.0
        )
        await store.feeds.add_feed("http://127.0.0.1:9/feed", 0.0)
        await poller.poll_due()
        (feed,) = await store.feeds.feeds()
        assert feed.failures == 1
        assert "loopback" in feed.last_error
        assert feed.next_poll_at == 600.0  # twice the interval, then four times …
    await fetcher.close()


class Recorder:
    """The poller's observer, as the metrics see it."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str]] = []

    def feed_polled(self, outcome: str) -> None:
        self.seen.append(("polled", outcome))

    def feed_item(self, outcome: str) -> None:
        self.seen.append(("item", outcome))

    def fetch_failed(self, kind: str) -> None:
        self.seen.append(("fetch", kind))

    def extracted(self, seconds: float) -> None:
        assert seconds > 0
        self.seen.append(("extracted", ""))


async def test_an_item_whose_link_changes_is_the_same_story_under_its_guid(
    site: Site, tmp_path: Path, lexicon: Lexicon
) -> None:
    clock = [1000.0]
    fetcher = Fetcher(1_000_000, trusted=frozenset({"127.0.0.1"}), per_host_seconds=0)
    recorder = Recorder()
    async with await Store.open(tmp_path / "guid.sqlite3", lexicon) as store:
        await store.chats.record(7, "private", "", 0.0)
        await store.chats.subscribe(7, EVERYTHING, 0.0)
        poller = FeedPoller(
            store, fetcher, tmp_path / "seeds", 1_000_000, 300.0,
            clock=lambda: clock[0], observer=recorder,
        )  # fmt: skip
        feed = f"{site.base}/feed"
        await store.feeds.add_feed(feed, clock[0])
        site.items = [("g1", f"{site.base}/news/1", "")]
        await poller.poll_due()
        clock[0] += 301
        site.items = [("g1", f"{site.base}/news/1-corrected", ""), ("g2", "", "")]
        assert await poller.poll_due() == 0  # replaced, not added
        (article,) = await store.articles()
        assert article.title == "خبر 1-corrected"
        assert await store.outbox.due(10**10, 10) == []  # nor pushed again
        assert len(list((tmp_path / "seeds").glob("*.txt"))) == 1
    await fetcher.close()
    assert recorder.seen == [
        ("polled", "new"), ("extracted", ""), ("item", "added"),
        ("polled", "new"), ("extracted", ""), ("item", "replaced"), ("item", "refused"),
    ]  # fmt: skip


async def test_a_busy_feed_is_asked_again_no_sooner_than_its_retry_after(
    site: Site, tmp_path: Path, lexicon: Lexicon
) -> None:
    fetcher = Fetcher(1_000_000, trusted=frozenset({"127.0.0.1"}), per_host_seconds=0)
    recorder = Recorder()
    async with await Store.open(tmp_path / "busy.sqlite3", lexicon) as store:
        poller = FeedPoller(
            store, fetcher, tmp_path / "seeds", 1_000_000, 300.0,
            clock=lambda: 0.0, observer=recorder,
        )  # fmt: skip
        await store.feeds.add_feed(f"{site.base}/feed", 0.0)
        site.retry_after = "7200"
        await poller.poll_due()
        (feed,) = await store.feeds.feeds()
        assert (feed.next_poll_at, feed.last_error) == (7200.0, "the server answered 429")
        site.retry_after = "5"  # shorter than the backoff: the backoff holds
        await store.feeds.record_poll(feed.url, FeedPoll(0.0, 0.0, "due again"))
        await poller.poll_due()
        (feed,) = await store.feeds.feeds()
        assert feed.next_poll_at == 300.0 * 2**3  # the third failure in a row
    await fetcher.close()
    assert recorder.seen == [("fetch", "status"), ("polled", "failed")] * 2
