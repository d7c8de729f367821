"""How updates are handled: each chat in order, chats side by side, people before broadcasts.

- Updates of one chat are handled one at a time, in the order they came: a reader's second
  press sees what the first one did. Different chats do not wait for each other, so a long
  reply (a 15-part briefing paced by Telegram's per-chat limit) or an upload being stored
  holds back only its own chat.
- A button pressed again on a message, when it was the last one handled there and less
  than ``REPEAT_PRESS_SECONDS`` ago, is only answered: twenty taps on "Summary" send one
  summary, not twenty.
- While any update is being handled, bulk sends hold back. The flood limiter already gives
  replies the next free slot; this also gives them the event loop and the database, which
  the outbox would otherwise keep busy during a broadcast.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import BaseUpdateProcessor

from bot.transport.ratelimit import FloodLimiter

logger = logging.getLogger(__name__)

CONCURRENT_UPDATES = 64
REPEAT_PRESS_SECONDS = 3.0

Key = tuple[str, int | str]


def turn_key(update: object) -> Key:
    """Whose turn an update waits for: its chat's, else its user's (inline mode).

    A group's move to a supergroup takes the new chat's turn, so that what is said in the
    supergroup next finds the group's settings already moved.
    """
    if not isinstance(update, Update):
        return ("other", 0)
    message = update.effective_message
    if message is not None and message.migrate_to_chat_id is not None:
        return ("chat", message.migrate_to_chat_id)
    if update.effective_chat is not None:
        return ("chat", update.effective_chat.id)
    if update.effective_user is not None:
        return ("user", update.effective_user.id)
    return ("other", 0)


Press = tuple[tuple[object, ...], str]  # (who pressed, on which message; the button's data)


def press_of(update: object) -> Press | None:
    """Who pressed a button on which message, and the button's data.

    The presser is part of it: in a group, a second person pressing the same button is
    a press of their own and gets their own answer (say, that only administrators may).
    """
    query = update.callback_query if isinstance(update, Update) else None
    if query is None or query.data is None:
        return None
    if query.inline_message_id is not None:
        return (query.from_user.id, "inline", query.inline_message_id), query.data
    message = query.message
    if message is None:
        return None
    return (query.from_user.id, message.chat.id, message.message_id), query.data


class Turns:
    """One lock per key, kept only while someone holds or waits for it."""

    def __init__(self) -> None:
        self._locks: dict[Key, tuple[asyncio.Lock, int]] = {}

    @asynccontextmanager
    async def turn(self, key: Key) -> AsyncIterator[None]:
        """Wait until every earlier update of ``key`` is done; hold the turn meanwhile."""
        lock, waiting = self._locks.get(key, (asyncio.Lock(), 0))
        self._locks[key] = (lock, waiting + 1)
        try:
            async with lock:
                yield
        finally:
            lock, waiting = self._locks[key]
            if waiting == 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock, waiting - 1)

    def __len__(self) -> int:
        return len(self._locks)


class RecentPresses:
    """The last press handled on each message, forgotten after ``seconds``."""

    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._seconds = seconds
        self._clock = clock
        self._last: dict[tuple[object, ...], tuple[str, float]] = {}

    def is_repeat(self, press: Press) -> bool:
        """Whether this is the press last handled on its message, a moment ago.

        Only the last one: ▶ ◀ ▶ on a paged message are three presses, not a repeat.
        """
        now = self._clock()
        self._last = {m: last for m, last in self._last.items() if now - last[1] < self._seconds}
        message, data = press
        last = self._last.get(message)
        return last is not None and last[0] == data

    def handled(self, press: Press) -> None:
        """Record that this press has just been answered."""
        message, data = press
        self._last[message] = (data, self._clock())


class RepliesFirst(BaseUpdateProcessor):
    """Handles each chat's updates in order and chats side by side; bulk sends hold back."""

    def __init__(self, limiter: FloodLimiter) -> None:
        super().__init__(max_concurrent_updates=CONCURRENT_UPDATES)
        self._limiter = limiter
        self._turns = Turns()
        self._presses = RecentPresses(REPEAT_PRESS_SECONDS)

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Handle one update in its chat's turn, with bulk sends held back."""
        with self._limiter.replying():
            async with self._turns.turn(turn_key(update)):
                press = press_of(update)
                if press is not None and self._presses.is_repeat(press):
                    await _answer_repeat(update, coroutine)
                    return
                try:
                    await coroutine
                finally:
                    if press is not None:
                        self._presses.handled(press)

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to tear down."""


async def _answer_repeat(update: object, coroutine: Awaitable[Any]) -> None:
    """Stop the spinner of a repeated press without doing its work again."""
    if asyncio.iscoroutine(coroutine):
        coroutine.close()  # never awaited: it would do the work again
    query = update.callback_query if isinstance(update, Update) else None
    if query is None:
        return
    try:
        await query.answer()
    except TelegramError as error:
        logger.warning("Could not answer a repeated press: %s", error)
