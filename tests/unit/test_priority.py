"""How updates take turns, and which presses count as repeats."""

from __future__ import annotations

import asyncio

from bot.serve.priority import RecentPresses, Turns

MESSAGE = (1, 10, 500)  # who pressed, in which chat, on which message


async def test_one_key_takes_turns_in_order_and_other_keys_go_side_by_side() -> None:
    turns = Turns()
    order: list[str] = []
    release = asyncio.Event()

    async def hold(key: tuple[str, int], name: str, wait: bool) -> None:
        async with turns.turn(key):
            order.append(f"{name} start")
            if wait:
                await release.wait()
            order.append(f"{name} end")

    first = asyncio.create_task(hold(("chat", 1), "a1", True))
    second = asyncio.create_task(hold(("chat", 1), "a2", False))
    other = asyncio.create_task(hold(("chat", 2), "b", False))
    await asyncio.wait_for(other, 1)
    assert order == ["a1 start", "b start", "b end"]  # b did not wait for chat 1
    release.set()
    await asyncio.wait_for(asyncio.gather(first, second), 1)
    assert order[3:] == ["a1 end", "a2 start", "a2 end"]
    assert len(turns) == 0  # nothing kept once nobody waits


def test_the_same_press_again_soon_is_a_repeat_and_later_is_not() -> None:
    now = [100.0]
    presses = RecentPresses(3.0, clock=lambda: now[0])
    press = (MESSAGE, "sum:7:")
    assert not presses.is_repeat(press)
    presses.handled(press)
    now[0] += 1
    assert presses.is_repeat(press)
    assert not presses.is_repeat(((2, 10, 500), "sum:7:"))  # someone else's press
    now[0] += 3
    assert not presses.is_repeat(press)


def test_paging_back_and_forth_is_not_a_repeat() -> None:
    presses = RecentPresses(3.0, clock=lambda: 100.0)
    for data in ("sec:7:1", "sec:7:0", "sec:7:1"):
        assert not presses.is_repeat((MESSAGE, data))
        presses.handled((MESSAGE, data))
