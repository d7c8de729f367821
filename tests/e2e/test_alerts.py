"""End to end: word alerts, /subscribe "word", through the fake Bot API server.

The articles are made up for these tests: oil off Guyana, lithium in Bolivia.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.app import MojazApp
from content.parser import parse_article
from handlers.presentation.texts import texts_for
from tests.support.articles import BOLIVIA_LITHIUM, GUYANA_OIL, article_text
from tests.support.fake_bot_api import Call, Chat, FakeBotApi, User
from tests.support.harness import FAST_OUTBOX, bot_running, plain, settings_for, settled_stats

EN = texts_for("en")
READER = User(801, "Sara", language_code="en")
PRIVATE = Chat(READER.id)
MAX_ALERTS = 3


@pytest.fixture
async def bot(api: FakeBotApi, tmp_path: Path, seeds_dir: Path) -> AsyncIterator[MojazApp]:
    """The bot, with a small limit of alerts a chat."""
    settings = settings_for(api, tmp_path, seeds_dir, max_alerts=MAX_ALERTS, **FAST_OUTBOX)
    async with bot_running(settings) as app:
        yield app


async def said(api: FakeBotApi, text: str) -> Call:
    """Send ``text`` and return the bot's next message."""
    before = len(api.calls_to("sendMessage", PRIVATE.id))
    await api.send_text(PRIVATE, READER, text)
    return (await api.wait_for_calls("sendMessage", PRIVATE.id, before + 1))[before]


class Newsroom:
    """Publishes articles to the running bot, and sees what reached the reader."""

    def __init__(self, app: MojazApp, api: FakeBotApi) -> None:
        self._app, self._api = app, api

    async def publish(self, name: str, headline: str, sentence: str) -> list[Call]:
        """A new article arrives; the pushes it brought the reader, once the outbox is done."""
        before = len(self._pushes())
        text = article_text(headline, sentence).encode()
        store = self._app.bot_data.store
        await store.ingest(parse_article(text, f"{name}.txt"), f"{name}.txt")
        self._app.bot_data.wake_outbox()
        await settled_stats(store)
        return self._pushes()[before:]

    def _pushes(self) -> list[Call]:
        new = EN.say("NEW_ARTICLE")
        return [c for c in self._api.delivered(PRIVATE.id) if new in c.text]


@pytest.fixture
def newsroom(api: FakeBotApi, bot: MojazApp) -> Newsroom:
    """Articles published while the bot runs."""
    return Newsroom(bot, api)


async def test_an_alert_brings_the_articles_with_its_word(
    newsroom: Newsroom, api: FakeBotApi
) -> None:
    added = await said(api, '/subscribe "النفط"')
    assert added.text == EN.say("ALERT_ADDED", phrase="النفط")
    (push,) = await newsroom.publish(*GUYANA_OIL)  # للنفط: the same word, with its clitics
    assert GUYANA_OIL[1] in push.text
    assert plain(EN.say("NEW_ARTICLE_ALERTS", words="«النفط»")) in plain(push.text)  # why
    assert await newsroom.publish(*BOLIVIA_LITHIUM) == []  # no oil in it


async def test_an_alert_matches_whole_words_only(newsroom: Newsroom, api: FakeBotApi) -> None:
    await said(api, "/subscribe «نفط»")
    sentence = "زار وفد من غيانا واحة نفطة في الجنوب التونسي."  # نفطة, Nefta: another word
    assert await newsroom.publish("guyana-lab", "وفد غيانا", sentence) == []
    assert len(await newsroom.publish(*GUYANA_OIL)) == 1  # للنفط: the word, with its clitics


async def test_alerts_are_listed_and_removed(newsroom: Newsroom, api: FakeBotApi) -> None:
    await said(api, '/subscribe "النفط"')
    await said(api, "/subscribe bolivia")
    listing = await said(api, "/subscriptions")
    labels = [b["text"] for b in listing.buttons()]
    assert labels == ["✖ Bolivia", "✖ 🔔 النفط"]
    alert_button = listing.buttons()[1]["callback_data"]
    assert alert_button.startswith("unalert:")
    await api.press(READER, listing.result, alert_button)
    (edit,) = await api.wait_for_calls("editMessageText", PRIVATE.id, 1)
    assert [b["text"] for b in edit.buttons()] == ["✖ Bolivia"]
    assert await newsroom.publish(*GUYANA_OIL) == []  # the alert is gone


async def test_an_alert_is_removed_by_its_word_in_any_form(
    newsroom: Newsroom, api: FakeBotApi
) -> None:
    await said(api, '/subscribe "نفط"')
    removed = await said(api, '/unsubscribe "النفط"')
    assert removed.text == EN.say("ALERT_REMOVED", phrase="نفط")
    assert (await said(api, '/unsubscribe "النفط"')).text == EN.say("NOT_SUBSCRIBED")
    await said(api, "/subscribe «غاز»")
    unquoted = await said(api, "/unsubscribe الغاز")  # not a topic: the alert's word will do
    assert unquoted.text == EN.say("ALERT_REMOVED", phrase="غاز")
    assert await newsroom.publish(*GUYANA_OIL) == []


@pytest.mark.usefixtures("bot")
async def test_a_chat_has_at_most_its_limit_of_alerts(api: FakeBotApi) -> None:
    for word in ("نفط", "غاز", "ذهب"):
        assert (await said(api, f'/subscribe "{word}"')).text.startswith("🔔")
    assert (await said(api, '/subscribe "فضة"')).text == EN.say("ALERTS_FULL", limit=MAX_ALERTS)
    assert (await said(api, '/subscribe "غاز"')).text == EN.say("ALERT_ALREADY", phrase="غاز")


@pytest.mark.parametrize(
    "argument", ['""', '" "', '"أ ب ج د هـ و"', '"' + "ن" * 80 + '"', '"t_iran"', '"!!!"']
)
@pytest.mark.usefixtures("bot")
async def test_a_phrase_that_cannot_be_an_alert_says_how(api: FakeBotApi, argument: str) -> None:
    assert (await said(api, f"/subscribe {argument}")).text == EN.say("ALERT_USAGE")
    assert (await said(api, "/subscriptions")).text == EN.say("SUBSCRIPTIONS_NONE")


@pytest.mark.usefixtures("bot")
async def test_an_unknown_topic_suggests_an_alert(api: FakeBotApi) -> None:
    answer = await said(api, "/subscribe lithium")
    assert EN.say("ALERT_HINT", phrase="lithium") in answer.text
    assert (await said(api, "/subscriptions")).text == EN.say("SUBSCRIPTIONS_NONE")


async def test_a_forged_press_removes_no_other_chats_alert(
    newsroom: Newsroom, api: FakeBotApi, bot: MojazApp
) -> None:
    other = User(802, "Omar", language_code="en")
    await api.send_text(Chat(other.id), other, '/subscribe "النفط"')
    await api.wait_for_calls("sendMessage", other.id, 1)
    (theirs,) = await bot.bot_data.store.chats.alerts(other.id)
    listing = await said(api, "/subscriptions")
    await api.press(READER, listing.result, f"unalert:{theirs.id}:")
    await api.wait_for_calls("editMessageText", PRIVATE.id, 1)
    assert await bot.bot_data.store.chats.alerts(other.id) == [theirs]
    pushed = await newsroom.publish(*GUYANA_OIL)
    assert pushed == []  # the reader has no alert; Omar's still works
    assert any("غيانا" in c.text for c in api.delivered(other.id))
