"""The outbox worker: sends queued deliveries, within Telegram's limits, through its errors.

State lives in the store, so a crash loses nothing: at start-up the deliveries that were in
flight are queued again (they, and only they, may reach their chat twice).
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
import warnings
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
)
from telegram.ext import ExtBot

from bot.ratelimit import FloodLimiter, bulk
from content.models import Delivery
from content.ports import ArticleStore
from handlers.replies import Rendered

logger = logging.getLogger(__name__)

Renderer = Callable[[Delivery], Awaitable[Rendered | None]]
# A chat that answers 400 with one of these is gone for good, as with a 403.
_RENDER_CACHE_SIZE = 256
_GONE = ("chat not found", "have no rights to send", "not enough rights", "bot was kicked")


@dataclass(frozen=True, slots=True)
class OutboxSettings:
    """How the worker sends: in parallel, how often it retries, how long it waits."""

    concurrency: int = 4
    max_attempts: int = 5
    backoff_base: float = 2.0
    backoff_cap: float = 600.0
    poll_interval: float = 1.0
    request_timeout: float = 10.0
    batch: int = 64
    # A claim not renewed by a message sent for this long goes back to the queue: its worker
    # is taken for dead. Longer than a send's timeouts and per-chat waits.
    lease: float = 60.0
    # Pushes go with allow_paid_broadcast: past the free rate, Telegram charges for them.
    paid: bool = False


class OutboxWorker:
    """Sends what the outbox holds until told to stop."""

    def __init__(
        self,
        store: ArticleStore,
        bot: ExtBot[dict[str, Any]],
        limiter: FloodLimiter,
        render: Renderer,
        settings: OutboxSettings,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._store = store
        self._bot = bot
        self._limiter = limiter
        self._render = render
        self._settings = settings
        self._clock = clock
        self._wake = asyncio.Event()
        self._slots = asyncio.Semaphore(settings.concurrency)
        self._tasks: set[asyncio.Task[None]] = set()
        # A broadcast renders the same messages for thousands of chats: render them once.
        self._rendered: dict[tuple[object, ...], Rendered | None] = {}

    def wake(self) -> None:
        """Look at the queue now rather than at the next poll (something was queued)."""
        self._wake.set()

    async def run(self, stop: asyncio.Event) -> None:
        """Send until ``stop`` is set; then let the messages in flight finish."""
        requeued = await self._store.outbox.requeue_in_flight(self._clock())
        if requeued:
            logger.warning("Queued again %d deliveries that were in flight at a crash", requeued)
        try:
            while not stop.is_set():
                started = await self._start_due()
                if not started:
                    await self._sleep(stop)
        finally:
            if self._tasks:
                await asyncio.wait(self._tasks)

    async def _start_due(self) -> int:
        """Claim what is due, as many as there are free slots, and start sending it.

        Claims are made only for free slots, so that a worker that dies holds few: they
        go back to the queue when their lease runs out, and any worker sends them.
        """
        await self._slots.acquire()
        self._slots.release()
        free = self._settings.concurrency - len(self._tasks)
        outbox = self._store.outbox
        claimed = await outbox.claim(
            self._clock(), min(self._settings.batch, free), self._settings.lease
        )
        started = 0
        for delivery in claimed:
            # Whichever worker sent the chat's last pushes, its limits continue from them.
            chat, kind = delivery.chat_id, delivery.chat_type
            self._limiter.remember_sends(chat, kind, delivery.recent_sends)
            wait = self._limiter.chat_wait(chat, kind)
            if wait > 0:
                await outbox.release(delivery.id, self._clock() + wait)
                continue
            await self._slots.acquire()
            task = asyncio.create_task(self._deliver(delivery))
            self._tasks.add(task)
            task.add_done_callback(self._finished)
            started += 1
        return started

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        self._slots.release()
        self._wake.set()

    async def _sleep(self, stop: asyncio.Event) -> None:
        """Wait for a wake-up, a free slot, the next queued delivery, or the poll interval."""
        now = self._clock()
        moments = [now + self._settings.poll_interval]
        next_due = await self._store.outbox.next_due_at()
        if next_due is not None and next_due > now:
            moments.append(next_due)
        timeout = max(0.005, min(moments) - now)
        self._wake.clear()
        waiters = [asyncio.create_task(self._wake.wait()), asyncio.create_task(stop.wait())]
        await asyncio.wait(waiters, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        for waiter in waiters:
            waiter.cancel()

    async def _deliver(self, delivery: Delivery) -> None:
        """Send one delivery and record what became of it; never raises."""
        outbox = self._store.outbox
        try:
            rendered = await self._render_once(delivery)
            if rendered is None:
                await outbox.finish(delivery.id, "skipped", self._clock(), "article removed")
                return
            await self._send(delivery, rendered)
        except RetryAfter as error:
            await self._hold(delivery, retry_after_seconds(error), f"429 {error}")
        except ChatMigrated as error:
            await self._store.chats.migrate(delivery.chat_id, error.new_chat_id)
            logger.info("Chat %s moved to %s", delivery.chat_id, error.new_chat_id)
            await outbox.retry_at(delivery.id, self._clock(), "moved", counts=False)
        except Forbidden as error:
            await self._chat_gone(delivery, f"403 {error}")
        except BadRequest as error:
            if any(reason in error.message.lower() for reason in _GONE):
                await self._chat_gone(delivery, f"400 {error}")
            else:
                await outbox.finish(delivery.id, "failed", self._clock(), f"400 {error}")
        except (NetworkError, TelegramError) as error:
            await self._retry_or_fail(delivery, f"{type(error).__name__}: {error}")
        except Exception:
            logger.exception("Delivery %s failed unexpectedly", delivery.id)
            await self._retry_or_fail(delivery, "internal error (see the log)")

    async def _render_once(self, delivery: Delivery) -> Rendered | None:
        """The delivery's messages, rendered once for every delivery that says the same."""
        key = (
            delivery.kind,
            delivery.article_ids,
            delivery.topics,
            delivery.chat_type,
            delivery.language,
        )
        if key not in self._rendered:
            if len(self._rendered) >= _RENDER_CACHE_SIZE:
                self._rendered.clear()
            self._rendered[key] = await self._render(delivery)
        return self._rendered[key]

    async def _send(self, delivery: Delivery, rendered: Rendered) -> None:
        timeout = self._settings.request_timeout
        chunks = rendered.chunks
        for index in range(delivery.chunks_sent, len(chunks)):
            last = index == len(chunks) - 1
            message = await self._bot.send_message(
                delivery.chat_id,
                chunks[index],
                parse_mode=ParseMode.HTML,
                reply_markup=rendered.keyboard if last else None,
                read_timeout=timeout,
                write_timeout=timeout,
                connect_timeout=timeout,
                rate_limit_args=bulk(delivery.chat_type, paid=self._settings.paid),
                allow_paid_broadcast=self._settings.paid or None,
            )
            await self._store.outbox.chunk_sent(
                delivery.id, message.message_id, self._clock(), last=last, paid=self._settings.paid
            )

    async def _hold(self, delivery: Delivery, seconds: float, error: str) -> None:
        """429: this chat waits as long as it was told, in every worker; the others carry on."""
        until = self._clock() + seconds
        await self._store.outbox.retry_at(delivery.id, until, error, counts=False)

    async def _chat_gone(self, delivery: Delivery, reason: str) -> None:
        logger.info("Chat %s no longer takes messages: %s", delivery.chat_id, reason)
        await self._store.outbox.finish(delivery.id, "failed", self._clock(), reason)
        await self._store.chats.deactivate(delivery.chat_id, reason)

    async def _retry_or_fail(self, delivery: Delivery, error: str) -> None:
        attempts = delivery.attempts  # this one included: the claim counted it
        if attempts >= self._settings.max_attempts:
            logger.warning(
                "Delivery %s failed after %d attempts: %s", delivery.id, attempts, error
            )
            await self._store.outbox.finish(delivery.id, "failed", self._clock(), error)
            return
        delay = min(self._settings.backoff_cap, self._settings.backoff_base * 2 ** (attempts - 1))
        jittered = delay * random.uniform(0.5, 1.0)  # noqa: S311 - jitter, not security
        await self._store.outbox.retry_at(delivery.id, self._clock() + jittered, error)


def _seconds(retry_after: int | timedelta) -> float:
    return (
        retry_after.total_seconds() if isinstance(retry_after, timedelta) else float(retry_after)
    )


def retry_after_seconds(error: RetryAfter) -> float:
    """How long a 429 asks to wait, without python-telegram-bot's int/timedelta warning."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return _seconds(error.retry_after)
