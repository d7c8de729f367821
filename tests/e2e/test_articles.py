"""Several articles: /articles switches what a chat reads; topics point to other articles."""

from __future__ import annotations

import re
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.app import MojazApp
from content.parser import parse_article, parse_file
from tests.support.articles import article_text
from tests.support.fake_bot_api import Call, Chat, FakeBotApi, User
from tests.support.harness import ROOT, bot_running, settings_for

READER = User(321)
CHAT = Chat(READER.id)
EGYPT = ROOT / "seeds" / "2024-03-egypt-imf-loan.ar.txt"


@pytest.fixture
async def bot(api: FakeBotApi, tmp_path: Path, seeds_dir: Path) -> AsyncIterator[MojazApp]:
    """The bot with the BRICS seed and the Egypt article (older by its file name)."""
    shutil.copy(EGYPT, seeds_dir / EGYPT.name)
    async with bot_running(settings_for(api, tmp_path, seeds_dir)) as app:
        yield app


async def ask(api: FakeBotApi, text: str) -> Call:
    before = len(api.calls_to("sendMessage", CHAT.id))
    await api.send_text(CHAT, READER, text)
    return (await api.wait_for_calls("sendMessage", CHAT.id, before + 1))[before]


async def press(api: FakeBotApi, call: Call, data: str, edits: int) -> Call:
    await api.press(READER, call.result, data)
    return (await api.wait_for_calls("editMessageText", CHAT.id, edits))[-1]


@pytest.mark.usefixtures("bot")
async def test_choosing_an_article_changes_what_the_chat_reads(api: FakeBotApi) -> None:
    egypt = parse_file(EGYPT)
    listing = await ask(api, "/articles")
    titles = [b["text"] for b in listing.buttons()]
    assert titles == ["قمة بوتين", egypt.title]  # newest first
    assert egypt.bullets[0] not in (await ask(api, "/summary")).text

    chosen = await press(api, listing, listing.buttons()[1]["callback_data"], 1)
    assert egypt.title in chosen.text
    assert egypt.bullets[0] in (await ask(api, "/summary")).text

    usa = await ask(api, "/usa")  # the Egypt article names the United States once …
    assert "الولايات المتحدة" in usa.text
    earlier = [b for b in usa.buttons() if b["text"].startswith("📰")]
    assert [b["text"] for b in earlier] == ["📰 قمة بوتين"]  # … and so does the BRICS one
    brics_usa = await press(api, usa, earlier[0]["callback_data"], 2)
    assert "قمة بوتين" in brics_usa.text
    assert "للولايات المتحدة" in brics_usa.text


@pytest.mark.usefixtures("bot")
async def test_another_chat_still_reads_the_newest(api: FakeBotApi) -> None:
    listing = await ask(api, "/articles")
    await press(api, listing, listing.buttons()[1]["callback_data"], 1)
    other = User(654)
    await api.send_text(Chat(other.id), other, "/summary")
    (reply,) = await api.wait_for_calls("sendMessage", other.id, 1)
    assert "قمة بوتين" in reply.text


@pytest.mark.usefixtures("bot")
async def test_a_deep_link_opens_a_topic_and_share_makes_such_links(api: FakeBotApi) -> None:
    shared = await ask(api, "/share")
    links = re.findall(r"https://t\.me/\w+\?start=([\w-]+)", shared.text)
    assert links[:2] == ["a2", "a2-sum"]  # the BRICS seed is article 2, the newest
    assert "a2-t-iran" in links
    assert all(len(payload) <= 64 for payload in links)

    iran = await ask(api, "/start a2-t-iran")
    assert "إيران والصين" in iran.text
    section = await ask(api, "/start a1-s2")  # the Egypt article's second section
    assert "دعم الخليج" in section.text
    assert egypt_title() in (await ask(api, "/start a1")).text
    assert parse_file(EGYPT).bullets[0] in (await ask(api, "/summary")).text  # now reading it


@pytest.mark.usefixtures("bot")
@pytest.mark.parametrize("payload", ["a999", "a2-s99", "a2-t-atlantis", "nonsense", "x" * 80])
async def test_an_unknown_deep_link_falls_back_to_start(api: FakeBotApi, payload: str) -> None:
    reply = await ask(api, f"/start {payload}")
    assert reply.text.startswith("<i>")  # the notice …
    assert "قمة بوتين" in reply.text  # … then the usual start, with the current article


def egypt_title() -> str:
    return parse_file(EGYPT).title


async def answers(api: FakeBotApi, user: User, query: str, offset: str = "") -> Call:
    before = len(api.calls_to("answerInlineQuery"))
    await api.inline(user, query, offset)
    await api.wait_for(lambda _: len(api.calls_to("answerInlineQuery")) > before)
    return api.calls_to("answerInlineQuery")[before]


async def test_inline_mode_offers_briefings_and_pages_them(api: FakeBotApi, bot: MojazApp) -> None:
    for number in range(30):  # sixty paragraphs that speak of talks: more than a page
        text = article_text(f"خبر رقم {number}", "تتواصل المحادثات بين الوفود.")
        await bot.bot_data.store.ingest(
            parse_article(text.encode(), f"talks-{number}.txt"), "x", 1.0
        )
    empty = await answers(api, READER, "")
    ids = [result["id"] for result in empty.params["results"]]
    assert ids[0] == "m:2"  # the newest article's summary first, then its topics
    assert "t:2:iran" in ids
    assert int(empty.params["cache_time"]) > 0
    content = empty.params["results"][0]["input_message_content"]
    assert content["parse_mode"] == "HTML"
    assert "قمة بوتين" in content["message_text"]  # the post stands on its own

    iran = await answers(api, READER, "a2 iran")
    assert iran.params["results"][0]["id"] == "t:2:iran"
    section = await answers(api, READER, "a1 s2")
    assert [r["id"] for r in section.params["results"]] == ["s:1:2"]

    words = await answers(api, READER, "المحادثات")
    first_page = words.params["results"]
    assert len(first_page) == 50
    assert words.params["next_offset"] == "50"
    second = await answers(api, READER, "المحادثات", offset="50")
    assert len(second.params["results"]) == 10
    assert second.params.get("next_offset", "") == ""  # the last page: no offset to ask for
    assert {r["id"] for r in second.params["results"]}.isdisjoint(r["id"] for r in first_page)


@pytest.mark.usefixtures("bot")
@pytest.mark.parametrize(
    "query",
    ["", " ", "x" * 4096, "!!!؟؟؟", "<b>&amp;</b>", "\u200f\u202bإيران", "🇮🇷🔥", "a999 iran"],
)
async def test_no_query_breaks_inline_mode_or_search(api: FakeBotApi, query: str) -> None:
    answered = await answers(api, READER, query)
    assert isinstance(answered.params["results"], list)
    reply = await ask(api, f"/search {query}")
    assert reply.text  # an answer, never silence


@pytest.mark.usefixtures("bot")
async def test_briefing_replies_carry_a_share_button(api: FakeBotApi) -> None:
    for command, query in (("/summary", "a2"), ("/iran", "a2 iran")):
        reply = await ask(api, command)
        shares = [b for b in reply.buttons() if "switch_inline_query" in b]
        assert [b["switch_inline_query"] for b in shares] == [query]


@pytest.mark.usefixtures("bot")
@pytest.mark.parametrize(
    ("question", "answer"),
    [
        ("قناة السويس", "إيرادات قناة السويس"),
        ("sanctions", "العقوبات"),
        ("الإيرانية", "طهران"),
        ("drones", "الطائرات دون طيار"),
    ],
)
async def test_plain_text_in_private_is_answered_as_a_search(
    api: FakeBotApi, question: str, answer: str
) -> None:
    reply = await ask(api, question)
    assert answer in re.sub(r"<[^>]+>", "", reply.text)
    assert "<b>" in reply.text  # the matched words stand out


@pytest.mark.usefixtures("bot")
async def test_plain_text_in_a_group_is_not_a_question(api: FakeBotApi) -> None:
    group = Chat(-9090, "supergroup", "Chatter")
    await api.send_text(group, READER, "العقوبات")
    (reply,) = [await ask_in(api, group, "/summary")]
    assert len(api.calls_to("sendMessage", group.id)) == 1  # only the /summary was answered
    assert reply.text


async def ask_in(api: FakeBotApi, chat: Chat, text: str) -> Call:
    before = len(api.calls_to("sendMessage", chat.id))
    await api.send_text(chat, READER, text)
    return (await api.wait_for_calls("sendMessage", chat.id, before + 1))[before]
