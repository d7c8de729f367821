"""Forged button data and inline offsets: every press is answered, nothing raises."""

from __future__ import annotations

import logging
import time

import pytest

from bot.app import MojazApp
from content.parser import parse_article
from tests.e2e.test_e2e import AR
from tests.support.fake_bot_api import FakeBotApi
from tests.support.harness import PRIVATE, READER, ask, button

pytestmark = pytest.mark.usefixtures("bot")

FORGED = [
    "sum:9999999999999999999:",  # past 64 bits: OverflowError in SQLite before
    "sum:-9999999999999999999:",
    "sec:1:²",
    "sec:1:①",
    "sec:1:٣",
    "sec:1:99999999999999999999",
    "tops:1:99999",
    "tops:1:²",
    "top:1:nosuchtopic",
    "unsub:abc:",
    "unsub:9999999999999999999:iran",
    "unsub:-5:iran",  # a negative thread
    "unsub:9223372036854775807:iran",  # the largest 64-bit id: no thread has it
    "lang:0:xx",
    "chpost:9999999999999999999:",
    "bcast:1:",
    "sum::",
    "",
    "\x00\xff",
]


@pytest.mark.parametrize("data", FORGED)
async def test_a_forged_press_is_answered_and_raises_nothing(
    api: FakeBotApi, data: str, caplog: pytest.LogCaptureFixture
) -> None:
    (listing,) = await ask(api, PRIVATE, "/sections")
    before = len(api.calls_to("answerCallbackQuery"))
    with caplog.at_level(logging.ERROR):
        await api.press(READER, listing.result, data)
        await api.wait_for(lambda _: len(api.calls_to("answerCallbackQuery")) > before)
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []


@pytest.mark.parametrize("thread", [2**63, 2**63 - 1, 2**31, -5])
async def test_a_forged_thread_id_is_read_as_none_and_never_stored(
    api: FakeBotApi, bot: MojazApp, thread: int, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR):
        await api.send_text(PRIVATE, READER, "/subscribe iran", thread_id=thread)
        (answer,) = await api.wait_for_calls("sendMessage", PRIVATE.id, 1)
    assert "message_thread_id" not in answer.params
    assert AR.say("ERROR") not in answer.text
    chats = bot.bot_data.store.chats
    assert await chats.subscribed_threads(PRIVATE.id) == [(0, "iran")]
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []


@pytest.mark.parametrize("offset", ["²", "①", "٣", "-1", "1e9", "9" * 40, "50"])
async def test_a_forged_inline_offset_is_answered(
    api: FakeBotApi, offset: str, caplog: pytest.LogCaptureFixture
) -> None:
    before = len(api.calls_to("answerInlineQuery"))
    with caplog.at_level(logging.ERROR):
        await api.inline(READER, "إيران", offset)
        await api.wait_for(lambda _: len(api.calls_to("answerInlineQuery")) > before)
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []


async def test_thousands_of_sections_are_paged(api: FakeBotApi, bot: MojazApp) -> None:
    lines = ["مقال طويل جدا", "مقدمة المقال الطويل."]
    for number in range(2500):
        lines += [f"القسم {number}", f"فقرة القسم {number}."]
    lines += ["الخلاصة:", "- مقال طويل."]
    article = parse_article("\n".join(lines).encode(), "long.txt")
    await bot.bot_data.store.ingest(article, "long.txt", time.time() + 60)  # the newest
    (listing,) = await ask(api, PRIVATE, "/sections")
    buttons = listing.buttons()
    assert len(buttons) <= 12
    assert AR.say("LIST_PAGE", page=1, pages=251) in listing.text  # lead + 2 500: ten a page
    edits = len(api.calls_to("editMessageText", PRIVATE.id))
    await api.press(READER, listing.result, button(listing, "التالي"))
    (*_, second) = await api.wait_for_calls("editMessageText", PRIVATE.id, edits + 1)
    assert AR.say("LIST_PAGE", page=2, pages=251) in second.text
    assert {b["text"] for b in second.buttons()} >= {"القسم 9", "القسم 18"}
