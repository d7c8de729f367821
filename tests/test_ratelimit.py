"""The flood limiter, on a clock the test moves by hand."""

from __future__ import annotations

import asyncio
import itertools

import pytest

from bot.ratelimit import FloodLimiter, Limits


class ManualClock:
    """A clock that only moves when asyncio.sleep is called on it (patched below)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> ManualClock:
    """Sleeping in bot.ratelimit advances this clock instead of waiting."""
    manual = ManualClock()
    real_sleep = asyncio.sleep

    async def advance(seconds: float) -> None:
        manual.now += seconds
        await real_sleep(0)

    monkeypatch.setattr("bot.ratelimit.asyncio.sleep", advance)
    return manual


def in_any_window(times: list[float], seconds: float) -> int:
    """The most events that fall within any window of ``seconds``."""
    return max(sum(1 for t in times if start <= t < start + seconds) for start in times)


async def test_bulk_sends_keep_the_overall_rate_and_leave_a_reserve(clock: ManualClock) -> None:
    limiter = FloodLimiter(Limits(per_second=30, reserve=2), clock)
    times = []
    for chat in range(300):
        await limiter.acquire(chat, True, "private")
        times.append(clock.now)
    assert in_any_window(times, 1.0) == 28  # 30 less the reserve
    assert in_any_window(times, 5.0) <= 28 * 5  # and it holds over longer stretches


async def test_replies_may_use_the_reserve(clock: ManualClock) -> None:
    limiter = FloodLimiter(Limits(per_second=30, reserve=2), clock)
    for chat in range(28):
        await limiter.acquire(chat, True, "private")
    start = clock.now
    await limiter.acquire(5000, False)
    await limiter.acquire(5001, False)
    assert clock.now == start  # the reply did not wait
    await limiter.acquire(5002, False)
    assert clock.now > start  # the overall limit holds for replies too


async def test_one_chat_gets_one_bulk_message_a_second(clock: ManualClock) -> None:
    limiter = FloodLimiter(Limits(), clock)
    times = []
    for _ in range(5):
        await limiter.acquire(42, True, "private")
        times.append(clock.now)
    assert all(later - earlier >= 1.0 for earlier, later in itertools.pairwise(times))


async def test_a_group_gets_twenty_bulk_messages_a_minute(clock: ManualClock) -> None:
    limiter = FloodLimiter(Limits(per_chat_per_second=100), clock)
    times = []
    for _ in range(45):
        await limiter.acquire(-100, True, "supergroup")
        times.append(clock.now)
    assert in_any_window(times, 60.0) == 20
    assert limiter.chat_wait(-100, "supergroup") > 0
    assert limiter.chat_wait(-200, "supergroup") == 0


async def test_a_reply_is_not_held_by_the_chat_limits(clock: ManualClock) -> None:
    limiter = FloodLimiter(Limits(), clock)
    await limiter.acquire(7, True, "private")
    start = clock.now
    await limiter.acquire(7, False)
    await limiter.acquire(7, False)
    assert clock.now == start
