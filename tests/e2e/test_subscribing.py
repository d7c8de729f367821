"""Subscriptions, digests, groups, channels and administration, end to end."""

from __future__ import annotations

import asyncio
import functools
import os
import threading
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

import content.library
import content.parser
import handlers.capabilities.admin
from bot.app import MojazApp
from bot.deliver.digests import job_name
from bot.serve.priority import REPEAT_PRESS_SECONDS
from content.parser import parse_file
from content.storage.sqlite.store import Store
from content.topics import Lexicon
from handlers.presentation.texts import texts_for
from tests.support.articles import IRAN_NEWS, article_text, write_article
from tests.support.fake_bot_api import BOT_USER, Call, Chat, FakeBotApi, User
from tests.support.harness import FAST_OUTBOX, SEED, bot_running, settings_for

AR = texts_for("ar")  # the test users' Telegram is in Arabic

ADMIN = User(900, "Admin")
READER = User(901, "Reader")
GROUP = Chat(-4001, "supergroup", "Newsroom")
CHANNEL = Chat(-1005001, "channel", "Mojaz Channel")

pytestmark = pytest.mark.usefixtures("bot")


@pytest.fixture
async def bot(api: FakeBotApi, tmp_path: Path, seeds_dir: Path) -> AsyncIterator[MojazApp]:
    """The bot with an administrator and a quick outbox and seeds scan."""
    settings = settings_for(api, tmp_path, seeds_dir, admin_ids=str(ADMIN.id), **FAST_OUTBOX)
    async with bot_running(settings) as app:
        yield app


async def say(api: FakeBotApi, chat: Chat, user: User, text: str) -> Call:
    """Send ``text`` and return the bot's next message to that chat."""
    before = len(api.calls_to("sendMessage", chat.id))
    await api.send_text(chat, user, text)
    calls = await api.wait_for_calls("sendMessage", chat.id, before + 1)
    return calls[before]


async def test_subscribe_then_a_new_article_arrives(api: FakeBotApi, seeds_dir: Path) -> None:
    me = Chat(READER.id)
    assert (await say(api, me, READER, "/subscribe iran")).text == AR.say(
        "SUBSCRIBED_TOPIC", label="إيران"
    )
    assert "من قبل" in (await say(api, me, READER, "/subscribe إيران")).text
    assert "أعرف" in (await say(api, me, READER, "/subscribe atlantis")).text
    listing = await say(api, me, READER, "/subscriptions")
    assert [b["callback_data"] for b in listing.buttons()] == ["unsub:0:iran"]

    write_article(seeds_dir, *IRAN_NEWS)
    pushed = await say(api, me, READER, "/help")  # the push may come before or after
    await api.wait_for(
        lambda _: any(AR.say("NEW_ARTICLE") in c.text for c in api.delivered(me.id))
    )
    (news,) = [c for c in api.delivered(me.id) if AR.say("NEW_ARTICLE") in c.text]
    assert IRAN_NEWS[1] in news.text
    assert "إيران" in news.text  # the topic that matched is named
    assert pushed.text


async def test_the_unsubscribe_button_removes_a_subscription(api: FakeBotApi) -> None:
    me = Chat(READER.id)
    await say(api, me, READER, "/subscribe")
    await say(api, me, READER, "/subscribe china")
    listing = await say(api, me, READER, "/subscriptions")
    await api.press(READER, listing.result, "unsub:0:china")
    (edit,) = await api.wait_for_calls("editMessageText", me.id, 1)
    assert [b["callback_data"] for b in edit.buttons()] == ["unsub:0:"]
    assert "1" in (await say(api, me, READER, "/unsubscribe")).text
    assert (await say(api, me, READER, "/subscriptions")).text == AR.say("SUBSCRIPTIONS_NONE")


async def test_only_group_administrators_change_group_settings(
    api: FakeBotApi, bot: MojazApp
) -> None:
    api.admins[GROUP.id] = {ADMIN.id}
    assert (await say(api, GROUP, READER, "/subscribe")).text == AR.say("GROUP_ADMINS_ONLY")
    assert (await say(api, GROUP, READER, "/digest 08:00")).text == AR.say("GROUP_ADMINS_ONLY")
    assert (await say(api, GROUP, ADMIN, "/subscribe")).text == AR.say("SUBSCRIBED_ALL")
    assert "08:00" in (await say(api, GROUP, ADMIN, "/digest 8:00")).text
    assert [c for c in api.calls if c.method == "getChatMember"]
    assert bot.job_queue is not None
    assert len(bot.job_queue.get_jobs_by_name(job_name(GROUP.id))) == 1
    await say(api, GROUP, ADMIN, "/digest 09:30")  # rescheduled, not doubled
    jobs = [j for j in bot.job_queue.get_jobs_by_name(job_name(GROUP.id)) if not j.removed]
    assert len(jobs) == 1


async def test_digest_and_timezone_arguments_are_checked(api: FakeBotApi, bot: MojazApp) -> None:
    me = Chat(READER.id)
    assert (await say(api, me, READER, "/digest 25:00")).text == AR.say("DIGEST_USAGE")
    assert (await say(api, me, READER, "/digest")).text == AR.say("DIGEST_USAGE")
    assert "Mars/Olympus" in (await say(api, me, READER, "/timezone Mars/Olympus")).text
    assert "Asia/Riyadh" in (await say(api, me, READER, "/timezone Asia/Riyadh")).text
    assert "Asia/Riyadh" in (await say(api, me, READER, "/digest ٠٧:٣٠")).text
    assert bot.job_queue is not None
    (job,) = bot.job_queue.get_jobs_by_name(job_name(me.id))
    assert job.next_t is not None
    riyadh = job.next_t.astimezone(ZoneInfo("Asia/Riyadh"))
    assert (riyadh.hour, riyadh.minute) == (7, 30)
    assert (await say(api, me, READER, "/digest off")).text == AR.say("DIGEST_OFF")


async def test_a_group_that_becomes_a_supergroup_keeps_its_subscription(api: FakeBotApi) -> None:
    old = Chat(-7001, "group", "Small group")
    new_id = -1007001
    api.admins[old.id] = {ADMIN.id}
    await say(api, old, ADMIN, "/subscribe iran")
    migration = {
        "message_id": 1,
        "date": 0,
        "chat": old.as_json(),
        "from": ADMIN.as_json(),
        "migrate_to_chat_id": new_id,
    }
    await api._push({"message": migration})
    api.admins[new_id] = {ADMIN.id}
    listing = await say(api, Chat(new_id, "supergroup", "Small group"), ADMIN, "/subscriptions")
    assert [b["callback_data"] for b in listing.buttons()] == ["unsub:0:iran"]


async def test_adding_the_bot_to_a_channel_registers_it_and_tells_the_owner(
    api: FakeBotApi, bot: MojazApp
) -> None:
    await api.change_membership(CHANNEL, ADMIN, "administrator", can_post=True)
    settings, *preview = await api.wait_for_calls("sendMessage", ADMIN.id, 3)
    assert "Mojaz Channel" in settings.text
    assert AR.say("CHANNEL_PREVIEW") in preview[0].text
    assert "قمة بوتين" in preview[1].text

    api.admins[CHANNEL.id] = {ADMIN.id}
    await api.send_text(Chat(ADMIN.id), ADMIN, "/channels")
    calls = await api.wait_for_calls("sendMessage", ADMIN.id, 5)
    listing = calls[-1]
    digest_button = [b for b in listing.buttons() if b["callback_data"].startswith("chdig:")]
    await api.press(ADMIN, listing.result, digest_button[0]["callback_data"])
    (edit,) = await api.wait_for_calls("editMessageText", ADMIN.id, 1)
    assert "08:00" in edit.text

    await api.press(READER, listing.result, digest_button[0]["callback_data"])  # not an admin
    refused = await api.wait_for(
        lambda c: any(x.params.get("text") == AR.say("CHANNEL_ADMINS_ONLY") for x in c)
    )
    assert refused

    await api.change_membership(CHANNEL, ADMIN, "administrator", can_post=False)
    paused = (await api.wait_for_calls("sendMessage", ADMIN.id, 6))[-1]
    assert AR.say("CHANNEL_REASON_NO_RIGHTS") in paused.text
    chat = await bot.bot_data.store.chats.get(CHANNEL.id)
    assert chat is not None
    assert not chat.active


async def test_help_offers_to_add_the_bot_to_a_channel(api: FakeBotApi) -> None:
    reply = await say(api, Chat(READER.id), READER, "/help")
    link = f"https://t.me/{BOT_USER['username']}?startchannel&amp;admin=post_messages"
    assert f'<a href="{link}">' in reply.text


async def test_admin_commands_exist_for_administrators_only(api: FakeBotApi) -> None:
    assert "/help" in (await say(api, Chat(READER.id), READER, "/stats")).text
    assert "/help" in (await say(api, Chat(READER.id), READER, "/broadcast")).text
    stats = await say(api, Chat(ADMIN.id), ADMIN, "/stats")
    assert AR.say("STATS_TITLE") in stats.text
    scoped = [
        c for c in api.calls_to("setMyCommands") if c.params["scope"].get("chat_id") == ADMIN.id
    ]
    assert len(scoped) == 2  # the admin's menu in each language
    assert all("stats" in [cmd["command"] for cmd in c.params["commands"]] for c in scoped)


async def test_broadcast_previews_then_queues_on_confirmation(api: FakeBotApi) -> None:
    await say(api, Chat(READER.id), READER, "/subscribe")
    await api.send_text(Chat(ADMIN.id), ADMIN, "/broadcast")
    heading, preview = await api.wait_for_calls("sendMessage", ADMIN.id, 2)
    assert heading.text == AR.say("BROADCAST_PREVIEW", count=1)  # one subscribed chat
    await api.press(ADMIN, preview.result, preview.buttons()[0]["callback_data"])
    await api.wait_for(
        lambda _: any(AR.say("NEW_ARTICLE") in c.text for c in api.delivered(READER.id))
    )
    (edit,) = await api.wait_for_calls("editMessageText", ADMIN.id, 1)
    assert edit.text == AR.say("BROADCAST_QUEUED", count=1)


async def _preview(api: FakeBotApi, name: str, data: bytes, count: int = 1) -> Any:
    """Send an article file as the administrator; the bot's answer (its preview)."""
    await api.send_document(Chat(ADMIN.id), ADMIN, name, data)
    return (await api.wait_for_calls("sendMessage", ADMIN.id, count))[-1]


async def test_an_upload_is_previewed_and_published_only_when_its_editor_says_so(
    api: FakeBotApi, seeds_dir: Path
) -> None:
    await say(api, Chat(READER.id), READER, "/subscribe")
    text = article_text("خبر مرفوع", "أعلنت تركيا عن اتفاق جديد.")
    preview = await _preview(api, "uploaded.txt", text.encode())
    assert AR.say("UPLOAD_PREVIEW", title="خبر مرفوع") in preview.text
    assert AR.say("UPLOAD_TOPICS", labels="تركيا") in preview.text
    assert not (seeds_dir / "uploaded.txt").exists()  # nothing is out before the press
    assert not any("خبر مرفوع" in call.text for call in api.delivered(READER.id))
    publish, discard = preview.buttons()
    await api.press(ADMIN, preview.result, publish["callback_data"])
    (done,) = await api.wait_for_calls("editMessageText", ADMIN.id, 1)
    assert "uploaded: added" in done.text
    await api.wait_for(lambda _: any("خبر مرفوع" in c.text for c in api.delivered(READER.id)))
    assert (seeds_dir / "uploaded.txt").read_bytes() == text.encode()  # its source of truth
    await api.press(ADMIN, preview.result, discard["callback_data"])  # decided already
    gone = (await api.wait_for_calls("editMessageText", ADMIN.id, 2))[-1]
    assert gone.text == AR.say("UPLOAD_GONE")


async def test_a_discarded_upload_publishes_nothing_and_a_bad_one_says_why(
    api: FakeBotApi, seeds_dir: Path
) -> None:
    preview = await _preview(api, "maybe.txt", article_text("خبر", "أعلنت تركيا.").encode())
    await api.press(ADMIN, preview.result, preview.buttons()[1]["callback_data"])
    (edit,) = await api.wait_for_calls("editMessageText", ADMIN.id, 1)
    assert edit.text == AR.say("UPLOAD_DISCARDED")
    assert not (seeds_dir / "maybe.txt").exists()
    rejected = await _preview(api, "broken.txt", "فقرة.\nأبرز النقاط:".encode(), 2)
    reason = AR.say("PARSE_summary_no_bullets", heading="أبرز النقاط:")  # in the admin's Arabic
    assert rejected.text == AR.say("INGEST_REJECTED_AT", file="broken.txt", line=2, reason=reason)
    assert not rejected.buttons()


async def test_a_forged_or_foreign_press_publishes_nothing(
    api: FakeBotApi, seeds_dir: Path
) -> None:
    preview = await _preview(api, "held.txt", article_text("خبر", "أعلنت تركيا.").encode())
    publish = preview.buttons()[0]["callback_data"]
    await api.press(READER, preview.result, publish)  # not an administrator: nothing at all
    await api.press(ADMIN, preview.result, "pub:0:" + "0" * 16)  # no such upload
    await api.press(ADMIN, preview.result, "drop:0:0123456789abcdeg")  # not a token
    gone = await api.wait_for_calls("editMessageText", ADMIN.id, 2)
    assert [edit.text for edit in gone] == [AR.say("UPLOAD_GONE")] * 2
    assert not (seeds_dir / "held.txt").exists()
    await api.press(ADMIN, preview.result, publish)  # the real one still works
    done = (await api.wait_for_calls("editMessageText", ADMIN.id, 3))[-1]
    assert "held: added" in done.text
    assert (seeds_dir / "held.txt").exists()


async def test_an_upload_may_not_take_a_seeds_id_under_another_name(
    api: FakeBotApi, seeds_dir: Path
) -> None:
    text = article_text("خبر مرفوع", "أعلنت قرغيزستان عن اتفاق جديد.")
    preview = await _preview(api, "BRICS Kazan Summit.ar.txt", text.encode())
    await api.press(ADMIN, preview.result, preview.buttons()[0]["callback_data"])
    (answer,) = await api.wait_for_calls("editMessageText", ADMIN.id, 1)
    assert "already taken by brics-kazan-summit.ar.txt" in answer.text
    listed = await asyncio.to_thread(os.listdir, seeds_dir)
    assert [name for name in listed if not name.startswith(".")] == ["brics-kazan-summit.ar.txt"]
    summary = await say(api, Chat(ADMIN.id), ADMIN, "/summary")
    assert "خبر مرفوع" not in summary.text


async def test_a_reply_does_not_wait_for_an_upload_being_read(
    api: FakeBotApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    gate = threading.Event()
    real_read = content.parser.read_article

    def slow_read(*args: Any, **kwargs: Any) -> Any:
        gate.wait(5.0)  # a long article, still being read
        return real_read(*args, **kwargs)

    monkeypatch.setattr(handlers.capabilities.admin, "read_article", slow_read)
    text = article_text("خبر مرفوع", "أعلنت قرغيزستان عن اتفاق جديد.")
    await api.send_document(Chat(ADMIN.id), ADMIN, "uploaded.txt", text.encode())
    async with asyncio.timeout(5.0):
        summary = await say(api, Chat(READER.id), READER, "/summary")
    assert parse_file(SEED).bullets[0] in summary.text
    assert not api.calls_to("sendMessage", ADMIN.id)  # the upload is still being read
    gate.set()
    (answer,) = await api.wait_for_calls("sendMessage", ADMIN.id, 1)
    assert AR.say("UPLOAD_PREVIEW", title="خبر مرفوع") in answer.text


async def test_digest_jobs_are_rebuilt_at_start_up(
    api: FakeBotApi, tmp_path: Path, seeds_dir: Path, lexicon: Lexicon
) -> None:
    settings = settings_for(api, tmp_path / "again", seeds_dir, **FAST_OUTBOX)
    async with await Store.open(settings.database_path, lexicon) as store:
        await store.chats.record(11, "private", "", 0.0)
        await store.chats.set_digest(11, "06:15", 0.0)
        await store.chats.set_timezone(11, "Africa/Cairo")
    async with bot_running(settings) as app:
        assert app.job_queue is not None
        (job,) = app.job_queue.get_jobs_by_name(job_name(11))
        assert job.next_t is not None
        cairo = job.next_t.astimezone(ZoneInfo("Africa/Cairo"))
        assert (cairo.hour, cairo.minute) == (6, 15)


@pytest.mark.parametrize("written", ["asia/riyadh", "ASIA/RIYADH", "Asia/Riyadh"])
async def test_a_timezone_is_matched_whatever_its_case(api: FakeBotApi, written: str) -> None:
    me = Chat(READER.id)
    reply = await say(api, me, READER, f"/timezone {written}")
    assert reply.text == AR.say("TIMEZONE_SET", zone="Asia/Riyadh")


@pytest.mark.parametrize("command", ["/stats", "/broadcast"])
async def test_admin_commands_are_answered_in_private_only(api: FakeBotApi, command: str) -> None:
    english_admin = User(ADMIN.id, "Admin", language_code="en")
    in_group = await say(api, GROUP, english_admin, command)
    assert in_group.text == texts_for("en").say("ADMIN_PRIVATE_ONLY")
    private = await say(api, Chat(ADMIN.id), english_admin, command)
    assert private.text != in_group.text


def test_lists_are_joined_with_each_languages_comma() -> None:
    assert texts_for("en").join(["sent 3", "failed 1"]) == "sent 3, failed 1"
    assert texts_for("ar").join(["sent 3", "failed 1"]) == "sent 3، failed 1"


@pytest.mark.parametrize("data", ["unsub:0:", "lang:0:en"])
async def test_a_forged_press_on_a_channel_post_changes_nothing(
    api: FakeBotApi, bot: MojazApp, data: str
) -> None:
    """Every post in a channel is sent as the channel: that says nothing of the presser."""
    await api.change_membership(CHANNEL, ADMIN, "administrator", can_post=True)
    await api.wait_for_calls("sendMessage", ADMIN.id, 3)
    api.admins[CHANNEL.id] = {ADMIN.id}
    chats = bot.bot_data.store.chats
    before = (await chats.subscriptions(CHANNEL.id), await chats.get(CHANNEL.id))
    post = {
        "message_id": 77,
        "date": 0,
        "chat": CHANNEL.as_json(),
        "sender_chat": CHANNEL.as_json(),
        "text": "a post",
    }
    await api.press(READER, post, data)
    await api.wait_for(
        lambda c: any(x.params.get("text") == AR.say("GROUP_ADMINS_ONLY") for x in c)
    )
    assert (await chats.subscriptions(CHANNEL.id), await chats.get(CHANNEL.id)) == before
    await api.press(ADMIN, post, data)  # the channel's administrator may
    await api.wait_for(lambda _: len(api.calls_to("answerCallbackQuery")) >= 2)
    assert (await chats.subscriptions(CHANNEL.id), await chats.get(CHANNEL.id)) != before


async def test_each_push_speaks_its_chats_language(api: FakeBotApi, seeds_dir: Path) -> None:
    """One chat chose English, one's app is English, one is Arabic: one article, three tongues."""
    en = texts_for("en")
    chose = User(911, "Chose", language_code="ar")
    app_english = User(912, "App", language_code="en")
    arabic = User(913, "Arabic", language_code="ar")
    for user in (chose, app_english, arabic):
        await say(api, Chat(user.id), user, "/subscribe")
    before = len(api.calls_to("editMessageText", chose.id))
    listing = await say(api, Chat(chose.id), chose, "/lang")
    await api.press(chose, listing.result, "lang:0:en")
    await api.wait_for_calls("editMessageText", chose.id, before + 1)

    write_article(seeds_dir, *IRAN_NEWS)
    for user, tr in ((chose, en), (app_english, en), (arabic, AR)):
        await api.wait_for(functools.partial(_pushed_to, api, user.id, "محادثات فيينا"))
        push = next(c for c in api.delivered(user.id) if "محادثات فيينا" in c.text)
        assert tr.say("NEW_ARTICLE") in push.text, user
        assert {b["text"] for b in push.buttons()} >= {tr.say("BUTTON_SUMMARY")}, user


def _pushed(api: FakeBotApi, chat_id: int, words: str) -> bool:
    return any(words in call.text for call in api.delivered(chat_id))


def _pushed_to(api: FakeBotApi, chat_id: int, words: str, _calls: object) -> bool:
    return _pushed(api, chat_id, words)


async def test_one_preview_sends_one_broadcast_however_often_it_is_pressed(
    api: FakeBotApi,
) -> None:
    await say(api, Chat(READER.id), READER, "/subscribe")
    await api.send_text(Chat(ADMIN.id), ADMIN, "/broadcast")
    _, preview = await api.wait_for_calls("sendMessage", ADMIN.id, 2)
    send = preview.buttons()[0]["callback_data"]
    for _ in range(2):  # a double tap: the second press is only answered
        await api.press(ADMIN, preview.result, send)
    await api.wait_for(lambda _: len(api.calls_to("answerCallbackQuery")) >= 2)
    await asyncio.sleep(REPEAT_PRESS_SECONDS)
    await api.press(ADMIN, preview.result, send)  # a second client, a moment later
    edits = await api.wait_for_calls("editMessageText", ADMIN.id, 2)
    assert [e.text for e in edits] == [
        AR.say("BROADCAST_QUEUED", count=1),
        AR.say("BROADCAST_ALREADY_SENT"),
    ]
    await api.wait_for(lambda _: _pushed(api, READER.id, AR.say("NEW_ARTICLE")))
    await asyncio.sleep(0.5)  # time enough for a second copy to go out, were one queued
    pushes = [c for c in api.delivered(READER.id) if AR.say("NEW_ARTICLE") in c.text]
    assert len(pushes) == 1


async def test_an_administrator_withdraws_what_was_published(
    api: FakeBotApi, seeds_dir: Path
) -> None:
    preview = await _preview(api, "oops.txt", article_text("خبر خاطئ", "أعلنت تركيا.").encode())
    await api.press(ADMIN, preview.result, preview.buttons()[0]["callback_data"])
    (published,) = await api.wait_for_calls("editMessageText", ADMIN.id, 1)
    (withdraw,) = published.buttons()
    await api.press(ADMIN, published.result, withdraw["callback_data"])
    done = (await api.wait_for_calls("editMessageText", ADMIN.id, 2))[-1]
    assert done.text == AR.say("WITHDRAWN", title="خبر خاطئ")
    assert not (seeds_dir / "oops.txt").exists()  # no restart brings it back
    assert (seeds_dir / ".withdrawn" / "oops.txt").exists()  # kept, never read
    listing = await say(api, Chat(ADMIN.id), ADMIN, "/articles")
    assert "خبر خاطئ" not in listing.text


async def test_an_administrator_follows_and_drops_feeds_from_the_chat(api: FakeBotApi) -> None:
    url = "https://news.example/feed"
    usage = await say(api, Chat(ADMIN.id), ADMIN, "/feeds add file:///etc/passwd")
    assert usage.text == AR.say("FEEDS_USAGE")
    added = await say(api, Chat(ADMIN.id), ADMIN, f"/feeds add {url}")
    assert added.text == AR.say("FEED_ADDED", url=url)
    listing = await say(api, Chat(ADMIN.id), ADMIN, "/feeds")
    assert url in listing.text
    assert AR.say("FEED_NEVER") in listing.text
    (remove,) = listing.buttons()
    await api.press(ADMIN, listing.result, remove["callback_data"])
    (edit,) = await api.wait_for_calls("editMessageText", ADMIN.id, 1)
    assert edit.text == AR.say("FEEDS_NONE")
    assert "/help" in (await say(api, Chat(READER.id), READER, "/feeds")).text  # not for them
