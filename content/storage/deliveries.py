"""What a queued delivery holds, written the same way by every backend."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from content.alerts import ArticleWords, matching
from content.models import DeliveryKind
from content.ports import EVERYTHING


@dataclass(frozen=True, slots=True)
class NewDelivery:
    """A delivery about to be queued: where it goes, what it brings, and the key that stops
    it being queued twice."""

    chat_id: int
    thread_id: int
    kind: DeliveryKind
    payload: str
    dedupe_key: str


def payload(article_ids: list[int], topics: list[str], words: Sequence[str] = ()) -> str:
    """A delivery's payload: which articles, and the topics or alerts that matched."""
    data: dict[str, object] = {"articles": article_ids, "topics": topics}
    if words:
        data["words"] = list(words)
    return json.dumps(data, ensure_ascii=False)


def article_key(article_id: int, chat_id: int, thread_id: int) -> str:
    """The dedupe key of an article's delivery to one thread: it goes there once."""
    return f"article:{article_id}:{chat_id}:{thread_id}"


def subscribed_deliveries(
    article_id: int, subscribed: Sequence[Sequence[Any]]
) -> list[NewDelivery]:
    """The article's deliveries to the (chat, thread, topics matched) the store found."""
    return [
        NewDelivery(
            int(chat_id),
            int(thread_id),
            DeliveryKind.ARTICLE,
            payload([article_id], sorted(set(topics) - {EVERYTHING})),
            article_key(article_id, int(chat_id), int(thread_id)),
        )
        for chat_id, thread_id, topics in subscribed
    ]


def alert_deliveries(
    article_id: int, words: ArticleWords, candidates: Sequence[Sequence[Any]]
) -> list[NewDelivery]:
    """The article's deliveries to the threads whose alerts ``words`` match, from the
    candidates (id, chat, thread, phrase, terms) the store found by first term."""
    by_id = {int(row[0]): row for row in candidates}
    found: dict[tuple[int, int], list[str]] = {}
    for alert_id in matching(words, ((int(row[0]), str(row[4])) for row in candidates)):
        _, chat_id, thread_id, phrase, _ = by_id[alert_id]
        found.setdefault((int(chat_id), int(thread_id)), []).append(str(phrase))
    return [
        NewDelivery(
            chat_id,
            thread_id,
            DeliveryKind.ARTICLE,
            payload([article_id], [], phrases),
            article_key(article_id, chat_id, thread_id),
        )
        for (chat_id, thread_id), phrases in found.items()
    ]
