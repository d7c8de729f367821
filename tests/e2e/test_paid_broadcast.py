"""PAID_BROADCAST: pushes go with allow_paid_broadcast under their own limit; replies never."""

from __future__ import annotations

from pathlib import Path

from content.topics import Lexicon
from tests.support.articles import write_article
from tests.support.fake_bot_api import Call, Chat, FakeBotApi, ServerLimits, User
from tests.support.harness import (
    FAST_OUTBOX,
    bot_running,
    settings_for,
    settled_stats,
    subscribers_before_start,
)

FREE_RATE = 20
PAID_RATE = 80
READERS = list(range(7001, 7161))
EDITOR = User(99, "Editor", language_code="en")
NEWS = ("reykjavik-vote", "انتخابات آيسلندا", "صوّت الناخبون في ريكيافيك على برلمان جديد.")


def busiest_second(calls: list[Call]) -> int:
    """The most of ``calls`` that the server took within any one second."""
    times = sorted(call.at for call in calls)
    return max(sum(1 for t in times if start <= t < start + 1) for start in times)


def paid(call: Call) -> bool:
    return str(call.params.get("allow_paid_broadcast", "")).lower() == "true"


async def test_pushes_pay_to_go_faster_and_replies_never_pay(
    api: FakeBotApi, tmp_path: Path, seeds_dir: Path, lexicon: Lexicon
) -> None:
    settings = settings_for(
        api,
        tmp_path,
        seeds_dir,
        **FAST_OUTBOX,
        paid_broadcast=True,
        rate_per_second=FREE_RATE,
        rate_paid_per_second=PAID_RATE,
        outbox_concurrency=16,
        admin_ids=str(EDITOR.id),
    )
    api.limits = ServerLimits(per_second=FREE_RATE, paid_per_second=PAID_RATE)
    await subscribers_before_start(settings, lexicon, [(chat, "private") for chat in READERS])
    async with bot_running(settings) as app:
        write_article(seeds_dir, *NEWS)
        await api.wait_for(lambda _: api.served_chats() >= len(READERS), timeout=30)
        await settled_stats(app.bot_data.store)  # the last sends are recorded
        await api.send_text(Chat(EDITOR.id), EDITOR, "/stats")
        (stats,) = await api.wait_for_calls("sendMessage", EDITOR.id, 1)
    pushes = [call for call in api.delivered() if call.chat_id in READERS]
    assert len(pushes) == len(READERS)
    assert all(paid(push) for push in pushes)
    assert not paid(stats)  # a reply: free
    assert api.limit_violations == 0
    assert FREE_RATE < busiest_second(pushes) <= PAID_RATE  # past the free limit, within paid
    assert f"Paid broadcast messages (allow_paid_broadcast): {len(READERS)}" in stats.text


async def test_without_paid_broadcast_pushes_keep_to_the_free_limit(
    api: FakeBotApi, tmp_path: Path, seeds_dir: Path, lexicon: Lexicon
) -> None:
    readers = READERS[:60]
    settings = settings_for(
        api, tmp_path, seeds_dir, **FAST_OUTBOX, rate_per_second=FREE_RATE, outbox_concurrency=16
    )
    api.limits = ServerLimits(per_second=FREE_RATE, paid_per_second=PAID_RATE)
    await subscribers_before_start(settings, lexicon, [(chat, "private") for chat in readers])
    async with bot_running(settings):
        write_article(seeds_dir, *NEWS)
        await api.wait_for(lambda _: api.served_chats() >= len(readers), timeout=30)
    pushes = api.delivered()
    assert not any(paid(push) for push in pushes)
    assert busiest_second(pushes) <= FREE_RATE
    assert api.limit_violations == 0
