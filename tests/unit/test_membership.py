"""A worker's share of the rate: smaller at once, larger only once every worker is counted."""

from __future__ import annotations

import asyncio

from bot.cluster.membership import Membership
from bot.transport.ratelimit import FloodLimiter, Limits


class FlakyWorkers:
    """A WorkerStore whose heartbeats give the counts they are told, or fail."""

    def __init__(self) -> None:
        self.answers: list[int | Exception] = []

    async def heartbeat(self, worker: str, ttl: float) -> int:  # noqa: ARG002 - the Protocol's
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    async def leave(self, worker: str) -> None:
        """Nothing to give up."""

    async def leads(self) -> bool:
        return False

    async def first_sight(self, update_id: int, window: float) -> bool:  # noqa: ARG002
        return True


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


async def beats(membership: Membership, clock: Clock, seconds: list[float]) -> None:
    """Run the heartbeat loop for one beat at each of ``seconds``."""
    stop = asyncio.Event()
    for at in seconds:
        clock.now = at
        task = asyncio.create_task(membership.run(stop))
        await asyncio.sleep(0.02)  # one interval (0.01 s) passes: one beat
        stop.set()
        await task
        stop.clear()


async def test_after_an_outage_the_share_grows_only_once_every_worker_could_beat() -> None:
    workers, clock = FlakyWorkers(), Clock()
    limiter = FloodLimiter(Limits(per_second=30))
    membership = Membership(workers, limiter, interval=0.01, ttl=3.5, clock=clock)
    workers.answers = [2]
    await membership._beat()  # joined: two workers share the bot
    assert limiter.capacity() == 15
    outage = ConnectionError("the database went away")
    workers.answers = [outage, outage, 1, 1, 2, 2]
    # Back after the outage, only this worker's heartbeat is fresh: it would count itself alone.
    await beats(membership, clock, [10.0, 11.0, 12.0, 13.0])
    assert limiter.capacity() == 15  # not 30: the other worker has not been counted again
    await beats(membership, clock, [14.0, 15.0])
    assert limiter.capacity() == 15
    assert workers.answers == []


async def test_a_worker_gone_for_good_leaves_its_share_once_settled() -> None:
    workers, clock = FlakyWorkers(), Clock()
    limiter = FloodLimiter(Limits(per_second=30))
    membership = Membership(workers, limiter, interval=0.01, ttl=3.5, clock=clock)
    workers.answers = [2, 1, 1, 3]
    await membership._beat()
    await beats(membership, clock, [1.0, 5.0])  # the other stopped beating: after the ttl
    assert limiter.capacity() == 30
    await beats(membership, clock, [6.0])  # a third joins: the share shrinks at once
    assert limiter.capacity() == 10
