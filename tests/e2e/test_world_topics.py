"""End to end: topics for any country, territory or body, on an article the bot never shipped."""

from __future__ import annotations

import asyncio
import logging
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.app import MojazApp
from content.library import ingest_file
from content.parser import parse_file
from content.storage.sqlite.store import Store
from content.topics import MAX_TOPICS_FILE_BYTES, Lexicon, load_lexicon, parse_lexicon
from handlers.presentation import views
from handlers.presentation.texts import texts_for
from tests.quality.eval.tagging import FOLDER, HAND_LEXICON
from tests.support.fake_bot_api import Call, Chat, FakeBotApi, User
from tests.support.harness import (
    FAST_OUTBOX,
    bot_running,
    button,
    no_file_to_read,
    plain,
    settings_for,
)

READER = User(601, "Huda", language_code="en")
PRIVATE = Chat(READER.id)
SUDAN = FOLDER / "sudan-war.ar.txt"
ARTICLE = parse_file(SUDAN)
EN = texts_for("en")


@pytest.fixture
def world_seeds(tmp_path: Path) -> Path:
    """A seeds folder holding only an article on the war in Sudan."""
    folder = tmp_path / "world-seeds"
    folder.mkdir()
    shutil.copy(SUDAN, folder / SUDAN.name)
    return folder


@pytest.fixture
async def world_bot(api: FakeBotApi, tmp_path: Path, world_seeds: Path) -> AsyncIterator[MojazApp]:
    async with bot_running(settings_for(api, tmp_path, world_seeds)) as app:
        yield app


async def reply_to(api: FakeBotApi, text: str) -> Call:
    """Send ``text`` as an English-speaking reader and return the bot's one reply."""
    before = len(api.calls_to("sendMessage", PRIVATE.id))
    await api.send_text(PRIVATE, READER, text)
    calls = await api.wait_for_calls("sendMessage", PRIVATE.id, before + 1)
    return calls[before]


@pytest.mark.usefixtures("world_bot")
@pytest.mark.parametrize(
    ("command", "paragraph"),
    [
        ("/sudan", ARTICLE.sections[0].paragraphs[2]),  # أم درمان … الخرطوم
        ("/chad", ARTICLE.sections[0].paragraphs[1]),
        ("/libya", ARTICLE.sections[1].paragraphs[0]),
        ("/south_sudan", ARTICLE.sections[1].paragraphs[1]),
        ("/darfur", ARTICLE.sections[0].paragraphs[0]),
        ("/rsf", ARTICLE.lead[0]),
        ("/emirates", ARTICLE.sections[2].paragraphs[0]),  # an alias of /uae
        ("/wfp", ARTICLE.sections[2].paragraphs[1]),
    ],
)
async def test_a_topic_command_answers_for_any_place_the_article_names(
    api: FakeBotApi, command: str, paragraph: str
) -> None:
    assert paragraph in plain((await reply_to(api, command)).text)


@pytest.mark.usefixtures("world_bot")
async def test_south_sudan_is_not_also_sudan(api: FakeBotApi) -> None:
    text = plain((await reply_to(api, "/sudan")).text)
    assert ARTICLE.bullets[3] not in text  # "جنوب السودان يخشى …" names South Sudan only
    assert ARTICLE.bullets[3] in plain((await reply_to(api, "/south_sudan")).text)


@pytest.mark.usefixtures("world_bot")
async def test_a_topic_the_article_does_not_name_gets_the_ones_it_does(api: FakeBotApi) -> None:
    text = plain((await reply_to(api, "/lebanon")).text)
    assert "does not mention Lebanon" in text
    assert "/sudan" in text


@pytest.mark.usefixtures("world_bot")
@pytest.mark.parametrize("name", ["السودان", "south sudan", "Sudan", "الخرطوم", "/sudan"])
async def test_topic_by_name_in_either_language(api: FakeBotApi, name: str) -> None:
    reply = await reply_to(api, f"/topic {name}")
    wanted = "South Sudan" if "south" in name else "Sudan"
    assert plain(reply.text).startswith(f"{wanted} — ")


@pytest.mark.usefixtures("world_bot")
async def test_an_unknown_name_gets_the_closest_topics_of_the_article(api: FakeBotApi) -> None:
    text = plain((await reply_to(api, "/topic Sudaan")).text)
    assert "I do not know the topic «Sudaan»" in text
    assert "/sudan" in text.split("Closest in this article:")[1].split("·")[0]


@pytest.mark.usefixtures("world_bot")
async def test_a_name_no_lexicon_lists_answers_with_the_paragraphs_naming_it(
    api: FakeBotApi,
) -> None:
    """القوافل (the convoys) is no topic, but the article names it: its paragraph is the
    answer, under its heading, whatever clitics the article wrote it with (بالقوافل …)."""
    text = plain((await reply_to(api, "/topic القوافل")).text)
    assert text.startswith("\u2068القوافل\u2069 — ")  # the name, isolated as Arabic
    assert "الجوار يدفع الثمن" in text  # the heading it stands under
    assert "تتهم حكومة بورتسودان" in text
    assert "الفاشر" not in text  # no paragraph that does not name it


@pytest.mark.usefixtures("world_bot")
async def test_a_name_not_in_the_article_gets_topics_by_meaning_not_by_spelling(
    api: FakeBotApi,
) -> None:
    """Fuel runs across the border with Libya: search finds that paragraph, so its topics
    are suggested; nothing is offered because its name looks like a topic's."""
    reply = await reply_to(api, "/topic تهريب الوقود الليبي")
    text = plain(reply.text)
    assert "is not in this article. Search finds it near:" in text
    assert "/libya" in text


@pytest.mark.usefixtures("world_bot")
async def test_topic_without_a_name_explains_and_lists(api: FakeBotApi) -> None:
    reply = await reply_to(api, "/topic")
    assert "/topic south sudan" in plain(reply.text)
    assert any(b["text"] == "Sudan" for b in reply.buttons())


@pytest.mark.usefixtures("world_bot")
async def test_topics_put_the_main_subject_first_and_page_the_rest(
    api: FakeBotApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(views, "TOPICS_PER_PAGE", 8)  # the article names 12 topics
    listing = await reply_to(api, "/topics")
    labels = [b["text"] for b in listing.buttons()]
    assert labels[0] == "Sudan"  # the title's topic
    assert "Page 1 of 2" in plain(listing.text)
    assert len([b for b in listing.buttons() if b["callback_data"].startswith("top:")]) == 8
    edits = len(api.calls_to("editMessageText", PRIVATE.id))
    await api.press(READER, listing.result, button(listing, "Next"))
    (*_, page_two) = await api.wait_for_calls("editMessageText", PRIVATE.id, edits + 1)
    assert "Page 2 of 2" in plain(page_two.text)
    assert not set(labels) & {b["text"] for b in page_two.buttons() if "Previous" not in b["text"]}


@pytest.mark.usefixtures("world_bot")
async def test_a_briefing_offers_more_topics_behind_one_button(api: FakeBotApi) -> None:
    reply = await reply_to(api, "/sudan")
    topic_buttons = [b for b in reply.buttons() if b.get("callback_data", "").startswith("top:")]
    assert len(topic_buttons) == 6
    assert any("more topics" in b["text"] for b in reply.buttons())


@pytest.mark.usefixtures("world_bot")
@pytest.mark.parametrize("name", ["sudan", "السودان", "/uk", "britain"])
async def test_subscribe_by_any_name(api: FakeBotApi, name: str) -> None:
    text = plain((await reply_to(api, f"/subscribe {name}")).text)
    label = "United Kingdom" if name in ("/uk", "britain") else "Sudan"
    assert f"Subscribed to {label}" in text


@pytest.mark.usefixtures("world_bot")
async def test_an_unknown_subscription_suggests_close_names(api: FakeBotApi) -> None:
    text = plain((await reply_to(api, "/subscribe sudaan")).text)
    assert "Did you mean" in text
    assert "/sudan" in text


@pytest.mark.usefixtures("world_bot")
async def test_an_english_search_reaches_the_arabic_names(api: FakeBotApi) -> None:
    text = plain((await reply_to(api, "/search sudanese")).text)
    assert ARTICLE.sections[2].paragraphs[0][:40] in text  # الحكومة السودانية


@pytest.mark.usefixtures("world_bot")
async def test_the_menu_lists_the_articles_topics_main_subject_first(api: FakeBotApi) -> None:
    menus = [call for call in api.calls_to("setMyCommands") if "language_code" not in call.params]
    commands = [entry["command"] for entry in menus[0].params["commands"]]
    assert len(commands) <= 100
    assert commands.index("sudan") < commands.index("chad")


async def test_a_newsroom_topics_file_is_picked_up_while_the_bot_runs(
    api: FakeBotApi, tmp_path: Path, world_seeds: Path, caplog: pytest.LogCaptureFixture
) -> None:
    topics_file = tmp_path / "newsroom.toml"
    topics_file.write_text(
        '[[topic]]\ncommand = "fuel"\nlabel_ar = "الوقود"\nlabel_en = "Fuel"\nnames = ["الوقود"]\n'
    )
    settings = settings_for(api, tmp_path, world_seeds, topics_file=topics_file, **FAST_OUTBOX)
    async with bot_running(settings):
        fuel = ARTICLE.sections[1].paragraphs[0]  # ويعبر الوقود …
        assert fuel in plain((await reply_to(api, "/fuel")).text)
        topics_file.write_text(
            topics_file.read_text()
            + '[[topic]]\ncommand = "convoys"\nlabel_ar = "القوافل"\nlabel_en = "Convoys"\n'
            'names = ["القوافل"]\n'
        )
        await _until_answered(api, "/convoys", fuel)
        with caplog.at_level(logging.ERROR, logger="bot.sync.lexicon"):
            topics_file.write_text('\n[[topic]]\ncommand = "Bad Name"\n')
            await _until_logged(caplog, "newsroom.toml:2: command 'Bad Name'")
        assert fuel in plain((await reply_to(api, "/convoys")).text)  # still in force


def _not_a_topics_file(tmp_path: Path, kind: str) -> Path:
    """A TOPICS_FILE that is no topics file, or too large."""
    return no_file_to_read(tmp_path / f"{kind}.toml", kind, MAX_TOPICS_FILE_BYTES + 1)


@pytest.mark.parametrize("kind", ["fifo", "device", "huge", "folder", "binary"])
async def test_a_topics_file_that_is_no_file_is_refused_at_start_up(
    api: FakeBotApi,
    tmp_path: Path,
    world_seeds: Path,
    caplog: pytest.LogCaptureFixture,
    kind: str,
) -> None:
    topics_file = _not_a_topics_file(tmp_path, kind)
    settings = settings_for(api, tmp_path, world_seeds, topics_file=topics_file)
    with caplog.at_level(logging.ERROR, logger="bot.sync.lexicon"):
        async with asyncio.timeout(20), bot_running(settings):
            assert ARTICLE.lead[0] in plain((await reply_to(api, "/sudan")).text)
    (refusal,) = [r.getMessage() for r in caplog.records if "TOPICS_FILE" in r.getMessage()]
    assert str(topics_file) in refusal
    reasons = {"huge": "over the limit", "binary": "not UTF-8"}
    assert reasons.get(kind, "not a regular file") in refusal


@pytest.mark.parametrize("kind", ["fifo", "huge"])
async def test_a_topics_file_swapped_for_no_file_keeps_the_topics_in_force(
    api: FakeBotApi,
    tmp_path: Path,
    world_seeds: Path,
    caplog: pytest.LogCaptureFixture,
    kind: str,
) -> None:
    topics_file = tmp_path / "newsroom.toml"
    topics_file.write_text(
        '[[topic]]\ncommand = "fuel"\nlabel_ar = "الوقود"\nlabel_en = "Fuel"\nnames = ["الوقود"]\n'
    )
    settings = settings_for(api, tmp_path, world_seeds, topics_file=topics_file, **FAST_OUTBOX)
    fuel = ARTICLE.sections[1].paragraphs[0]
    # Bounded: a FIFO read on the event loop's thread would also stall the stop.
    async with asyncio.timeout(30), bot_running(settings):
        assert fuel in plain((await reply_to(api, "/fuel")).text)
        with caplog.at_level(logging.ERROR, logger="bot.sync.lexicon"):
            topics_file.unlink()
            _not_a_topics_file(tmp_path, kind).rename(topics_file)
            await _until_logged(caplog, "Rejected the new TOPICS_FILE")
        assert fuel in plain((await reply_to(api, "/fuel")).text)


async def _until_answered(api: FakeBotApi, command: str, expected: str) -> None:
    for _ in range(50):
        if expected in plain((await reply_to(api, command)).text):
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"{command} never answered with the new topic")


async def _until_logged(caplog: pytest.LogCaptureFixture, text: str) -> None:
    for _ in range(50):
        if any(text in record.getMessage() for record in caplog.records):
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"never logged {text!r}")


@pytest.mark.usefixtures("world_bot")
@pytest.mark.parametrize(
    ("query", "expected"),
    [("a1 sudan", "t:1:sudan"), ("a1 السودان", "t:1:sudan"), ("a1 britain", None)],
)
async def test_inline_mode_takes_any_topic_name(
    api: FakeBotApi, query: str, expected: str | None
) -> None:
    before = len(api.calls_to("answerInlineQuery"))
    await api.inline(READER, query)
    await api.wait_for(lambda _: len(api.calls_to("answerInlineQuery")) > before)
    results = api.calls_to("answerInlineQuery")[before].params["results"]
    ids = [result["id"] for result in results]
    if expected is None:  # a topic the article does not name offers no briefing of it
        assert not any(i.startswith("t:") for i in ids)
    else:
        assert ids[0] == expected


@pytest.mark.usefixtures("world_bot")
@pytest.mark.parametrize(("payload", "heading"), [("a1-t-chad", "Chad"), ("a1-t-emirates", "UAE")])
async def test_a_deep_link_opens_any_topic(api: FakeBotApi, payload: str, heading: str) -> None:
    reply = await reply_to(api, f"/start {payload}")
    assert plain(reply.text).startswith(f"{heading} — ")


def test_every_command_of_the_sixteen_topics_still_answers(lexicon: Lexicon) -> None:
    old = parse_lexicon(HAND_LEXICON.read_bytes(), "old")
    assert {spec.command for spec in old} <= lexicon.commands


async def test_an_article_stored_under_the_old_lexicon_is_retagged_at_start(
    api: FakeBotApi, tmp_path: Path
) -> None:
    database = tmp_path / "bot.sqlite3"
    async with await Store.open(database, load_lexicon(HAND_LEXICON)) as store:
        await ingest_file(store, SUDAN)  # the 16 topics know no Sudan
    empty = tmp_path / "no-seeds"
    empty.mkdir()
    async with bot_running(settings_for(api, tmp_path, empty)):
        await _until_answered(api, "/sudan", ARTICLE.sections[0].paragraphs[2])
