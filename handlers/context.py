"""Typed per-application data shared by every handler, filled in by the composition root."""

from __future__ import annotations

from typing import Any

from telegram.ext import CallbackContext, ExtBot

from content.store import Store
from content.topics import Lexicon


class BotData:
    """What handlers need from the application: the store and the topic lexicon.

    Created empty by python-telegram-bot; the composition root attaches the resources once
    they are open, so nothing is opened at import time.
    """

    def __init__(self) -> None:
        self._store: Store | None = None
        self._lexicon: Lexicon | None = None
        self.admin_ids: frozenset[int] = frozenset()

    def attach(self, store: Store, lexicon: Lexicon, admin_ids: frozenset[int]) -> None:
        """Hand the open resources to the handlers."""
        self._store, self._lexicon, self.admin_ids = store, lexicon, admin_ids

    @property
    def store(self) -> Store:
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


Context = CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], BotData]
