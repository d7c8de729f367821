"""Polling the feeds a newsroom follows: every new item becomes a briefing for its readers.

One worker polls (the job runs where the jobs run, ``when_leading``). A feed is asked with
its validators (ETag, Last-Modified), so one with nothing new costs a 304. Each item is read
into an article (content.sources.web) and stored in the seeds folder under its canonical
link, so the same story in two feeds, or fetched again, replaces and is never pushed twice.
What a feed holds when it is added is stored without being pushed: only what appears after
is news to its readers. A feed that fails is asked again later and later (doubling up to
six hours), and ``/feeds`` shows why.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path

from content.library import Upload, add_article
from content.models import FeedInfo, FeedPoll
from content.parser import ArticleFormatError
from content.ports import ArticleStore
from content.sources.feed import NotAFeedError, read_feed
from content.sources.fetch import Fetcher, FetchRefusedError
from content.sources.web import Copy, Refusal, item_copy

logger = logging.getLogger(__name__)

MAX_BACKOFF_SECONDS = 6 * 3600
FEEDS_PER_ROUND = 20


class FeedPoller:
    """Polls the due feeds of ``store`` into the seeds folder and the store."""

    def __init__(
        self,
        store: ArticleStore,
        fetcher: Fetcher,
        seeds: Path,
        max_bytes: int,
        every_seconds: float,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._store = store
        self._fetcher = fetcher
        self._seeds = seeds
        self._max_bytes = max_bytes
        self._every = every_seconds
        self._clock = clock

    async def scan(self, _context: object) -> None:
        """Job callback: poll what is due."""
        await self.poll_due()

    async def poll_due(self) -> int:
        """Poll every feed that is due; how many articles were new."""
        added = 0
        for feed in await self._store.feeds.due_feeds(self._clock(), FEEDS_PER_ROUND):
            added += await self.poll(feed)
        return added

    async def poll(self, feed: FeedInfo) -> int:
        """Poll one feed and record how it went; how many of its articles were new."""
        now = self._clock()
        try:
            fetched = await self._fetcher.get(feed.url, feed.etag, feed.last_modified)
            if fetched.retry_after is not None or fetched.status not in (200, 304):
                raise FetchRefusedError(f"the server answered {fetched.status}")
            if fetched.status == 304:
                unchanged = FeedPoll(now, now + self._every, "", feed.etag, feed.last_modified)
                await self._record(feed, unchanged)
                return 0
            items = read_feed(fetched.body)
        except (FetchRefusedError, NotAFeedError) as error:
            await self._failed(feed, now, str(error))
            return 0
        added = 0
        for item in items:
            added += await self._store_item(await item_copy(item, self._fetcher), feed)
        poll = FeedPoll(
            now, now + self._every, "", fetched.etag, fetched.last_modified, len(items)
        )
        await self._record(feed, poll)
        return added

    async def _store_item(self, found: Copy | Refusal, feed: FeedInfo) -> int:
        if isinstance(found, Refusal):
            logger.info("Feed %s: skipped %s: %s", feed.url, found.url, found.reason)
            return 0
        upload = Upload(found.name, found.text.encode(), shown_as=found.url)
        try:
            result = await add_article(
                self._store, self._seeds, upload, self._max_bytes, announce=feed.primed
            )
        except (ArticleFormatError, OSError) as error:
            logger.warning("Feed %s: could not store %s: %s", feed.url, found.url, error)
            return 0
        return result.outcome == "added"

    async def _failed(self, feed: FeedInfo, now: float, reason: str) -> None:
        backoff = min(self._every * 2 ** (feed.failures + 1), MAX_BACKOFF_SECONDS)
        logger.warning("Feed %s failed (%d in a row): %s", feed.url, feed.failures + 1, reason)
        await self._record(feed, FeedPoll(now, now + backoff, reason))

    async def _record(self, feed: FeedInfo, poll: FeedPoll) -> None:
        await self._store.feeds.record_poll(feed.url, poll)
