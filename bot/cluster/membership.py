"""This process among the bot's workers: it counts them, keeps to its share of the rate,
and runs the scheduled jobs only while it leads.

Telegram counts every message of the bot together, whichever process sent it, so each of
N workers keeps to 1/N of the overall limit. Workers count each other by heartbeat in the
store. A worker that joins waits until the others have seen it and their last second at the
larger share is over; a worker that dies is counted until its heartbeats are ``ttl`` old, so
for a moment the others send at less than they could, never at more.

After an outage of the store every heartbeat may have aged out, so the first worker to beat
again would count itself alone. A larger share is therefore taken only once the store has
answered for long enough (``ttl`` and a settling second) for every live worker to have been
counted again; a smaller one at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import socket
import time
from collections.abc import Callable, Coroutine
from typing import Any

from bot.transport.ratelimit import FloodLimiter
from content.ports import WorkerStore
from handlers.plumbing.context import Context

logger = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 1.0
# Three missed heartbeats and a worker is taken for gone.
ALIVE_SECONDS = 3.5
# How long a joining worker waits past one heartbeat: the others' last second at their old
# share must be over before it sends.
_SETTLE_SECONDS = 1.2


def worker_name() -> str:
    """A name no other worker has: the host, the process, and a few random bytes."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


class Membership:
    """Heartbeats for this worker, and its share of the rate from how many there are."""

    def __init__(
        self,
        workers: WorkerStore,
        limiter: FloodLimiter,
        interval: float = HEARTBEAT_SECONDS,
        ttl: float = ALIVE_SECONDS,
        on_count: Callable[[int], None] = lambda _count: None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.name = worker_name()
        self._workers = workers
        self._limiter = limiter
        self._interval = interval
        self._ttl = ttl
        self._on_count = on_count
        self._clock = clock
        self.count = 1
        # Since when every heartbeat has been recorded: None before the first, and after one
        # that failed (an outage), when the others may not be counted yet.
        self._answered_since: float | None = None

    async def join(self) -> None:
        """Count this worker in; when others are there, wait until they make room for it."""
        if await self._beat() > 1:
            logger.info("Joining %d other worker(s) as %s", self.count - 1, self.name)
            await asyncio.sleep(self._interval + _SETTLE_SECONDS)

    async def run(self, stop: asyncio.Event) -> None:
        """Beat until ``stop`` is set; a store that does not answer keeps the last share."""
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self._interval)
            if stop.is_set():
                return
            try:
                await self._beat()
            except Exception as error:  # noqa: BLE001 - any store's failure; the next beat retries
                if self._answered_since is not None:  # said once an outage, not once a beat
                    logger.warning(
                        "Heartbeat failed, keeping a share of 1/%d until the store answers: %s",
                        self.count, error,
                    )  # fmt: skip
                self._answered_since = None

    async def leave(self) -> None:
        """Count this worker out, so the others take its share at once."""
        try:
            await self._workers.leave(self.name)
        except Exception as error:  # noqa: BLE001 - stopping anyway; its heartbeats age out
            logger.warning("Could not leave the workers' count: %s", error)

    async def _beat(self) -> int:
        counted = await self._workers.heartbeat(self.name, self._ttl)
        now = self._clock()
        if self._answered_since is None:
            self._answered_since = now
        settled = now - self._answered_since >= self._ttl + _SETTLE_SECONDS
        # Fewer workers than before means a larger share: only once all could be counted.
        count = counted if counted >= self.count or settled else self.count
        if count != self.count:
            logger.info("%d worker(s) share the bot now", count)
        self.count = count
        self._limiter.share(count)
        self._on_count(count)
        return count


JobCallback = Callable[[Context], Coroutine[Any, Any, None]]


def when_leading(workers: WorkerStore, job: JobCallback) -> JobCallback:
    """``job``, run only by the worker that leads: scheduled work is done once, not by each."""

    async def run_if_leading(context: Context) -> None:
        try:
            leading = await workers.leads()
        except Exception:  # noqa: BLE001 - the store is down: the heartbeat says so, once
            return  # no one can be sure to lead; the next run asks again
        if leading:
            await job(context)

    return run_if_leading
