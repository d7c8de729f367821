"""The outbox worker: sends queued deliveries, within Telegram's limits, through its errors.

State lives in the store, so a crash loses nothing: at start-up the deliveries that were in
flight are queued again (they, and only they, may reach their chat twice).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import random
import time
import warnings
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
)
from telegram.ext import ExtBot

from bot.transport.bulk import BulkSender, Prepared, prepare
from bot.transport.ratelimit import FloodLimiter, bulk
from content.models import MAIN_THREAD, Delivery, DeliveryState, SentChunk
from content.ports import ArticleStore, OutboxStore
from handlers.plumbing.replies import thread_gone
from handlers.presentation.views import Rendered

logger = logging.getLogger(__name__)

Renderer = Callable[[Delivery], Awaitable[Rendered | None]]
# What a chat is told when one of its threads stops taking posts: (delivery, reason) → text.
PausedNote = Callable[[Delivery, str], str]


@dataclass(frozen=True, slots=True)
class DeliveryViews:
    """How the outbox words what it sends: each delivery, and a paused thread's note."""

    render: Renderer
    paused_note: PausedNote


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

    def __init__(  # noqa: PLR0913 - its collaborators, and a clock for tests
        self,
        store: ArticleStore,
        bot: ExtBot[dict[str, Any]],
        limiter: FloodLimiter,
        views: DeliveryViews,
        settings: OutboxSettings,
        *,
        clock: Callable[[], float] = time.time,
        sender: BulkSender | None = None,
    ) -> None:
        self._store = store
        self._views = views
        self._bot = bot
        self._limiter = limiter
        self._settings = settings
        self._clock = clock
        self._wake = asyncio.Event()
        self._slots = asyncio.Semaphore(settings.concurrency)
        self._tasks: set[asyncio.Task[None]] = set()
        self._claim_at_least = max(1, settings.concurrency // 2)
        self._outage = Outage()
        self._sent = SentLog(store.outbox, self._outage, size=max(1, settings.concurrency // 2))
        # A broadcast renders the same messages for thousands of chats: render them once, and
        # encode each message once for the lean path (None: python-telegram-bot's).
        self._rendered: dict[tuple[object, ...], Rendered | None] = {}
        self._prepared: dict[tuple[object, ...], Prepared] = {}
        self._sender = sender

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
                try:
                    await self._step(stop)
                except Exception as error:  # noqa: BLE001 - said in full unless an outage
                    # The store's trouble (locked, disk full, down) must not end the outbox:
                    # what is queued stays queued for the next try.
                    await self._trouble(error, "The outbox could not work the queue")
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(stop.wait(), self._settings.poll_interval)
        finally:
            if self._tasks:
                await asyncio.wait(self._tasks)
            await self._sent.close()

    async def _trouble(self, error: Exception, what: str) -> None:
        """An exception: the store's outage (said once), or a defect (logged in full)."""
        if await self._in_outage():
            self._outage.began(error)
        else:
            logger.exception("%s; trying again", what)

    async def _in_outage(self) -> bool:
        """Whether the store is down, or was until a moment ago (its last failures are the
        outage's too, though it answers a ping again)."""
        return self._outage.ongoing or not await self._store.ping()

    async def _step(self, stop: asyncio.Event) -> None:
        """Start what is due in the free slots, or wait until something may be."""
        if self._free_slots() < self._claim_at_least:
            await self._wait_for_wake(stop, self._settings.poll_interval)
        elif not await self._start_due():
            await self._sleep(stop)

    def _free_slots(self) -> int:
        return self._settings.concurrency - len(self._tasks)

    async def _start_due(self) -> int:
        """Claim what is due for the free slots, and start sending it; how many started.

        Claims are made only for free slots, so that a worker that dies holds no more than
        its slots: they go back to the queue when their lease runs out. The run loop waits
        for half the slots to be free, so that one claim asks the store for many messages.
        """
        outbox = self._store.outbox
        free = min(self._settings.batch, self._free_slots())
        claimed = await outbox.claim(self._clock(), free, self._settings.lease)
        self._outage.over()  # it answered
        started = 0
        for delivery in claimed:
            if await self._held_back(delivery):
                continue
            await self._slots.acquire()
            task = asyncio.create_task(self._deliver(delivery))
            self._tasks.add(task)
            task.add_done_callback(self._finished)
            started += 1
        return started

    async def _held_back(self, delivery: Delivery) -> bool:
        """Give the claim back, unsent, when its chat must wait for its limits."""
        # Whichever worker sent the chat's last pushes, its limits continue from them.
        chat, kind = delivery.chat_id, delivery.chat_type
        self._limiter.remember_sends(chat, kind, delivery.recent_sends)
        wait = self._limiter.chat_wait(chat, kind)
        if wait <= 0:
            return False
        await self._store.outbox.release(delivery.id, self._clock() + wait)
        return True

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
        await self._wait_for_wake(stop, max(0.005, min(moments) - now))

    async def _wait_for_wake(self, stop: asyncio.Event, seconds: float) -> None:
        """Wait for a wake-up (something queued, a send done), a stop, or ``seconds``."""
        self._wake.clear()
        waiters = [asyncio.create_task(self._wake.wait()), asyncio.create_task(stop.wait())]
        await asyncio.wait(waiters, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
        for waiter in waiters:
            waiter.cancel()

    async def _deliver(self, delivery: Delivery) -> None:
        """Send one delivery and record what became of it; never raises.

        When the store cannot take the outcome (an outage), the claim's lease gives the
        delivery back to the queue: it was not sent, or its record waits in the SentLog.
        """
        try:
            await self._attempt(delivery)
        except Exception as error:  # noqa: BLE001 - the outcome could not be recorded
            await self._trouble(error, f"Could not record delivery {delivery.id}")

    async def _attempt(self, delivery: Delivery) -> None:
        outbox = self._store.outbox
        try:
            rendered = await self._render_once(delivery)
            if rendered is None:
                await outbox.finish(
                    delivery.id, DeliveryState.SKIPPED, self._clock(), "article removed"
                )
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
            await self._refused(delivery, error)
        except (NetworkError, TelegramError) as error:
            await self._retry_or_fail(delivery, f"{type(error).__name__}: {error}")
        except Exception as error:
            if await self._in_outage():
                self._outage.began(error)  # rendering read the store: it comes back by lease
                return
            logger.exception("Delivery %s failed unexpectedly", delivery.id)
            await self._retry_or_fail(delivery, "internal error (see the log)")

    async def _refused(self, delivery: Delivery, error: BadRequest) -> None:
        """400: the chat is gone, or its thread is, or this message will never go."""
        reason = error.message.lower()
        if any(words in reason for words in _GONE):
            await self._chat_gone(delivery, f"400 {error}")
        elif delivery.thread_id != MAIN_THREAD and thread_gone(error):
            await self._thread_gone(delivery, f"400 {error}")
        else:
            await self._store.outbox.finish(
                delivery.id, DeliveryState.FAILED, self._clock(), f"400 {error}"
            )

    async def _thread_gone(self, delivery: Delivery, reason: str) -> None:
        """A closed or deleted topic: pause its thread alone, and tell the chat once, in its
        main thread, so the administrators know why it went quiet. The others go on."""
        chats = self._store.chats
        logger.info(
            "Thread %s of chat %s is paused: %s", delivery.thread_id, delivery.chat_id, reason
        )
        if await chats.pause(delivery.chat_id, delivery.thread_id, reason):
            await self._tell_paused(delivery, reason)  # once: paused already, it was told
        await self._store.outbox.finish(delivery.id, DeliveryState.FAILED, self._clock(), reason)

    async def _tell_paused(self, delivery: Delivery, reason: str) -> None:
        try:
            await self._bot.send_message(
                delivery.chat_id,
                self._views.paused_note(delivery, reason),
                rate_limit_args=bulk(delivery.chat_type, paid=False),
            )
        except TelegramError as error:
            logger.info("Could not tell chat %s its thread paused: %s", delivery.chat_id, error)

    async def _render_once(self, delivery: Delivery) -> Rendered | None:
        """The delivery's messages, rendered once for every delivery that says the same."""
        key = _render_key(delivery)
        if key not in self._rendered:
            if len(self._rendered) >= _RENDER_CACHE_SIZE:
                self._rendered.clear()
                self._prepared.clear()
            self._rendered[key] = await self._views.render(delivery)
        return self._rendered[key]

    async def _send(self, delivery: Delivery, rendered: Rendered) -> None:
        paid = self._settings.paid
        for index in range(delivery.chunks_sent, len(rendered.chunks)):
            last = index == len(rendered.chunks) - 1
            message_id = await self._send_chunk(delivery, rendered, index)
            sent = SentChunk(delivery.id, message_id, self._clock(), last, paid)
            await self._sent.record(sent)

    async def _send_chunk(self, delivery: Delivery, rendered: Rendered, index: int) -> int:
        """Send one message of ``rendered``, the keyboard under the last; its message id."""
        paid = self._settings.paid
        keyboard = rendered.keyboard if index == len(rendered.chunks) - 1 else None
        thread = delivery.thread_id or None
        if self._sender is not None:
            key = (*_render_key(delivery), index)
            prepared = self._prepared.get(key)
            if prepared is None:
                prepared = self._prepared[key] = prepare(rendered.chunks[index], keyboard, paid)
            return await self._sender.send(
                delivery.chat_id, thread, prepared, delivery.chat_type, paid
            )
        timeout = self._settings.request_timeout
        message = await self._bot.send_message(
            delivery.chat_id,
            rendered.chunks[index],
            message_thread_id=thread,
            reply_markup=keyboard,
            read_timeout=timeout,
            write_timeout=timeout,
            connect_timeout=timeout,
            rate_limit_args=bulk(delivery.chat_type, paid=paid),
            allow_paid_broadcast=paid or None,
        )
        return message.message_id

    async def _hold(self, delivery: Delivery, seconds: float, error: str) -> None:
        """429: this chat waits as long as it was told, in every worker; the others carry on."""
        until = self._clock() + seconds
        await self._store.outbox.retry_at(delivery.id, until, error, counts=False)

    async def _chat_gone(self, delivery: Delivery, reason: str) -> None:
        logger.info("Chat %s no longer takes messages: %s", delivery.chat_id, reason)
        await self._store.outbox.finish(delivery.id, DeliveryState.FAILED, self._clock(), reason)
        await self._store.chats.deactivate(delivery.chat_id, reason)

    async def _retry_or_fail(self, delivery: Delivery, error: str) -> None:
        attempts = delivery.attempts  # this one included: the claim counted it
        if attempts >= self._settings.max_attempts:
            logger.warning(
                "Delivery %s failed after %d attempts: %s", delivery.id, attempts, error
            )
            await self._store.outbox.finish(
                delivery.id, DeliveryState.FAILED, self._clock(), error
            )
            return
        delay = min(self._settings.backoff_cap, self._settings.backoff_base * 2 ** (attempts - 1))
        jittered = delay * random.uniform(0.5, 1.0)  # noqa: S311 - jitter, not security
        await self._store.outbox.retry_at(delivery.id, self._clock() + jittered, error)


class Outage:
    """The store not answering, said once when it begins and once when it is over."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._since: float | None = None

    def began(self, error: BaseException) -> None:
        """The store failed: the first failure of an outage is logged, the rest are not."""
        if self._since is None:
            self._since = self._clock()
            logger.error(
                "The store does not answer (%s: %s); sends in flight go on, and what they "
                "sent is recorded when it is back",
                type(error).__name__, error,
            )  # fmt: skip

    @property
    def ongoing(self) -> bool:
        """Whether the store has failed and not answered since."""
        return self._since is not None

    def over(self) -> None:
        """The store answered."""
        if self._since is not None:
            logger.warning("The store answers again after %.1f s", self._clock() - self._since)
            self._since = None


class SentLog:
    """Messages sent, written to the store a batch at a time rather than one by one.

    Each send waits until its record is written, so a slot is free, and a delivery done,
    only once the store knows. Records are committed as a group: with no write under way a
    record is written at once; those that arrive while one is under way wait for it and go
    together as the next, up to ``size`` in one. So a quiet outbox waits for no timer, and
    at broadcast rates one transaction records many sends, the batch growing with the rate.

    A message that reached Telegram was sent, whatever the store says: when the store cannot
    take a batch (an outage), its records are kept in memory, in order, and written as soon
    as it answers again, well before the claims' leases would give them to another send.
    """

    def __init__(
        self,
        outbox: OutboxStore,
        outage: Outage,
        size: int,
        retry: float = 0.5,
    ) -> None:
        self._outbox = outbox
        self._outage = outage
        self._size = size
        self._retry = retry
        self._pending: list[SentChunk] = []
        self._written: asyncio.Future[None] | None = None  # when the pending batch is
        self._writing: set[asyncio.Task[None]] = set()
        self._unrecorded: list[SentChunk] = []  # sent, not yet in the store: an outage
        self._catching_up: asyncio.Task[None] | None = None

    async def record(self, chunk: SentChunk) -> None:
        """Record ``chunk``; returns once it is in the store, or kept until the store is back."""
        if self._unrecorded:  # the store is down: after the others, in order
            self._keep([chunk])
            return
        if self._written is None:
            self._written = asyncio.get_running_loop().create_future()
        written = self._written
        self._pending.append(chunk)
        if not self._writing or len(self._pending) >= self._size:
            self._write_now()
        await asyncio.shield(written)

    async def close(self) -> None:
        """At stop: one last try at what waits for the store; what is left is said."""
        while self._writing:  # a write that ends starts the next group's
            await asyncio.gather(*self._writing)
            await asyncio.sleep(0)  # their done callbacks run, and may start one more
        if self._catching_up is not None:
            self._catching_up.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._catching_up
        if self._unrecorded and not await self._write_unrecorded():
            logger.error(
                "%d message(s) were sent but could not be recorded: they may be sent again",
                len(self._unrecorded),
            )

    def _write_now(self) -> None:
        batch, written = self._pending, self._written
        self._pending, self._written = [], None
        if written is None:
            return
        task = asyncio.create_task(self._write(batch, written))
        self._writing.add(task)
        task.add_done_callback(self._written_one)

    def _written_one(self, task: asyncio.Task[None]) -> None:
        """A write is over: what arrived during it goes now, as the next group."""
        self._writing.discard(task)
        if self._pending and not self._writing:
            self._write_now()

    async def _write(self, batch: list[SentChunk], written: asyncio.Future[None]) -> None:
        try:
            await self._outbox.chunks_sent(batch)
        except Exception as error:  # noqa: BLE001 - any store's failure: kept until it is back
            self._outage.began(error)
            self._keep(batch)
        written.set_result(None)

    def _keep(self, chunks: list[SentChunk]) -> None:
        """Keep ``chunks`` to record when the store is back, and make sure someone tries."""
        self._unrecorded.extend(chunks)
        if self._catching_up is None:
            self._catching_up = asyncio.create_task(self._catch_up())

    async def _catch_up(self) -> None:
        """Write what waits for the store, trying every ``retry`` seconds until it answers."""
        try:
            # Until all is written (more may come while a batch is), or the worker stops.
            for _ in itertools.count():
                if not self._unrecorded:
                    return
                if not await self._write_unrecorded():
                    await asyncio.sleep(self._retry)
        finally:
            self._catching_up = None

    async def _write_unrecorded(self) -> bool:
        batch = list(self._unrecorded)
        try:
            await self._outbox.chunks_sent(batch)
        except Exception:  # noqa: BLE001 - still down: the next try
            return False
        del self._unrecorded[: len(batch)]
        self._outage.over()
        logger.info("Recorded %d message(s) sent while the store was down", len(batch))
        return True


def _render_key(delivery: Delivery) -> tuple[object, ...]:
    """What a delivery's messages depend on: deliveries alike are rendered once."""
    return (
        delivery.kind,
        delivery.article_ids,
        delivery.topics,
        delivery.words,
        delivery.chat_type,
        delivery.language,
    )


def _seconds(retry_after: int | timedelta) -> float:
    return (
        retry_after.total_seconds() if isinstance(retry_after, timedelta) else float(retry_after)
    )


def retry_after_seconds(error: RetryAfter) -> float:
    """How long a 429 asks to wait, without python-telegram-bot's int/timedelta warning."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return _seconds(error.retry_after)
