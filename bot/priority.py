"""People before broadcasts: while an update is being handled, bulk sends hold back.

The flood limiter already gives replies the next free slot; this also gives them the event
loop and the database, which the outbox would otherwise keep busy during a broadcast.
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

from telegram.ext import BaseUpdateProcessor

from bot.ratelimit import FloodLimiter


class RepliesFirst(BaseUpdateProcessor):
    """Handles updates one at a time, in order, holding bulk sends back meanwhile."""

    def __init__(self, limiter: FloodLimiter) -> None:
        super().__init__(max_concurrent_updates=1)
        self._limiter = limiter

    async def do_process_update(
        self,
        update: object,  # noqa: ARG002 - BaseUpdateProcessor's signature
        coroutine: Awaitable[Any],
    ) -> None:
        """Handle one update with bulk sends held back."""
        with self._limiter.replying():
            await coroutine

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to tear down."""
