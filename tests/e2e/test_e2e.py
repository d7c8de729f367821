"""End to end: the real Application over HTTP against the fake Bot API server."""

from __future__ import annotations

from typing import Any

import pytest

from bot.app import MojazApp
from content.parser import parse_file
from handlers.presentation.texts import texts_for
from tests.support.fake_bot_api import BOT_USERNAME, Chat, FakeBotApi
from tests.support.harness import PRIVATE, READER, SEED, ask, button, plain

GROUP = Chat(-100777, "supergroup", "Newsroom")
ARTICLE = parse_file(SEED)
IRAN_SECTION = ARTICLE.sections[3]
AR, EN = texts_for("ar"), texts_for("en")

# Every test here talks to the running bot.
pytestmark = pytest.mark.usefixtures("bot")


async def test_start_offers_the_article_and_its_parts(api: FakeBotApi, bot: MojazApp) -> None:
    (reply,) = await ask(api, PRIVATE, "/start")
    assert ARTICLE.title in reply.text
    assert reply.params["parse_mode"] == "HTML"
    actions = {b["callback_data"].split(":")[0] for b in reply.buttons()}
    assert actions == {"sum", "secs", "tops"}
    assert bot.bot.username == BOT_USERNAME


async def test_summary_lists_every_bullet(api: FakeBotApi) -> None:
    (reply,) = await ask(api, PRIVATE, "/summary")
    lines = plain(reply.text).splitlines()
    assert lines[0] == ARTICLE.summary_title
    assert [line.removeprefix("• ") for line in lines if line.startswith("• ")] == list(
        ARTICLE.bullets
    )


async def test_iran_shows_its_paragraphs_under_their_heading_and_bullets(
    api: FakeBotApi,
) -> None:
    (reply,) = await ask(api, PRIVATE, "/iran")
    text = plain(reply.text)
    expected = IRAN_SECTION.paragraphs[:4]
    assert [p for p in _all_paragraphs() if p in text] == list(expected)
    assert text.index(IRAN_SECTION.heading) < text.index(expected[0])
    shown_bullets = [b for b in ARTICLE.bullets if f"• {b}" in text]
    assert shown_bullets == [ARTICLE.bullets[0], ARTICLE.bullets[4]]


async def test_china_spans_three_sections(api: FakeBotApi) -> None:
    (reply,) = await ask(api, PRIVATE, "/china")
    text = plain(reply.text)
    headings = [s.heading for s in ARTICLE.sections if s.heading in text]
    assert headings == ["النظام العالمي", "لاعبون رئيسيون", "إيران والصين"]
    shown_bullets = [n for n, b in enumerate(ARTICLE.bullets, 1) if f"• {b}" in text]
    assert shown_bullets == [1, 4, 6]


async def test_a_topic_the_article_does_not_name_says_so(api: FakeBotApi) -> None:
    (reply,) = await ask(api, PRIVATE, "/egypt")
    assert "مصر" in reply.text
    assert "/iran" in reply.text
    assert not any(p in plain(reply.text) for p in _all_paragraphs())


async def test_section_button_shows_the_section_in_place(api: FakeBotApi) -> None:
    (listing,) = await ask(api, PRIVATE, "/sections")
    labels = [b["text"] for b in listing.buttons()]
    assert labels == ["المقدمة", *(s.heading for s in ARTICLE.sections)]
    await api.press(READER, listing.result, button(listing, IRAN_SECTION.heading))
    (edit,) = await api.wait_for_calls("editMessageText", PRIVATE.id, 1)
    assert int(edit.params["message_id"]) == listing.result["message_id"]
    assert all(p in plain(edit.text) for p in IRAN_SECTION.paragraphs)
    await api.wait_for(lambda calls: any(c.method == "answerCallbackQuery" for c in calls))


async def test_stale_button_is_answered_without_raising(api: FakeBotApi) -> None:
    (listing,) = await ask(api, PRIVATE, "/sections")
    await api.press(READER, listing.result, "sec:999:1")
    calls = await api.wait_for(lambda c: any(x.method == "answerCallbackQuery" for x in c))
    (answer,) = [c for c in calls if c.method == "answerCallbackQuery"]
    assert "قديم" in answer.params["text"]
    assert not api.calls_to("editMessageText")


async def test_an_unknown_button_is_answered_too(api: FakeBotApi) -> None:
    (listing,) = await ask(api, PRIVATE, "/sections")
    await api.press(READER, listing.result, "from-an-old-version")
    calls = await api.wait_for(lambda c: any(x.method == "answerCallbackQuery" for x in c))
    (answer,) = [c for c in calls if c.method == "answerCallbackQuery"]
    assert answer.params["text"] == AR.say("STALE_BUTTON")


async def test_search_returns_matching_paragraphs_with_words_in_bold(
    api: FakeBotApi,
) -> None:
    (reply,) = await ask(api, PRIVATE, "/search العقوبات")
    assert "<b>العقوبات</b>" in reply.text
    assert "<b>عقوبات</b>" in reply.text  # the same word without its article
    assert "لاعبون رئيسيون" in reply.text


async def test_search_without_words_explains_itself(api: FakeBotApi) -> None:
    (reply,) = await ask(api, PRIVATE, "/search")
    assert "/search" in reply.text


async def test_unknown_command_points_to_help(api: FakeBotApi) -> None:
    (reply,) = await ask(api, PRIVATE, "/weather")
    assert "/help" in reply.text


async def test_help_lists_every_command(api: FakeBotApi) -> None:
    (reply,) = await ask(api, PRIVATE, "/help")
    for command in ("/start", "/summary", "/sections", "/topics", "/search", "/iran"):
        assert command in reply.text


async def test_group_answers_its_own_commands_and_ignores_other_bots(
    api: FakeBotApi,
) -> None:
    (summary,) = await ask(api, GROUP, f"/summary@{BOT_USERNAME}")
    assert ARTICLE.bullets[0] in plain(summary.text)
    await api.send_text(GROUP, READER, "/summary@OtherBot")
    await api.send_text(GROUP, READER, "/weather")  # may be another bot's command
    (unknown,) = await ask(api, GROUP, f"/weather@{BOT_USERNAME}")
    # Updates are handled in order: had either been answered, it would have come first.
    assert "/help" in unknown.text
    assert len(api.calls_to("sendMessage", GROUP.id)) == 2
    (china,) = await ask(api, GROUP, "/china")
    assert IRAN_SECTION.heading in plain(china.text)


async def test_a_failed_update_is_apologised_for_and_the_bot_goes_on(api: FakeBotApi) -> None:
    api.refuse_chats[PRIVATE.id] = (400, "Bad Request: message is too long")
    await api.send_text(PRIVATE, READER, "/summary")
    await api.wait_for_calls("sendMessage", PRIVATE.id, 2)  # the reply, then the apology
    del api.refuse_chats[PRIVATE.id]
    (reply,) = await ask(api, PRIVATE, "/summary")
    assert ARTICLE.bullets[-1] in plain(reply.text)


async def test_command_menus_for_each_language_and_audience(api: FakeBotApi) -> None:
    menus = {
        (call.params.get("language_code", ""), call.params["scope"]["type"]): call.params
        for call in api.calls_to("setMyCommands")
    }
    assert set(menus) == {
        (language, scope)
        for language in ("", "ar")
        for scope in ("default", "all_private_chats", "all_group_chats", "all_chat_administrators")
    }

    def names(language: str, scope: str) -> list[str]:
        return [command["command"] for command in menus[language, scope]["commands"]]

    private = names("ar", "all_private_chats")
    assert private[:6] == ["start", "summary", "sections", "topics", "topic", "search"]
    assert {"subscribe", "digest", "lang", "channels", "help"} <= set(private)
    assert "subscribe" not in names("ar", "all_group_chats")  # groups: administrators only
    assert {"subscribe", "digest"} <= set(names("", "all_chat_administrators"))
    assert "stats" not in private  # ADMIN_IDS only
    assert {"iran", "china", "russia"} <= set(private)
    assert "egypt" not in private  # not in the current article
    arabic = menus["ar", "all_private_chats"]["commands"][1]["description"]
    english = menus["", "all_private_chats"]["commands"][1]["description"]
    assert (arabic, english) == (AR.say("COMMAND_SUMMARY"), EN.say("COMMAND_SUMMARY"))
    descriptions = {c.params.get("language_code", "") for c in api.calls_to("setMyDescription")}
    assert descriptions == {"", "ar"}


def _all_paragraphs() -> list[str]:
    paragraphs: list[Any] = list(ARTICLE.lead)
    for section in ARTICLE.sections:
        paragraphs.extend(section.paragraphs)
    return paragraphs
