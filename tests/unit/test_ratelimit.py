"""The flood limiter, on a clock the test moves by hand."""

from __future__ import annotations

import asyncio
import itertools

import pytest

from bot.transport.ratelimit import FloodLimiter, Limits


class ManualClock:
    """A clock that only moves when asyncio.sleep is called on it (patched below)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> ManualClock:
    """Sleeping in bot.transport.ratelimit advances this clock instead of waiting."""
    manual = ManualClock()
    real_sleep = asyncio.sleep

    async def advance(seconds: float) -> None:
        manual.now += seconds
        await real_sleep(0)

    monkeypatch.setattr("bot.transport.ratelimit.asyncio.sleep", advance)
    return manual


async def send(limiter: FloodLimiter, chat: int, is_bulk: bool, kind: str = "private") -> None:
    """One send through the limiter that takes no time."""
    async with limiter.slot(chat, is_bulk, kind):
        pass


def in_any_window(times: list[float], seconds: float) -> int:
    """The most events that fall within any window of ``seconds``."""
    return max(sum(1 for t in times if start <= t < start + seconds) for start in times)


async def test_bulk_sends_keep_the_overall_rate_and_leave_a_reserve(clock: ManualClock) -> None:
    limiter = FloodLimiter(Limits(per_second=30, reserve=2), clock)
    times = []
    for chat in range(300):
        await send(limiter, chat, True)
        times.append(clock.now)
    assert in_any_window(times, 1.0) == 28  # 30 less the reserve
    assert in_any_window(times, 5.0) <= 28 * 5  # and it holds over longer stretches


async def test_a_worker_among_three_keeps_to_a_third_of_the_rate(clock: ManualClock) -> None:
    limiter = FloodLimiter(Limits(per_second=30, reserve=1), clock)
    limiter.share(3)
    bulk_times, reply_times = [], []
    for chat in range(90):
        await send(limiter, chat, True)
        bulk_times.append(clock.now)
        await send(limiter, -chat - 1, False, "supergroup")
        reply_times.append(clock.now)
    assert in_any_window(bulk_times, 1.0) <= 9  # its 10 a second, less the reserve
    assert in_any_window(sorted(bulk_times + reply_times), 1.0) == 10
    limiter.share(1)  # the others stopped: it has the whole rate again
    start = clock.now
    for chat in range(100, 160):
        await send(limiter, chat, True)
    assert clock.now - start < 2.5  # 60 at 29 a second, not at 9


async def test_replies_may_use_the_reserve(clock: ManualClock) -> None:
    limiter = FloodLimiter(Limits(per_second=30, reserve=2), clock)
    for chat in range(28):
        await send(limiter, chat, True)
    start = clock.now
    await send(limiter, 5000, False)
    await send(limiter, 5001, False)
    assert clock.now == start  # the reply did not wait
    await send(limiter, 5002, False)
    assert clock.now > start  # the overall limit holds for replies too


async def test_one_chat_gets_one_bulk_message_a_second(clock: ManualClock) -> None:
    limiter = FloodLimiter(Limits(), clock)
    times = []
    for _ in range(5):
        await send(limiter, 42, True)
        times.append(clock.now)
    assert all(later - earlier >= 1.0 for earlier, later in itertools.pairwise(times))


async def test_a_group_gets_twenty_bulk_messages_a_minute(clock: ManualClock) -> None:
    limiter = FloodLimiter(Limits(per_chat_per_second=100), clock)
    times = []
    for _ in range(45):
        await send(limiter, -100, True, "supergroup")
        times.append(clock.now)
    assert in_any_window(times, 60.0) == 20
    assert limiter.chat_wait(-100, "supergroup") > 0
    assert limiter.chat_wait(-200, "supergroup") == 0


async def test_sends_in_flight_hold_their_slot(clock: ManualClock) -> None:
    limiter = FloodLimiter(Limits(per_second=3, reserve=0), clock)
    clock.now += 2  # past the start-up second
    async with limiter.slot(1, True), limiter.slot(2, True), limiter.slot(3, True):
        waiting = asyncio.create_task(send(limiter, 4, True))
        await asyncio.sleep(0)
        assert not waiting.done()  # three in flight fill the second's budget
        clock.now += 5  # however long they take
    await waiting
    # The fourth went only once the first three were back: their answer dates them.
    assert clock.now >= 1000 + 2 + 5


async def test_a_reply_is_not_held_by_the_chat_limits(clock: ManualClock) -> None:
    limiter = FloodLimiter(Limits(), clock)
    await send(limiter, 7, True)
    start = clock.now
    await send(limiter, 7, False)
    await send(limiter, 7, False)
    assert clock.now == start


async def test_bulk_sends_are_spread_over_the_second_so_a_reply_never_waits_for_the_next(
    clock: ManualClock,
) -> None:
    limiter = FloodLimiter(Limits(per_second=30, reserve=1), clock)
    times = []
    for chat in range(120):
        await send(limiter, chat, True)
        times.append(clock.now)
    assert in_any_window(times, 1.0) <= 29
    assert in_any_window(times, 0.25) <= 9  # about a quarter of 29: no burst at a second's start
    for reader in range(-1, -9, -1):  # eight replies in the same second as the pushes
        asked = clock.now
        await send(limiter, reader, False, "supergroup")
        assert clock.now - asked <= 0.05  # the next slot to free, not the next second
        await send(limiter, 1000 - reader, True)
