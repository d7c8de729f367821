"""Polling the feeds a newsroom follows: every new item becomes a briefing for its readers.

One worker polls (the job runs where the jobs run, ``when_leading``). A feed is asked with
its validators (ETag, Last-Modified), so one with nothing new costs a 304. Each item is read
into an article (content.sources.web) and stored in the seeds folder under its canonical
link, so the same story in two feeds, or fetched again, replaces and is never pushed twice.
What a feed holds when it is added is stored without being pushed: only what appears after
is news to its readers. A feed that fails is asked again later and later (doubling up to
six hours, never sooner than its server's ``Retry-After``), and ``/feeds`` shows why.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Protocol

from content.library import Upload, add_article
from content.models import FeedInfo, FeedPoll
from content.parser import ArticleFormatError
from content.ports import ArticleStore
from content.sources.feed import FeedItem, NotAFeedError, read_feed
from content.sources.fetch import Fetcher, FetchRefusedError
from content.sources.web import Copy, Refusal, item_copy

logger = logging.getLogger(__name__)

MAX_BACKOFF_SECONDS = 6 * 3600
FEEDS_PER_ROUND = 50
# Feeds asked at once: most of a poll is waiting on their servers (one host is still asked
# at the fetcher's pace).
FEEDS_AT_ONCE = 8


class FeedObserver(Protocol):
    """What the poller reports as it goes (the worker's metrics)."""

    def feed_polled(self, outcome: str) -> None:
        """A feed was asked: ``new`` (it had items), ``unchanged`` (304) or ``failed``."""

    def feed_item(self, outcome: str) -> None:
        """An item was ``added``, ``replaced``, ``unchanged``, ``refused`` or ``failed``."""

    def fetch_failed(self, kind: str) -> None:
        """A feed or page was not fetched, for the reason ``kind`` (FetchRefusedError's)."""

    def extracted(self, seconds: float) -> None:
        """A page was read into an article in ``seconds``."""


class Unobserved:
    """An observer that keeps nothing."""

    def feed_polled(self, outcome: str) -> None:
        pass

    def feed_item(self, outcome: str) -> None:
        pass

    def fetch_failed(self, kind: str) -> None:
        pass

    def extracted(self, seconds: float) -> None:
        pass


class FeedPoller:
    """Polls the due feeds of ``store`` into the seeds folder and the store."""

    def __init__(  # noqa: PLR0913 - its collaborators, its pace, and a clock for tests
        self,
        store: ArticleStore,
        fetcher: Fetcher,
        seeds: Path,
        max_bytes: int,
        every_seconds: float,
        *,
        clock: Callable[[], float] = time.time,
        observer: FeedObserver | None = None,
    ) -> None:
        self._store = store
        self._fetcher = fetcher
        self._seeds = seeds
        self._max_bytes = max_bytes
        self._every = every_seconds
        self._clock = clock
        self._observer = observer or Unobserved()

    async def scan(self, _context: object) -> None:
        """Job callback: poll what is due."""
        await self.poll_due()

    async def poll_due(self) -> int:
        """Poll the feeds that are due, FEEDS_AT_ONCE at a time; how many articles were new."""
        due = await self._store.feeds.due_feeds(self._clock(), FEEDS_PER_ROUND)
        turns = asyncio.Semaphore(FEEDS_AT_ONCE)

        async def in_turn(feed: FeedInfo) -> int:
            async with turns:
                return await self.poll(feed)

        async with asyncio.TaskGroup() as group:  # one that fails stops the round
            polls = [group.create_task(in_turn(feed)) for feed in due]
        return sum(poll.result() for poll in polls)

    async def poll(self, feed: FeedInfo) -> int:
        """Poll one feed and record how it went; how many of its articles were new."""
        now = self._clock()
        try:
            fetched = await self._fetcher.get(feed.url, feed.etag, feed.last_modified)
        except FetchRefusedError as error:
            self._observer.fetch_failed(error.kind)
            return await self._failed(feed, now, str(error))
        if fetched.status == 304:
            self._observer.feed_polled("unchanged")
            await self._record(
                feed, FeedPoll(now, now + self._every, "", feed.etag, feed.last_modified)
            )
            return 0
        if fetched.status != 200:  # 429 or 503: the server says when to come back
            self._observer.fetch_failed("status")
            reason = f"the server answered {fetched.status}"
            return await self._failed(feed, now, reason, fetched.retry_after or 0.0)
        try:
            items = read_feed(fetched.body)
        except NotAFeedError as error:
            self._observer.fetch_failed("not_a_feed")
            return await self._failed(feed, now, str(error))
        self._observer.feed_polled("new")
        added = 0
        for item in items:
            added += await self._store_item(await self._copy_of(item, feed), feed, item.guid)
        poll = FeedPoll(
            now, now + self._every, "", fetched.etag, fetched.last_modified, len(items)
        )
        await self._record(feed, poll)
        return added

    async def _copy_of(self, item: FeedItem, feed: FeedInfo) -> Copy | Refusal:
        """The item's article, under the file its GUID was stored under before, if it was:
        a story whose link changed is the same story."""
        found = await item_copy(item, self._fetcher)
        if isinstance(found, Refusal) or not item.guid:
            return found
        known = await self._store.feeds.item_name(feed.url, item.guid)
        return found if known is None else replace(found, name=known)

    async def _store_item(self, found: Copy | Refusal, feed: FeedInfo, guid: str) -> int:
        if isinstance(found, Refusal):
            logger.info("Feed %s: skipped %s: %s", feed.url, found.url, found.reason)
            self._observer.feed_item("refused")
            return 0
        self._observer.extracted(found.seconds)
        upload = Upload(found.name, found.text.encode(), shown_as=found.url)
        try:
            result = await add_article(
                self._store, self._seeds, upload, self._max_bytes, announce=feed.primed
            )
        except (ArticleFormatError, OSError) as error:
            logger.warning("Feed %s: could not store %s: %s", feed.url, found.url, error)
            self._observer.feed_item("failed")
            return 0
        self._observer.feed_item(result.outcome)
        if guid:
            await self._store.feeds.remember_item(feed.url, guid, found.name)
        return result.outcome == "added"

    async def _failed(self, feed: FeedInfo, now: float, reason: str, wait: float = 0.0) -> int:
        """Record a failure, to be asked again after the backoff or ``wait``, whichever is
        longer; no articles."""
        self._observer.feed_polled("failed")
        backoff = min(max(self._every * 2 ** (feed.failures + 1), wait), MAX_BACKOFF_SECONDS)
        logger.warning("Feed %s failed (%d in a row): %s", feed.url, feed.failures + 1, reason)
        await self._record(feed, FeedPoll(now, now + backoff, reason))
        return 0

    async def _record(self, feed: FeedInfo, poll: FeedPoll) -> None:
        await self._store.feeds.record_poll(feed.url, poll)
