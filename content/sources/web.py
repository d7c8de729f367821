"""What a URL holds, as article copy: a page is one article, a feed is one for each item.

Each article comes back as the text the seeds folder will keep (content.sources.page) under
the name its canonical link gives it, so the same story fetched again, from this feed or
another, is the same file and replaces, never doubles.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from content.sources.feed import FeedItem, NotAFeedError, looks_like_feed, read_feed
from content.sources.fetch import Fetcher, FetchRefusedError
from content.sources.page import NotAnArticleError, file_name, page_text


@dataclass(frozen=True, slots=True)
class Copy:
    """An article found at a URL: the file name it takes, and its text."""

    url: str
    name: str
    text: str
    seconds: float = 0.0  # how long reading the page into the article took


@dataclass(frozen=True, slots=True)
class Refusal:
    """A URL that gave no article, and why."""

    url: str
    reason: str


async def articles_at(url: str, fetcher: Fetcher) -> list[Copy | Refusal]:
    """The articles at ``url``: the page's, or each of the feed's items'."""
    try:
        fetched = await fetcher.get(url)
    except FetchRefusedError as error:
        return [Refusal(url, str(error))]
    if fetched.status != 200:
        return [Refusal(url, f"the server answered {fetched.status}; try again later")]
    if looks_like_feed(fetched.content_type, fetched.body):
        try:
            items = read_feed(fetched.body)
        except NotAFeedError as error:
            return [Refusal(url, str(error))]
        return [await item_copy(item, fetcher) for item in items]
    return [_page(fetched.url, fetched.body, fetched.charset)]


async def item_copy(item: FeedItem, fetcher: Fetcher) -> Copy | Refusal:
    """A feed item's article: from the feed when it holds the whole text, else its page."""
    if item.html and item.link:
        return _page(item.link, item.html.encode(), "utf-8")
    if not item.link:
        return Refusal(item.guid, "the item has no link to its article")
    try:
        fetched = await fetcher.get(item.link)
    except FetchRefusedError as error:
        return Refusal(item.link, str(error))
    if fetched.status != 200:
        return Refusal(item.link, f"the server answered {fetched.status}")
    return _page(fetched.url, fetched.body, fetched.charset)


def _page(url: str, body: bytes, charset: str) -> Copy | Refusal:
    started = time.perf_counter()
    try:
        text = page_text(body, charset, url)
    except NotAnArticleError as error:
        return Refusal(url, str(error).split(": ", 1)[-1])
    return Copy(url, file_name(url), text, time.perf_counter() - started)
