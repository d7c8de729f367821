"""Forged button data and inline offsets: every press is answered, nothing raises."""

from __future__ import annotations

import logging

import pytest

from tests.fake_bot_api import FakeBotApi
from tests.test_e2e import PRIVATE, READER, ask

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


@pytest.mark.parametrize("offset", ["²", "①", "٣", "-1", "1e9", "9" * 40, "50"])
async def test_a_forged_inline_offset_is_answered(
    api: FakeBotApi, offset: str, caplog: pytest.LogCaptureFixture
) -> None:
    before = len(api.calls_to("answerInlineQuery"))
    with caplog.at_level(logging.ERROR):
        await api.inline(READER, "إيران", offset)
        await api.wait_for(lambda _: len(api.calls_to("answerInlineQuery")) > before)
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []
