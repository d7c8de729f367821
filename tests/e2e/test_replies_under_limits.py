"""End to end: replies under Telegram's per-chat limit, repeated presses, half-sent replies."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

import bot.transport.ratelimit
from bot.app import MojazApp
from handlers.presentation.buttons import Action, encode
from handlers.presentation.texts import texts_for
from tests.support.fake_bot_api import Call, Chat, FakeBotApi, Fault, ServerLimits, User
from tests.support.harness import bot_running, plain, settings_for

READER = User(702, "Ines", language_code="en")
PRIVATE = Chat(READER.id)
EN = texts_for("en")
PARAGRAPHS = 60  # each about 700 characters: a /chile reply of several messages


def chile_article() -> str:
    """A long article about Chile, a country the shipped seeds never mention."""
    paragraph = (
        "وفي العاصمة التشيلية سانتياغو قال مسؤولون في تشيلي إن الفقرة رقم {n} من التقرير "
        + "تتناول مفاوضات النحاس والليثيوم مع الشركات الأجنبية وتأثيرها في الأسعار. " * 6
    )
    body = "\n".join(paragraph.format(n=n) for n in range(1, PARAGRAPHS + 1))
    return (
        "تستعد تشيلي لجولة جديدة من المفاوضات حول المعادن.\n"
        "مفاوضات المعادن\n"
        f"{body}\n"
        "خلاصة القول:\n"
        "تشيلي تفاوض على النحاس والليثيوم.\n"
    )


@pytest.fixture
async def chile_bot(api: FakeBotApi, tmp_path: Path) -> AsyncIterator[MojazApp]:
    """The bot serving one long article, behind a server that enforces the flood limits."""
    folder = tmp_path / "chile-seeds"
    folder.mkdir()
    (folder / "chile-minerals.ar.txt").write_text(chile_article(), encoding="utf-8")
    api.limits = ServerLimits(per_chat_per_second=3, retry_after=1)
    async with bot_running(settings_for(api, tmp_path, folder)) as app:
        yield app


async def ask(api: FakeBotApi, text: str) -> None:
    await api.send_text(PRIVATE, READER, text)


async def settled(api: FakeBotApi, chat_id: int, quiet: float = 1.5) -> list[Call]:
    """What reached ``chat_id`` once nothing more has arrived for ``quiet`` seconds."""
    seen = -1
    for _ in range(40):  # at most a minute
        delivered = api.delivered(chat_id)
        if len(delivered) == seen:
            return delivered
        seen = len(delivered)
        await asyncio.sleep(quiet)
    raise AssertionError("the bot kept sending")


async def start_card(api: FakeBotApi, app: MojazApp) -> tuple[Call, str]:
    """The reader's /start card, and the data of its Summary button."""
    await ask(api, "/start")
    (card,) = await api.wait_for_calls("sendMessage", PRIVATE.id, 1)
    article = await app.bot_data.store.current_article()
    assert article is not None
    return card, encode(Action.SUMMARY, article.id)


def apologies(api: FakeBotApi) -> list[Call]:
    """Every apology the bot tried to send, delivered or refused."""
    return [c for c in api.calls_to("sendMessage") if c.params.get("text") == EN.say("ERROR")]


@pytest.mark.usefixtures("chile_bot")
async def test_a_long_reply_finishes_every_part_under_the_per_chat_limit(
    api: FakeBotApi,
) -> None:
    await ask(api, "/chile")
    parts = await settled(api, PRIVATE.id)
    text = "".join(plain(part.text) for part in parts)
    assert len(parts) > 6  # more than twice the three a chat may get at once
    assert api.limit_violations > 0  # Telegram did refuse some, and they were sent again
    numbers = [n for n in range(1, PARAGRAPHS + 1) if f"الفقرة رقم {n} " in text]
    assert numbers == list(range(1, PARAGRAPHS + 1))  # every paragraph, in order
    assert text.index("الفقرة رقم 1 ") < text.index(f"الفقرة رقم {PARAGRAPHS} ")
    assert not apologies(api)
    assert not [p for p in parts if p.text.startswith("⚠️")]


@pytest.mark.usefixtures("chile_bot")
async def test_twenty_taps_on_summary_send_one_summary_and_answer_every_tap(
    api: FakeBotApi, chile_bot: MojazApp
) -> None:
    card, summary = await start_card(api, chile_bot)
    for _ in range(20):
        await api.press(READER, card.result, summary)
    await api.wait_for(lambda _: len(api.calls_to("answerCallbackQuery")) == 20, timeout=30)
    replies = (await settled(api, PRIVATE.id))[1:]
    assert len(replies) == 1
    assert "تشيلي تفاوض على النحاس والليثيوم" in plain(replies[0].text)
    assert not apologies(api)


@pytest.mark.usefixtures("chile_bot")
async def test_a_reply_that_cannot_be_finished_ends_with_a_note(api: FakeBotApi) -> None:
    api.faults[PRIVATE.id] = [Fault("pass"), Fault("pass"), Fault("error", 500)]
    await ask(api, "/chile")
    *sent, note = await settled(api, PRIVATE.id)
    assert len(sent) == 2
    await ask(api, "/chile")  # as the note says: asking again gives the whole reply
    whole = (await settled(api, PRIVATE.id))[len(sent) + 1 :]
    assert len(whole) > 3
    assert note.text == EN.say("REPLY_CUT_SHORT", sent=2, total=len(whole))
    assert [plain(p.text) for p in sent] == [plain(p.text) for p in whole[:2]]
    assert not apologies(api)


@pytest.mark.usefixtures("chile_bot")
async def test_a_long_reply_in_one_chat_does_not_hold_back_another(api: FakeBotApi) -> None:
    other = User(703, "Omar", language_code="en")
    await ask(api, "/chile")
    await api.wait_for_calls("sendMessage", PRIVATE.id, 1)
    await api.send_text(Chat(other.id), other, "/summary")
    (summary,) = await api.wait_for_calls("sendMessage", other.id, 1)
    parts = await settled(api, PRIVATE.id)
    assert summary.at < parts[-1].at  # answered while the long reply was still going out


@pytest.mark.usefixtures("chile_bot")
async def test_a_reply_refused_for_long_is_not_followed_by_an_apology(
    api: FakeBotApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        bot.transport.ratelimit, "REPLY_MAX_HOLD", 0.5
    )  # Telegram's 1 s is too long
    api.faults[PRIVATE.id] = [Fault("error", 429, "Too Many Requests", {"retry_after": 1})]
    await ask(api, "/summary")
    await api.wait_for(lambda _: bool(api.calls_to("sendMessage", PRIVATE.id)))
    await asyncio.sleep(1.5)  # the hold is over: an apology would have gone out by now
    assert len(api.calls_to("sendMessage", PRIVATE.id)) == 1
    assert not apologies(api)


@pytest.mark.usefixtures("chile_bot")
async def test_a_reader_who_blocked_the_bot_gets_no_apology_either(api: FakeBotApi) -> None:
    api.refuse_chats[PRIVATE.id] = (403, "Forbidden: bot was blocked by the user")
    await ask(api, "/summary")
    await api.wait_for(lambda _: bool(api.calls_to("sendMessage", PRIVATE.id)))
    await asyncio.sleep(0.5)  # time enough for an apology to be tried, were one coming
    assert len(api.calls_to("sendMessage", PRIVATE.id)) == 1


@pytest.mark.usefixtures("chile_bot")
async def test_a_press_whose_reply_fails_is_answered_once_and_apologised_for_in_the_chat(
    api: FakeBotApi, chile_bot: MojazApp
) -> None:
    """The press was answered before its reply failed: a second answer would be refused."""
    card, summary = await start_card(api, chile_bot)
    api.faults[PRIVATE.id] = [Fault("error", 400, "Bad Request: message thread not found")]
    await api.press(READER, card.result, summary)
    await api.wait_for(lambda _: len(apologies(api)) == 1)
    assert list(api.answered.values()) == [1]
