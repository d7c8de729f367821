"""RSS and Atom feeds, read with feedparser: the items, and the whole article where a feed
carries it (``content:encoded``), so the page need not be fetched."""

from __future__ import annotations

import re
from dataclasses import dataclass

# An item's content this long is the article itself, not a teaser.
FULL_TEXT_WORDS = 80
# A document type's internal subset, where XML declares entities: a feed needs none, and an
# entity that expands into others is a bomb (a billion laughs in a few hundred bytes).
_INTERNAL_SUBSET = re.compile(rb"<!DOCTYPE[^\[>]*\[(.*?)\]\s*>", re.DOTALL | re.IGNORECASE)
_PROLOG_BYTES = 64 * 1024


class NotAFeedError(ValueError):
    """Bytes that are no RSS or Atom feed."""


@dataclass(frozen=True, slots=True)
class FeedItem:
    """One item of a feed: how to know it again, where it is, and its text if the feed has it."""

    guid: str
    link: str
    title: str
    html: str  # the whole article, or "" when the feed has only a teaser


def looks_like_feed(content_type: str, body: bytes) -> bool:
    """Whether a response is a feed rather than a page."""
    if any(kind in content_type for kind in ("rss", "atom", "xml")):
        return True
    start = body[:512].lstrip().lower()
    return start.startswith(b"<?xml") or start.startswith((b"<rss", b"<feed"))


def read_feed(body: bytes) -> list[FeedItem]:
    """The items of the feed in ``body``, newest first as the feed lists them."""
    subset = _INTERNAL_SUBSET.search(body[:_PROLOG_BYTES])
    if subset and b"<!entity" in subset[1].lower():
        raise NotAFeedError("the feed declares XML entities, which feeds do not need: refused")
    import feedparser  # noqa: PLC0415 - 10 MB, for the one worker that polls, when it does

    parsed = feedparser.parse(body, sanitize_html=True, resolve_relative_uris=False)
    if not parsed.get("version") and not parsed.entries:
        raise NotAFeedError("not an RSS or Atom feed")
    items = []
    for entry in parsed.entries:
        link = str(entry.get("link", "")).strip()
        content = entry.get("content") or []
        html = str(content[0].get("value", "")) if content else ""
        whole = len(html.split()) >= FULL_TEXT_WORDS
        guid = str(entry.get("id") or link)
        if link or guid:
            items.append(FeedItem(guid, link, str(entry.get("title", "")), html if whole else ""))
    return items
