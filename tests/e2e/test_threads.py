"""End to end: forum topics and private-chat threads, through the fake Bot API server.

The articles are made up for these tests, about places the seeds never mention.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.app import MojazApp
from bot.deliver.digests import job_name
from content.models import ThreadInfo
from content.parser import parse_article
from handlers.presentation.texts import texts_for
from tests.support.articles import BOLIVIA_LITHIUM, GUYANA_OIL, article_text
from tests.support.fake_bot_api import Call, Chat, FakeBotApi, ServerLimits, User
from tests.support.harness import FAST_OUTBOX, bot_running, settings_for, settled_stats

AR = texts_for("ar")
EDITOR = User(700, "Editor")
MEMBER = User(701, "Member")
FORUM = Chat(-1007001, "supergroup", "Latin America desk", is_forum=True)
GUYANA_TOPIC, BOLIVIA_TOPIC = 31, 32
READER = User(702, "Reader")
PRIVATE = Chat(READER.id)


@pytest.fixture
async def bot(api: FakeBotApi, tmp_path: Path, seeds_dir: Path) -> AsyncIterator[MojazApp]:
    """The bot, with the desk's editor an administrator of the forum."""
    api.admins[FORUM.id] = {EDITOR.id}
    async with bot_running(settings_for(api, tmp_path, seeds_dir, **FAST_OUTBOX)) as app:
        yield app


async def said(
    api: FakeBotApi, chat: Chat, user: User, text: str, thread: int | None = None
) -> Call:
    """Send ``text`` (in forum topic ``thread``) and return the bot's next message there."""
    before = len(api.calls_to("sendMessage", chat.id))
    await api.send_text(chat, user, text, thread_id=thread)
    return (await api.wait_for_calls("sendMessage", chat.id, before + 1))[before]


async def answered(api: FakeBotApi, chat: Chat, text: str, times: int = 1) -> None:
    """Wait until the bot has sent ``text`` to ``chat`` ``times`` times."""
    await api.wait_for(
        lambda _: len([c for c in api.delivered(chat.id) if c.text == text]) >= times
    )


async def publish(app: MojazApp, name: str, headline: str, sentence: str) -> None:
    """A new article arrives, and the outbox has sent what it queued."""
    text = article_text(headline, sentence).encode()
    await app.bot_data.store.ingest(parse_article(text, f"{name}.txt"), f"{name}.txt")
    app.bot_data.wake_outbox()
    await settled_stats(app.bot_data.store)


def pushes(api: FakeBotApi, chat: Chat, words: str) -> list[Call]:
    """The new-article pushes to ``chat`` that carry ``words``."""
    return [
        c for c in api.delivered(chat.id) if AR.say("NEW_ARTICLE") in c.text and words in c.text
    ]


@pytest.mark.usefixtures("bot")
async def test_a_reply_goes_to_the_topic_it_was_asked_in(api: FakeBotApi) -> None:
    in_topic = await said(api, FORUM, MEMBER, "/summary", thread=GUYANA_TOPIC)
    assert in_topic.thread_id == GUYANA_TOPIC
    in_general = await said(api, FORUM, MEMBER, "/summary")
    assert in_general.thread_id is None
    sections = await said(api, FORUM, MEMBER, "/sections", thread=BOLIVIA_TOPIC)
    assert sections.thread_id == BOLIVIA_TOPIC


async def test_each_topic_gets_its_own_subscriptions_pushes_and_digest(
    api: FakeBotApi, bot: MojazApp
) -> None:
    subscribed = await said(api, FORUM, EDITOR, "/subscribe guyana", thread=GUYANA_TOPIC)
    assert subscribed.text == AR.say("SUBSCRIBED_TOPIC", label="غيانا")
    await said(api, FORUM, EDITOR, "/subscribe bolivia", thread=BOLIVIA_TOPIC)
    refused = await said(api, FORUM, MEMBER, "/subscribe bolivia", thread=GUYANA_TOPIC)
    assert (refused.text, refused.thread_id) == (AR.say("GROUP_ADMINS_ONLY"), GUYANA_TOPIC)
    listing = await said(api, FORUM, MEMBER, "/subscriptions", thread=GUYANA_TOPIC)
    assert [b["callback_data"] for b in listing.buttons()] == [f"unsub:{GUYANA_TOPIC}:guyana"]

    await publish(bot, *GUYANA_OIL)
    (push,) = pushes(api, FORUM, GUYANA_OIL[1])
    assert push.thread_id == GUYANA_TOPIC  # there, and nowhere else in the group
    await publish(bot, *BOLIVIA_LITHIUM)
    assert [c.thread_id for c in pushes(api, FORUM, BOLIVIA_LITHIUM[1])] == [BOLIVIA_TOPIC]

    set_digest = await said(api, FORUM, EDITOR, "/digest 07:15", thread=BOLIVIA_TOPIC)
    assert "07:15" in set_digest.text
    assert bot.job_queue is not None
    (job,) = bot.job_queue.get_jobs_by_name(job_name(FORUM.id, BOLIVIA_TOPIC))
    assert not bot.job_queue.get_jobs_by_name(job_name(FORUM.id))  # not the General topic's
    await publish(bot, "bolivia-2", "بوليفيا", "زار وفد من بوليفيا مدينة سوكري.")
    await job.run(bot)
    bot.bot_data.wake_outbox()
    await settled_stats(bot.bot_data.store)
    new = AR.say("NEW_ARTICLE")
    (digest,) = [c for c in api.delivered(FORUM.id) if "سوكري" in c.text and new not in c.text]
    assert digest.thread_id == BOLIVIA_TOPIC


async def test_a_closed_topic_is_paused_and_the_administrators_told(
    api: FakeBotApi, bot: MojazApp
) -> None:
    await said(api, FORUM, EDITOR, "/subscribe guyana", thread=GUYANA_TOPIC)
    await said(api, FORUM, EDITOR, "/subscribe", thread=BOLIVIA_TOPIC)
    api.closed_threads.add((FORUM.id, GUYANA_TOPIC))
    await publish(bot, *GUYANA_OIL)
    assert [c.thread_id for c in pushes(api, FORUM, GUYANA_OIL[1])] == [BOLIVIA_TOPIC]
    (note,) = [c for c in api.delivered(FORUM.id) if "⏸" in c.text]
    assert note.thread_id is None  # in the General topic, where the administrators see it
    assert "topic_closed" in note.text.lower()
    assert f'href="https://t.me/c/7001/{GUYANA_TOPIC}"' in note.text  # opens the topic

    tried = len(api.calls_to("sendMessage", FORUM.id))
    await publish(bot, "guyana-2", "غيانا", "وصل رئيس غيانا إلى جورجتاون.")
    attempts = api.calls_to("sendMessage", FORUM.id)[tried:]
    assert [c.thread_id for c in attempts] == [BOLIVIA_TOPIC]  # the paused topic is left be
    assert len([c for c in api.delivered(FORUM.id) if "⏸" in c.text]) == 1  # told once

    api.closed_threads.clear()
    await api.topic_event(FORUM, EDITOR, GUYANA_TOPIC, "forum_topic_reopened")
    resumed = await api.wait_for_calls("sendMessage", FORUM.id, len(attempts) + tried + 1)
    assert (resumed[-1].thread_id, resumed[-1].text) == (GUYANA_TOPIC, AR.say("THREAD_RESUMED"))
    await publish(bot, "guyana-3", "غيانا", "افتتحت غيانا ميناء جديدا.")
    assert GUYANA_TOPIC in [c.thread_id for c in pushes(api, FORUM, "ميناء")]


@pytest.mark.parametrize("gone", ["closed", "deleted"])
async def test_a_command_in_a_closed_topic_pauses_it_and_says_nothing_there(
    api: FakeBotApi, bot: MojazApp, caplog: pytest.LogCaptureFixture, gone: str
) -> None:
    await said(api, FORUM, EDITOR, "/subscribe guyana", thread=GUYANA_TOPIC)
    refused = api.closed_threads if gone == "closed" else api.deleted_threads
    refused.add((FORUM.id, GUYANA_TOPIC))  # closed without the bot seeing the service message
    tried = len(api.calls_to("sendMessage", FORUM.id))
    with caplog.at_level(logging.INFO):
        await api.send_text(FORUM, EDITOR, "/summary", thread_id=GUYANA_TOPIC)
        thread = await _until_paused(bot, FORUM.id, GUYANA_TOPIC)
    assert gone[:5] in thread.paused.lower() or "not found" in thread.paused.lower()
    await asyncio.sleep(0.2)  # an apology, were one sent, would be tried by now
    attempts = api.calls_to("sendMessage", FORUM.id)[tried:]
    assert [c.thread_id for c in attempts] == [GUYANA_TOPIC]  # the reply, refused; no more
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []
    assert not any(r.exc_info for r in caplog.records)


async def _until_paused(bot: MojazApp, chat_id: int, thread_id: int) -> ThreadInfo:
    for _ in range(100):
        thread = await bot.bot_data.store.chats.thread(chat_id, thread_id)
        if thread is not None and thread.paused:
            return thread
        await asyncio.sleep(0.05)
    raise AssertionError("the thread was not paused")


async def test_a_deleted_topic_pauses_only_itself(api: FakeBotApi, bot: MojazApp) -> None:
    await said(api, FORUM, EDITOR, "/subscribe guyana", thread=GUYANA_TOPIC)
    await said(api, FORUM, EDITOR, "/subscribe guyana", thread=BOLIVIA_TOPIC)
    await said(api, FORUM, EDITOR, "/subscribe guyana")
    api.deleted_threads.add((FORUM.id, GUYANA_TOPIC))
    await publish(bot, *GUYANA_OIL)
    delivered = sorted((c.thread_id or 0) for c in pushes(api, FORUM, GUYANA_OIL[1]))
    assert delivered == [0, BOLIVIA_TOPIC]
    thread = await bot.bot_data.store.chats.thread(FORUM.id, GUYANA_TOPIC)
    assert thread is not None
    assert "thread not found" in thread.paused


async def test_closing_a_topic_pauses_it_before_anything_is_sent(
    api: FakeBotApi, bot: MojazApp
) -> None:
    await said(api, FORUM, EDITOR, "/subscribe guyana", thread=GUYANA_TOPIC)
    await api.topic_event(FORUM, EDITOR, GUYANA_TOPIC, "forum_topic_closed")
    store = bot.bot_data.store
    for _ in range(100):
        thread = await store.chats.thread(FORUM.id, GUYANA_TOPIC)
        if thread is not None and thread.paused:
            break
        await asyncio.sleep(0.05)
    else:
        raise AssertionError("the closed topic was not paused")
    tried = len(api.calls_to("sendMessage", FORUM.id))
    await publish(bot, *GUYANA_OIL)
    assert api.calls_to("sendMessage", FORUM.id)[tried:] == []


async def test_the_group_limit_holds_across_its_topics(
    api: FakeBotApi, tmp_path: Path, seeds_dir: Path
) -> None:
    api.admins[FORUM.id] = {EDITOR.id}
    settings = settings_for(api, tmp_path, seeds_dir, rate_per_chat_per_second=1, **FAST_OUTBOX)
    async with bot_running(settings) as app:
        for thread in (GUYANA_TOPIC, BOLIVIA_TOPIC):
            await said(api, FORUM, EDITOR, "/subscribe guyana", thread=thread)
        # From here on, a second message to the group within a second is refused.
        api.limits = ServerLimits(per_chat_per_second=1)
        await publish(app, *GUYANA_OIL)
    assert len(pushes(api, FORUM, GUYANA_OIL[1])) == 2
    assert api.broken_limits == []  # one chat's pace, whichever topic a push is for


# --- threads in private chats -----------------------------------------------------------


async def test_threads_need_the_bot_to_have_topics(api: FakeBotApi, bot: MojazApp) -> None:
    await said(api, PRIVATE, READER, "/subscribe guyana")
    assert (await said(api, PRIVATE, READER, "/threads on")).text == AR.say("THREADS_UNAVAILABLE")
    await publish(bot, *GUYANA_OIL)
    (push,) = pushes(api, PRIVATE, GUYANA_OIL[1])
    assert push.thread_id is None  # as before: one stream
    assert api.calls_to("createForumTopic") == []


@pytest.fixture
async def threaded_bot(
    api: FakeBotApi, tmp_path: Path, seeds_dir: Path
) -> AsyncIterator[MojazApp]:
    """The bot, its owner having turned topics on for it in private chats."""
    api.topics_in_private = True
    async with bot_running(settings_for(api, tmp_path, seeds_dir, **FAST_OUTBOX)) as app:
        yield app


async def test_each_subscription_gets_a_thread_of_its_own(
    api: FakeBotApi, threaded_bot: MojazApp
) -> None:
    usage = await said(api, PRIVATE, READER, "/threads")
    assert usage.text == AR.say("THREADS_USAGE", state=AR.say("OFF"))
    await said(api, PRIVATE, READER, "/subscribe guyana")
    await api.send_text(PRIVATE, READER, "/threads on")  # the new thread's welcome, then this
    await answered(api, PRIVATE, AR.say("THREADS_ON", count=1))
    ((guyana, name),) = api.created_topics[PRIVATE.id].items()
    assert name == "غيانا"
    welcome = [c for c in api.delivered(PRIVATE.id) if c.thread_id == guyana]
    assert "غيانا" in welcome[0].text

    await said(api, PRIVATE, READER, "/subscribe bolivia")  # made at once, now threads are on
    bolivia = next(t for t, n in api.created_topics[PRIVATE.id].items() if n == "بوليفيا")
    await publish(threaded_bot, *GUYANA_OIL)
    await publish(threaded_bot, *BOLIVIA_LITHIUM)
    assert [c.thread_id for c in pushes(api, PRIVATE, GUYANA_OIL[1])] == [guyana]
    assert [c.thread_id for c in pushes(api, PRIVATE, BOLIVIA_LITHIUM[1])] == [bolivia]
    listing = await said(api, PRIVATE, READER, "/subscriptions")
    assert sorted(b["callback_data"] for b in listing.buttons()) == sorted(
        [f"unsub:{guyana}:guyana", f"unsub:{bolivia}:bolivia"]
    )

    turned_off = await said(api, PRIVATE, READER, "/threads off")
    assert turned_off.text == AR.say("THREADS_OFF", count=2)
    await publish(threaded_bot, "guyana-2", "غيانا", "وصل رئيس غيانا إلى جورجتاون.")
    (back,) = pushes(api, PRIVATE, "جورجتاون")
    assert back.thread_id is None


async def test_subscribing_again_when_no_thread_could_be_made_says_it_already_is(
    api: FakeBotApi, threaded_bot: MojazApp
) -> None:
    await said(api, PRIVATE, READER, "/threads on")
    api.topics_in_private = False  # createForumTopic is refused from now on
    first = await said(api, PRIVATE, READER, "/subscribe bolivia")
    assert first.text == AR.say("SUBSCRIBED_TOPIC", label="بوليفيا")
    again = await said(api, PRIVATE, READER, "/subscribe bolivia")
    assert again.text == AR.say("ALREADY_SUBSCRIBED")
    assert PRIVATE.id not in api.created_topics
    api.topics_in_private = True  # allowed again: the next try gives it its thread
    await api.send_text(PRIVATE, READER, "/subscribe bolivia")  # the welcome, then this
    await answered(api, PRIVATE, AR.say("ALREADY_SUBSCRIBED"), times=2)
    assert list(api.created_topics[PRIVATE.id].values()) == ["بوليفيا"]
    store = threaded_bot.bot_data.store
    ((thread, topic),) = await store.chats.subscribed_threads(PRIVATE.id)
    assert (thread in api.created_topics[PRIVATE.id], topic) == (True, "bolivia")


async def test_an_alert_set_in_a_private_thread_is_seen_and_removed_from_the_main_chat(
    api: FakeBotApi, threaded_bot: MojazApp
) -> None:
    await said(api, PRIVATE, READER, "/threads on")
    await api.send_text(PRIVATE, READER, "/subscribe guyana")  # its thread's welcome, then this
    await answered(api, PRIVATE, AR.say("SUBSCRIBED_TOPIC", label="غيانا"))
    (guyana,) = api.created_topics[PRIVATE.id]
    await said(api, PRIVATE, READER, '/subscribe "نفط"', thread=guyana)
    await said(api, PRIVATE, READER, "/unsubscribe guyana", thread=guyana)
    listing = await said(api, PRIVATE, READER, "/subscriptions")  # in the main chat
    assert [b["text"] for b in listing.buttons()] == ["✖ 🔔 نفط"]
    removed = await said(api, PRIVATE, READER, "/unsubscribe نفط")
    assert removed.text == AR.say("ALERT_REMOVED", phrase="نفط")
    await said(api, PRIVATE, READER, '/subscribe "نفط"', thread=guyana)
    everything = await said(api, PRIVATE, READER, "/unsubscribe")
    assert everything.text == AR.say("UNSUBSCRIBED_ALL", count=1)
    assert await threaded_bot.bot_data.store.chats.alerts(PRIVATE.id, thread_id=None) == []
    await publish(threaded_bot, *GUYANA_OIL)  # an article with the word: nothing is pushed
    assert pushes(api, PRIVATE, GUYANA_OIL[1]) == []


async def test_a_private_thread_the_reader_deleted_is_paused(
    api: FakeBotApi, threaded_bot: MojazApp
) -> None:
    await said(api, PRIVATE, READER, "/threads on")
    await said(api, PRIVATE, READER, "/subscribe guyana")
    (guyana,) = api.created_topics[PRIVATE.id]
    api.deleted_threads.add((PRIVATE.id, guyana))
    await publish(threaded_bot, *GUYANA_OIL)
    assert pushes(api, PRIVATE, GUYANA_OIL[1]) == []
    (note,) = [c for c in api.delivered(PRIVATE.id) if "⏸" in c.text]
    assert note.thread_id is None
    await api.send_text(PRIVATE, READER, "/subscribe guyana")  # its thread is gone: a new one
    await answered(api, PRIVATE, AR.say("SUBSCRIBED_TOPIC", label="غيانا"), times=2)
    assert len(api.created_topics[PRIVATE.id]) == 2
    again = await said(api, PRIVATE, READER, "/subscribe guyana")  # its new thread is live
    assert again.text == AR.say("ALREADY_SUBSCRIBED")
    assert len(api.created_topics[PRIVATE.id]) == 2
    listing = await said(api, PRIVATE, READER, "/subscriptions")
    assert [b["text"] for b in listing.buttons()] == ["✖ غيانا"]
    removed = await said(api, PRIVATE, READER, "/unsubscribe guyana")  # wherever it is
    assert removed.text == AR.say("UNSUBSCRIBED_TOPIC", label="غيانا")
    await api.send_text(PRIVATE, READER, "/subscribe bolivia")  # a thread, then the reply
    await answered(api, PRIVATE, AR.say("SUBSCRIBED_TOPIC", label="بوليفيا"))
    await said(api, PRIVATE, READER, "/subscribe")
    everything = await said(api, PRIVATE, READER, "/unsubscribe")  # every thread's
    assert everything.text == AR.say("UNSUBSCRIBED_ALL", count=2)
    assert await threaded_bot.bot_data.store.chats.subscribed_threads(PRIVATE.id) == []
