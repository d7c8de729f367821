"""Telegram's flood limits, kept on our side so that the server never has to refuse us.

Every sending request passes through :class:`FloodLimiter` (python-telegram-bot's
``rate_limiter``). Replies to people go first: they may use every slot of the overall limit,
while bulk sends (the outbox, marked with :func:`bulk`) leave ``reserve`` slots a second free
for them and give way whenever a reply is waiting. Bulk sends also keep the per-chat and
per-group limits; a reply to someone who just wrote is never held back by them.

A 429 to a reply holds that chat for ``retry_after`` and the reply is sent again, a few
times, so that every part of a long answer arrives. A 429 to a bulk send is not retried here:
the outbox decides what it means for that one chat. A group is known by its chat type, not
guessed from the sign of its id.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from collections import deque
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager, nullcontext
from dataclasses import dataclass
from typing import Any, Protocol

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

# Requests that put a message in a chat and so count towards the limits.
SENDING_ENDPOINTS = frozenset(
    {
        "sendMessage", "sendPhoto", "sendDocument", "sendVideo", "sendAnimation",
        "sendAudio", "sendVoice", "sendMediaGroup", "sendSticker", "sendPoll",
        "sendLocation", "sendContact", "copyMessage", "forwardMessage",
    }
)  # fmt: skip
GROUP_TYPES = frozenset({"group", "supergroup", "channel"})
# Sends are dated when their answer is back (see FloodLimiter.slot); the margin only covers
# the clocks' granularity.
_MARGIN = 0.005
_WAIT_STEP = 0.005
# How far behind its pace the bulk may fall and still catch up at once.
_CATCH_UP = 0.05
# A send recorded by this worker and by the store is dated twice, this close together.
_SAME_SEND = 0.25
# A reply refused with 429 is sent again this many times, if Telegram asks for no longer
# than REPLY_MAX_HOLD seconds each time; past that the person has long stopped waiting.
REPLY_RETRIES = 3
REPLY_MAX_HOLD = 30.0


def bulk(chat_type: str, paid: bool = False) -> dict[str, Any]:
    """``rate_limit_args`` for a bulk send to a chat of ``chat_type``; ``paid`` when it goes
    with ``allow_paid_broadcast``, under the paid limit rather than the free one."""
    return {"bulk": True, "chat_type": chat_type, "paid": paid}


class SendObserver(Protocol):
    """Told of every send's outcome (the metrics)."""

    def sent_one(self, is_bulk: bool, seconds: float, paid: bool = False) -> None: ...
    def refused_one(self, is_bulk: bool) -> None: ...


class _Unobserved:
    def sent_one(self, is_bulk: bool, seconds: float, paid: bool = False) -> None:
        """Nobody is counting."""

    def refused_one(self, is_bulk: bool) -> None:
        """Nobody is counting."""


@dataclass
class _Budget:
    """Sends a second under one overall limit: those dated, and those still in flight."""

    sent: deque[float]
    in_flight: int = 0
    # Bulk sends are spread evenly over the second, never sent in a burst that would spend the
    # second's budget at its start: a reply that comes later would wait for the next second.
    next_bulk: float = 0.0


@dataclass(frozen=True, slots=True)
class Limits:
    """Telegram's limits: overall per second, per chat per second, per group per minute."""

    per_second: float = 30
    per_chat_per_second: float = 1
    per_group_per_minute: int = 20
    reserve: int = 1  # slots a second that bulk sends leave to replies
    # Bulk sends with allow_paid_broadcast have a limit of their own; Telegram charges for
    # them, and replies never go that way.
    paid_per_second: float = 1000


class FloodLimiter(BaseRateLimiter[dict[str, Any]]):
    """Holds requests back just long enough to stay within :class:`Limits`."""

    def __init__(
        self,
        limits: Limits,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
        observer: SendObserver | None = None,
    ) -> None:
        self.limits = limits
        self._clock = clock
        self._wall_clock = wall_clock
        self._observer = observer or _Unobserved()
        # A restarted bot cannot know what it sent in its last second, and Telegram still
        # counts it: start as though the whole second's budget had just been used.
        self._free = _Budget(deque([clock()] * int(limits.per_second)))
        self._paid = _Budget(deque([clock()] * int(limits.paid_per_second)))
        self._chat_last: dict[int | str, float] = {}
        self._group_sent: dict[int | str, deque[float]] = {}
        self._replies_waiting = 0
        # chat (None: the whole bot) → until when Telegram told us to send it nothing
        self._held_until: dict[int | str | None, float] = {}
        # The part of the overall limit that is this process's, when workers share the bot.
        self._share = 1.0

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to tear down."""

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: dict[str, Any] | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        """Wait for a slot when the request sends a message, then make it.

        A reply refused with 429 holds its chat for ``retry_after`` and is made again.
        """
        options = rate_limit_args or {}
        is_bulk = bool(options.get("bulk"))
        paid = is_bulk and bool(options.get("paid"))
        chat_id = data.get("chat_id")
        refusals = 0
        while True:
            await self._held(chat_id)
            try:
                if endpoint not in SENDING_ENDPOINTS or chat_id is None:
                    return await callback(*args, **kwargs)
                chat_type = str(options.get("chat_type") or _type_from_id(chat_id))
                async with self.slot(chat_id, is_bulk, chat_type, paid):
                    started = self._clock()
                    answer = await callback(*args, **kwargs)
                self._observer.sent_one(is_bulk, self._clock() - started, paid)
                return answer
            except RetryAfter as error:
                self._observer.refused_one(is_bulk)
                seconds = _seconds(error.retry_after)
                self._hold(chat_id, seconds)
                refusals += 1
                if is_bulk or refusals > REPLY_RETRIES or seconds > REPLY_MAX_HOLD:
                    raise

    def _hold(self, chat_id: object, seconds: float) -> None:
        """Telegram asked us to wait: nothing more goes to this chat (or at all) until then."""
        key = chat_id if isinstance(chat_id, int | str) else None
        self._held_until[key] = max(self._held_until.get(key, 0.0), self._clock() + seconds)

    async def _held(self, chat_id: object) -> None:
        """Wait out a hold Telegram set on this chat, or on the whole bot."""
        key = chat_id if isinstance(chat_id, int | str) else None
        wait = max(self._held_until.get(key, 0.0), self._held_until.get(None, 0.0))
        if (delay := wait - self._clock()) > 0:
            await asyncio.sleep(delay)

    def share(self, workers: int) -> None:
        """Keep to 1/``workers`` of the overall limit: that many processes send as this bot,
        and Telegram counts all their messages together."""
        self._share = 1 / max(1, workers)

    def capacity(self, paid: bool = False) -> int:
        """This process's messages a second under the overall limit (at least one)."""
        limit = self.limits.paid_per_second if paid else self.limits.per_second
        return max(1, int(limit * self._share))

    @contextmanager
    def replying(self) -> Iterator[None]:
        """While this lasts, bulk sends give way (a reply is being prepared or sent)."""
        self._replies_waiting += 1
        try:
            yield
        finally:
            self._replies_waiting -= 1

    @asynccontextmanager
    async def slot(
        self, chat_id: int | str, is_bulk: bool, chat_type: str = "", paid: bool = False
    ) -> AsyncIterator[None]:
        """Wait until a message to ``chat_id`` may go; hold a slot while it is being sent.

        A send counts from the moment it starts until the moment its answer is back, and is
        then dated by that answer. The server received it somewhere in between, so "no more
        than N in any second" holds on the server's clock whatever the network's delays,
        with no margin to guess.
        """
        with nullcontext() if is_bulk else self.replying():
            # Each wait is computed to the moment a slot frees; no event would fire sooner.
            while (wait := self._wait(chat_id, is_bulk, chat_type, paid)) > 0:  # noqa: ASYNC110
                await asyncio.sleep(wait)
        budget = self._paid if paid else self._free
        if is_bulk:
            gap = 1 / self._bulk_capacity(paid)
            # A send that starts late may catch up a little, so the pace does not drift below
            # the rate; never by more than _CATCH_UP, so no burst fills the window.
            budget.next_bulk = max(self._clock() - _CATCH_UP, budget.next_bulk) + gap
        budget.in_flight += 1
        try:
            yield
        finally:
            budget.in_flight -= 1
            self._record(chat_id, chat_type, budget)

    def chat_wait(self, chat_id: int | str, chat_type: str) -> float:
        """Seconds until a bulk message to this chat keeps the per-chat and group limits."""
        now = self._clock()
        waits = [self._chat_last.get(chat_id, -1e9) + 1 / self.limits.per_chat_per_second - now]
        if chat_type in GROUP_TYPES:
            window = self._window(self._group_sent.get(chat_id, deque()), 60 + _MARGIN, now)
            if len(window) >= self.limits.per_group_per_minute:
                waits.append(window[-self.limits.per_group_per_minute] + 60 + _MARGIN - now)
        return max(0.0, *waits)

    def remember_sends(self, chat_id: int | str, chat_type: str, sent_at: Sequence[float]) -> None:
        """Count pushes to the chat that any worker made (wall-clock times, from the store).

        A send this worker made is in both: a time within _SAME_SEND of one already counted
        is that same send. What is counted here alone (replies) stays.
        """
        if not sent_at:
            return
        offset = self._clock() - self._wall_clock()
        shared = sorted(moment + offset for moment in sent_at)
        self._chat_last[chat_id] = max(self._chat_last.get(chat_id, -1e9), shared[-1])
        if chat_type not in GROUP_TYPES:
            return
        mine = self._group_sent.get(chat_id, deque())
        alone = [m for m in mine if all(abs(m - other) > _SAME_SEND for other in shared)]
        self._group_sent[chat_id] = deque(sorted(shared + alone))

    def _wait(self, chat_id: int | str, is_bulk: bool, chat_type: str, paid: bool) -> float:
        now = self._clock()
        budget = self._paid if paid else self._free
        window = self._window(budget.sent, 1 + _MARGIN, now)
        capacity = self.capacity(paid)
        if is_bulk:
            if self._replies_waiting:
                return _WAIT_STEP  # a reply is waiting for a slot: let it have the next one
            if budget.next_bulk > now:
                return budget.next_bulk - now
            capacity = self._bulk_capacity(paid)
        overall = 0.0
        occupied = len(window) + budget.in_flight
        if occupied >= capacity:
            # The slot frees when this many of the dated sends have left the window; sends
            # still in flight leave it only after they are back.
            first_to_leave = occupied - capacity
            overall = (
                window[first_to_leave] + 1 + _MARGIN - now
                if first_to_leave < len(window)
                else _WAIT_STEP
            )
        if not is_bulk:
            return overall
        return max(overall, self.chat_wait(chat_id, chat_type))

    def _bulk_capacity(self, paid: bool) -> int:
        """Bulk sends a second: all of the paid limit, or the free one less the replies'."""
        if paid:  # paid sends have a limit of their own: the free one is the replies'
            return self.capacity(paid)
        return max(1, self.capacity() - self.limits.reserve)

    def _record(self, chat_id: int | str, chat_type: str, budget: _Budget) -> None:
        now = self._clock()
        budget.sent.append(now)
        self._chat_last[chat_id] = now
        if chat_type in GROUP_TYPES:
            self._group_sent.setdefault(chat_id, deque()).append(now)

    @staticmethod
    def _window(sent: deque[float], seconds: float, now: float) -> deque[float]:
        """Drop what is older than ``seconds`` from ``sent``, and return it."""
        while sent and sent[0] <= now - seconds:
            sent.popleft()
        return sent


def _seconds(period: int | dt.timedelta) -> float:
    """``retry_after`` in seconds, whichever way python-telegram-bot gives it."""
    return period.total_seconds() if isinstance(period, dt.timedelta) else float(period)


def _type_from_id(chat_id: int | str) -> str:
    """A reply's chat type when nobody said: Telegram gives groups and channels negative ids,
    and a channel may be named by its @username."""
    if isinstance(chat_id, str) and not chat_id.lstrip("-").isdigit():
        return "channel"
    return "supergroup" if int(chat_id) < 0 else "private"
