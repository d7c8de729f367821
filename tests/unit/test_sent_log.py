"""What a send recorded while the store is down: kept, in order, and written when it is back."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence

from bot.deliver.worker import Outage, SentLog
from content.models import SentChunk


class FlakyOutbox:
    """An outbox whose chunks_sent fails while ``down``, and is slow when ``slow``."""

    def __init__(self) -> None:
        self.down = False
        self.slow = 0.0
        self.recorded: list[int] = []

    async def chunks_sent(self, sent: Sequence[SentChunk]) -> None:
        await asyncio.sleep(self.slow)
        if self.down:
            raise ConnectionResetError("the database went away")
        self.recorded += [chunk.delivery_id for chunk in sent]


def chunk(delivery_id: int) -> SentChunk:
    return SentChunk(delivery_id, message_id=delivery_id, at=0.0, last=True)


async def until(condition: Callable[[], bool], seconds: float = 5.0) -> None:
    for _ in range(int(seconds / 0.01)):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("never happened")


async def test_records_made_in_an_outage_are_written_in_order_when_it_ends() -> None:
    outbox = FlakyOutbox()
    log = SentLog(outbox, Outage(), size=1, retry=0.02)  # type: ignore[arg-type]
    await log.record(chunk(1))
    outbox.down = True
    for delivery in (2, 3, 4):
        await log.record(chunk(delivery))  # returns: the message was sent all the same
    await asyncio.sleep(0.1)
    assert outbox.recorded == [1]
    outbox.down, outbox.slow = False, 0.05
    await log.record(chunk(5))  # while the store is back but the first write is under way
    await until(lambda: outbox.recorded == [1, 2, 3, 4, 5])
    outbox.slow = 0.0
    await log.record(chunk(6))  # and afterwards, straight to the store again
    assert outbox.recorded == [1, 2, 3, 4, 5, 6]
    await log.close()


async def test_a_record_arriving_while_the_backlog_is_written_is_not_left_behind() -> None:
    outbox = FlakyOutbox()
    log = SentLog(outbox, Outage(), size=1, retry=0.02)  # type: ignore[arg-type]
    outbox.down = True
    await log.record(chunk(1))
    outbox.down, outbox.slow = False, 0.1
    await asyncio.sleep(0.05)  # the catch-up's write is in flight
    await log.record(chunk(2))  # joins the backlog behind it
    await until(lambda: outbox.recorded == [1, 2])
    await log.close()


class GatedOutbox:
    """An outbox whose writes wait for the test to let each one through."""

    def __init__(self) -> None:
        self.batches: list[list[int]] = []
        self.gate = asyncio.Event()

    async def chunks_sent(self, sent: Sequence[SentChunk]) -> None:
        await self.gate.wait()
        self.batches.append([chunk.delivery_id for chunk in sent])


async def test_records_are_committed_as_a_group_while_a_write_is_under_way() -> None:
    """The first record is written at once; those that arrive during its write go together
    next, at most ``size`` in one; a quiet log waits for no timer."""
    outbox = GatedOutbox()
    log = SentLog(outbox, Outage(), size=3)  # type: ignore[arg-type]
    first = asyncio.create_task(log.record(chunk(1)))
    await asyncio.sleep(0)
    others = [asyncio.create_task(log.record(chunk(n))) for n in range(2, 7)]
    await asyncio.sleep(0)
    outbox.gate.set()
    await asyncio.wait_for(asyncio.gather(first, *others), 5)
    await log.close()
    assert sorted(outbox.batches) == [[1], [2, 3, 4], [5, 6]]
