"""Typed per-application data shared by every handler, filled in by the composition root."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from telegram.ext import CallbackContext, ExtBot, filters

from content.ports import ArticleStore
from content.topics import Lexicon

# Presses are answered within seconds of arriving; a few thousand cover any burst.
ANSWERED_PRESSES_KEPT = 10_000


class BotData:
    """What handlers need from the application: the store and the topic lexicon.

    Created empty by python-telegram-bot; the composition root attaches the resources once
    they are open, so nothing is opened at import time.
    """

    def __init__(self) -> None:
        self._store: ArticleStore | None = None
        self._lexicon: Lexicon | None = None
        self.admin_ids: frozenset[int] = frozenset()
        self.default_timezone = "UTC"
        self.max_article_bytes = 1_000_000
        # Where uploaded articles are put: the seeds folder is their source of truth.
        self.seeds_folder = Path("seeds")
        # Called after something is queued, so the outbox sends it now, not at its next poll.
        self.wake_outbox: Callable[[], None] = _nothing
        # (chat, user) → (is an administrator, until when that answer holds)
        self.admin_cache: dict[tuple[int, int], tuple[bool, float]] = {}
        # The presses answered lately, oldest first: Telegram takes one answer a press, so
        # the error handler apologises in the chat for a press answered already.
        self._answered: dict[str, None] = {}

    def press_answered(self, query_id: str) -> None:
        """Remember that the press ``query_id`` has had its answer."""
        self._answered[query_id] = None
        if len(self._answered) > ANSWERED_PRESSES_KEPT:
            del self._answered[next(iter(self._answered))]

    def was_answered(self, query_id: str) -> bool:
        """Whether the press ``query_id`` has had its answer."""
        return query_id in self._answered

    def attach(self, store: ArticleStore, lexicon: Lexicon) -> None:
        """Hand the open resources to the handlers."""
        self._store, self._lexicon = store, lexicon

    def use_lexicon(self, lexicon: Lexicon) -> None:
        """Answer with ``lexicon`` from the next update on (a newsroom's file changed)."""
        self._lexicon = lexicon

    @property
    def store(self) -> ArticleStore:
        """The open store; asking before start-up has opened it is a programming error."""
        if self._store is None:
            raise RuntimeError("the store is not open yet")
        return self._store

    @property
    def lexicon(self) -> Lexicon:
        """The topic lexicon."""
        if self._lexicon is None:
            raise RuntimeError("the lexicon is not loaded yet")
        return self._lexicon


def _nothing() -> None:
    """The outbox's wake-up before it runs."""


# Commands answer new messages only: an edited command would otherwise be answered twice.
NEW_MESSAGES = filters.UpdateType.MESSAGE

Context = CallbackContext[ExtBot[dict[str, Any]], dict[Any, Any], dict[Any, Any], BotData]
