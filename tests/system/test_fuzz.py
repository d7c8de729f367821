"""A property-based fuzzer: generated updates through the real Application and the fake server.

Each example plays a batch of updates — messages and commands with odd arguments, presses of
real and forged buttons, inline queries, membership changes, channel posts — in private
chats, a group, a forum and a channel, from members, administrators, an anonymous
administrator and the channel itself, sometimes with faults injected into the server. When
the bot has settled, it checks what a careful operator would:

- every request kept Telegram's rules (the fake server refuses any that breaks one);
- every button press was answered exactly once, every inline query answered, and every
  private command to this bot replied to (in batches without injected faults);
- nothing raised but Telegram's own refusals of the faults injected;
- no group or channel setting changed unless one of its administrators acted;
- no delivery reached a chat twice, and no broadcast went out unless ADMIN_IDS confirmed it.

The budget is FUZZ_EXAMPLES examples or FUZZ_SECONDS seconds, whichever ends first (300 and
60 by default, for CI); a long run by hand: FUZZ_EXAMPLES=20000 FUZZ_SECONDS=3600.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sqlite3
import time
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from telegram.error import TelegramError

from bot.app import MojazApp
from bot.capabilities import RESERVED_COMMANDS
from content.models import MAX_THREAD_ID
from handlers.plumbing.replies import ReplyCutShortError
from handlers.presentation.buttons import Action, decode
from handlers.presentation.texts import texts_for
from tests.support.articles import write_article
from tests.support.fake_bot_api import BOT_USER, BOT_USERNAME, Call, Chat, FakeBotApi, Fault, User
from tests.support.harness import FAST_OUTBOX, bot_running, settings_for

FUZZ_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "300"))
FUZZ_SECONDS = float(os.environ.get("FUZZ_SECONDS", "60"))
SETTLE_SECONDS = 30.0  # a batch that has not settled by then is a hang, and fails
# New articles a run writes: each is pushed to the group and channel at 20 messages a
# minute, and the outbox must empty before the end.
MAX_ARTICLES = 6
DRAIN_SECONDS = 120.0

ADMIN = User(700, "Admin", "en")  # in ADMIN_IDS; administers the group, forum and channel
EDITOR = User(701, "Editor", "ar")  # administers the group and forum only
MEMBER = User(702, "Member", "ar")
STRANGER = User(703, "Stranger", "fr")
ANONYMOUS = User(1087968824, "Group", "")  # Telegram's GroupAnonymousBot
PEOPLE = (ADMIN, EDITOR, MEMBER, STRANGER)

GROUP = Chat(-100200, "supergroup", "Desk")
FORUM = Chat(-100300, "supergroup", "Forum")
CHANNEL = Chat(-100400, "channel", "Wire")
SHARED = {"group": GROUP, "forum": FORUM, "channel": CHANNEL}
ADMINS = {GROUP.id: {ADMIN.id, EDITOR.id}, FORUM.id: {ADMIN.id, EDITOR.id}, CHANNEL.id: {ADMIN.id}}

TOPIC_WORDS = [
    "iran", "china", "russia", "brics", "kenya", "peru", "nato", "إيران", "الصين", "روسيا",
    "بريكس", "كينيا", "الاتحاد الأوروبي", "Iran", "IRAN", "t", "t_iran", "*", "%", "all",
]  # fmt: skip
ODD_WORDS = [
    "", " ", "²", "①", "٣", "99999999999999999999", "-1", "0", "08:00", "25:61", "7:5",
    "asia/riyadh", "Europe/London", "UTC", "ar", "en", "xx", "<b>", "</i>", "&amp;", "&",
    "\u200f", "\u200d", "\u202e", "ـــ", "إِيرَان", "\x00", "a" * 300, "😀" * 50, "@" + BOT_USERNAME,
    '"النفط"', "' OR 1=1 --", "NEAR(a b)", "iran*", '"', "-iran", "^", "{}", "$(reboot)",
    "«غاز»", '"حقل جديد"', '"(.*)+$"', '""', "on", "off",
]  # fmt: skip
TOPIC_COMMANDS = ["iran", "china", "russia", "brics", "india", "turkey", "kenya", "atlantis"]
GRAMMAR_ACTIONS = [action.value for action in Action] + ["zz", "sum2"]


@dataclass(frozen=True)
class Event:
    """One generated update, before it is given a message or button to point at."""

    kind: str  # text, command, press, inline, membership, edit, sticker, article, fault
    place: str  # private, group, forum, channel
    actor: User
    text: str = ""
    data: str = ""
    pick: int = 0  # which of the bot's messages a press lands on
    replay: bool = False  # a press with a real button's data taken from any chat's message
    status: str = ""
    fault: Fault | None = None
    thread: int | None = None  # a forged thread id (negative, past 32 or 64 bits), if any


def _words() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(TOPIC_WORDS),
        st.sampled_from(ODD_WORDS),
        st.text(max_size=30),
        st.text(alphabet="ابتثجحخدذرسشصضطظعغفقكلمنهويىةأإآءئؤ ًٌٍَُِّْـ", max_size=30),
    )


def _command() -> st.SearchStrategy[str]:
    name = st.sampled_from(
        [*sorted(RESERVED_COMMANDS), *TOPIC_COMMANDS, "stats", "broadcast", "topic", "nope"]
    )
    suffix = st.sampled_from(["", "", f"@{BOT_USERNAME}", "@OtherBot", "@mojaztestbot"])
    args = st.lists(_words(), max_size=3).map(" ".join)
    return st.builds(lambda n, s, a: f"/{n}{s} {a}".rstrip(), name, suffix, args)


def _grammar_data() -> st.SearchStrategy[str]:
    edges = [2**63 - 1, 2**63, 10**19 - 1, -(2**63), -(2**63) - 1, 2**31, GROUP.id, CHANNEL.id]
    number = st.one_of(
        st.sampled_from([0, 0, 1, 2]), st.integers(-(2**70), 2**70), st.sampled_from(edges)
    )
    arg = st.one_of(
        st.sampled_from(["", "en", "ar", "xx", "iran", "1", "2", "²", "0" * 33]),
        st.from_regex(r"[a-z0-9_]{0,32}", fullmatch=True),
    )
    action = st.sampled_from(GRAMMAR_ACTIONS)
    return st.builds(lambda a, n, g: f"{a}:{n}:{g}", action, number, arg)


def _press_data() -> st.SearchStrategy[str]:
    return st.one_of(
        st.just(""),  # a real button of the message, chosen when the press is played
        st.just(""),
        _grammar_data(),
        st.binary(max_size=64).map(lambda b: b.decode("latin-1")),
        st.text(max_size=64),
    )


def _fault() -> st.SearchStrategy[Fault]:
    return st.sampled_from(
        [
            Fault("error", 429, "Too Many Requests: retry after 1", {"retry_after": 1}),
            Fault("error", 403, "Forbidden: bot was blocked by the user"),
            Fault("error", 500, "Internal Server Error"),
            Fault("error", 400, "Bad Request: message thread not found"),
            Fault("timeout", delay=0.2),
            Fault("drop"),
            Fault("pass"),
        ]
    )


PLACES = st.sampled_from(["private", "private", "group", "forum", "channel"])
# Mostly none; else an id no thread can have, which must be read as none and never stored.
FORGED_THREADS = st.sampled_from([None] * 6 + [-5, -(2**63), 2**31, 2**63 - 1, 2**63, 2**70])
PEOPLE_ST = st.sampled_from(PEOPLE)
# Commands and presses are most of what readers do, and of what can go wrong.
BY_KIND: dict[str, st.SearchStrategy[Event]] = {
    "command": st.builds(
        Event, st.just("command"), PLACES, PEOPLE_ST, _command(), thread=FORGED_THREADS
    ),
    "press": st.builds(
        Event, st.just("press"), PLACES, PEOPLE_ST, data=_press_data(),
        pick=st.integers(0, 500), replay=st.booleans(),
    ),
    "text": st.builds(Event, st.just("text"), PLACES, PEOPLE_ST, _words(), thread=FORGED_THREADS),
    "inline": st.builds(
        Event, st.just("inline"), st.just("private"), PEOPLE_ST, _words(), data=_words()
    ),
    "membership": st.builds(
        Event, st.just("membership"), st.sampled_from(["group", "forum"]),
        PEOPLE_ST, status=st.sampled_from(["member", "administrator", "left", "kicked"]),
    ),
    # Only a channel's administrators can add a bot to it or remove it.
    "channel membership": st.builds(
        Event, st.just("membership"), st.just("channel"), st.just(ADMIN),
        status=st.sampled_from(["administrator", "left", "kicked"]),
    ),
    "edit": st.builds(Event, st.just("edit"), PLACES, PEOPLE_ST, _command()),
    "sticker": st.builds(Event, st.just("sticker"), PLACES, PEOPLE_ST),
    "anonymous": st.builds(
        Event, st.just("anonymous"), st.sampled_from(["group", "forum"]), st.just(ANONYMOUS),
        _command(),
    ),
    "article": st.builds(Event, st.just("article"), st.just("private"), st.just(ADMIN)),
    "fault": st.builds(Event, st.just("fault"), PLACES, PEOPLE_ST, fault=_fault()),
}  # fmt: skip
WEIGHTS = {"command": 6, "press": 6, "text": 2, "inline": 2, "fault": 2}
EVENTS = st.sampled_from([kind for kind in BY_KIND for _ in range(WEIGHTS.get(kind, 1))]).flatmap(
    BY_KIND.__getitem__
)


@dataclass
class World:
    """The running bot, its server, and what the fuzzer has played and seen so far."""

    api: FakeBotApi
    app: MojazApp
    seeds: Path
    database: Path
    started: float = field(default_factory=time.monotonic)
    examples: int = 0
    updates: int = 0
    failing: bool = False  # once an example fails, the clock no longer ends the run
    finished: bool = False  # the end-of-run checks are done
    articles: int = 0
    confirmed_broadcasts: set[str] = field(default_factory=set)
    pressed: dict[str, tuple[User, str]] = field(default_factory=dict)  # query → who, data
    errors: list[logging.LogRecord] = field(default_factory=list)
    kinds: Counter[str] = field(default_factory=Counter)

    def __repr__(self) -> str:
        return f"World({_report(self)})"

    def _repr_pretty_(self, printer: Any, _cycle: bool) -> None:
        """What hypothesis prints for it beside a failing example: not every call made."""
        printer.text(repr(self))

    def out_of_budget(self) -> bool:
        """Whether the run has used its seconds (hypothesis counts the examples)."""
        spent = time.monotonic() - self.started
        return not self.failing and spent > FUZZ_SECONDS


async def _finish(world: World) -> None:
    """The end-of-run checks, and the run's numbers.

    Run as soon as the seconds are spent: hypothesis still draws the examples left, which
    return at once but take a while by the ten thousand.
    """
    world.finished = True
    await _drain_outbox(world)
    _check_no_doubles(world)
    _check_no_forged_thread_stored(world)
    print(f"\nfuzz: {_report(world)}", flush=True)


class _Errors(logging.Handler):
    """Collects every ERROR the bot logs."""

    def __init__(self, into: list[logging.LogRecord]) -> None:
        super().__init__(logging.ERROR)
        self._into = into

    def emit(self, record: logging.LogRecord) -> None:
        self._into.append(record)


@pytest.fixture
async def world(api: FakeBotApi, tmp_path: Path, seeds_dir: Path) -> AsyncIterator[World]:
    """The bot in a group, a forum and a channel, with ADMIN in ADMIN_IDS."""
    api.admins.update({chat: set(ids) for chat, ids in ADMINS.items()})
    api.chat_types.update({chat.id: chat.type for chat in SHARED.values()})
    settings = settings_for(api, tmp_path, seeds_dir, admin_ids=str(ADMIN.id), **FAST_OUTBOX)
    errors: list[logging.LogRecord] = []
    collector = _Errors(errors)
    logging.getLogger().addHandler(collector)
    try:
        async with bot_running(settings) as app:
            world = World(api, app, seeds_dir, tmp_path / "bot.sqlite3", errors=errors)
            for chat in SHARED.values():
                status = "administrator" if chat is CHANNEL else "member"
                await api.change_membership(chat, ADMIN, status)
            await _settle(world)
            yield world
            if not world.finished:
                await _finish(world)
    finally:
        logging.getLogger().removeHandler(collector)


@settings(
    max_examples=FUZZ_EXAMPLES,  # and FUZZ_SECONDS: examples past it return at once
    deadline=None,
    database=None,
    # No shrinking: each example runs on the state the ones before it left, so a smaller
    # one would not fail the same way. The failing batch is reported as it was found.
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(events=st.lists(EVENTS, min_size=1, max_size=12))
async def test_generated_updates_keep_every_rule(world: World, events: list[Event]) -> None:
    if world.out_of_budget():
        if not world.finished:
            await _finish(world)
        return
    world.examples += 1
    try:
        await _play_and_check(world, events)
    except BaseException:
        world.failing = True
        raise


async def _play_and_check(world: World, events: list[Event]) -> None:
    before = _shared_settings(world)
    errors_before, calls_before = len(world.errors), len(world.api.calls)
    asked = [await _play(world, event) for event in events]
    await _settle(world)
    world.api.faults.clear()  # a fault that no send met ends with its batch
    faults = any(event.kind == "fault" for event in events)
    assert world.api.rule_breaks == [], world.api.rule_breaks
    _check_everyone_answered(world, events, asked, world.api.calls[calls_before:], faults=faults)
    unexpected = [r for r in world.errors[errors_before:] if not _expected(r, faults)]
    assert unexpected == [], [_describe(r) for r in unexpected]
    after = _shared_settings(world)
    pressed = [world.pressed[query] for kind, query in asked if kind == "press"]
    for chat_id in _unauthorised_chats(events) - _named_by_their_admins(pressed):
        assert after[chat_id] == before[chat_id], f"chat {chat_id} changed by a non-administrator"


def _check_everyone_answered(
    world: World,
    events: list[Event],
    asked: list[tuple[str, str]],
    calls: list[Call],
    *,
    faults: bool,
) -> None:
    """Every press answered once, every inline query answered, and every private command to
    this bot replied to. A reply may be lost to an injected fault: commands are checked
    only in batches without one."""
    api = world.api
    presses = [query for kind, query in asked if kind == "press"]
    assert [q for q in presses if api.answered.get(q) != 1] == [], "a press not answered once"
    answers = {str(c.params.get("inline_query_id")) for c in api.calls_to("answerInlineQuery")}
    inline = [query for kind, query in asked if kind == "inline"]
    assert set(inline) <= answers, "an inline query was not answered"
    if faults:
        return
    replied = {call.chat_id for call in calls if call.method == "sendMessage"}
    commanders = {
        e.actor.id
        for e in events
        if e.kind == "command" and e.place == "private" and _ours(e.text)
    }
    assert commanders <= replied, f"no reply to a command from {commanders - replied}"


# --- playing ---------------------------------------------------------------------------------


async def _play(world: World, event: Event) -> tuple[str, str]:
    """Queue the update ``event`` stands for; what it asked, for the checks."""
    world.updates += 1
    world.kinds[event.kind] += 1
    api = world.api
    chat = SHARED.get(event.place, Chat(event.actor.id))
    if event.kind == "fault" and event.fault is not None:
        api.faults.setdefault(chat.id, []).append(event.fault)
    elif event.kind == "article":
        _write_article(world)
    elif event.kind == "press":
        return "press", await _press(world, event, chat)
    elif event.kind == "inline":
        query_id = f"i{api.next_message_id()}"
        await api.push({"inline_query": _inline(event, query_id)})
        return "inline", query_id
    elif event.kind == "membership":
        await api.change_membership(chat, event.actor, event.status)
    else:
        await api.push(_message_update(api, event, chat))
    return event.kind, ""


def _ours(command: str) -> bool:
    """Whether a command is addressed to this bot (a /cmd@OtherBot is for another)."""
    name = command.split(maxsplit=1)[0]
    return "@" not in name or name.lower().endswith(f"@{BOT_USERNAME.lower()}")


def _write_article(world: World) -> None:
    """A new article in the seeds folder, about islands the shipped seeds never mention."""
    if world.articles >= MAX_ARTICLES:
        return
    world.articles += 1
    number = world.articles
    title = f"نبأ المحيط رقم {number}"
    write_article(world.seeds, f"fuzz-{number}", title, f"وصل وفد جزر فيجي رقم {number}.")


def _inline(event: Event, query_id: str) -> dict[str, Any]:
    return {
        "id": query_id,
        "from": event.actor.as_json(),
        "query": event.text[:256],
        "offset": event.data[:64],
    }


def _message_update(api: FakeBotApi, event: Event, chat: Chat) -> dict[str, Any]:
    """A message, a channel post, an edit or an anonymous administrator's message."""
    message: dict[str, Any] = {
        "message_id": api.next_message_id(),
        "date": int(time.time()),
        "chat": _chat_json(chat),
    }
    if chat is CHANNEL:
        message["sender_chat"] = _chat_json(CHANNEL)  # a post: only administrators post
    elif event.kind == "anonymous":
        message["from"] = {**ANONYMOUS.as_json(), "is_bot": True}
        message["sender_chat"] = _chat_json(chat)
    else:
        message["from"] = event.actor.as_json()
    if event.thread is not None:
        message["message_thread_id"] = event.thread
        message["is_topic_message"] = True
    elif chat is FORUM:
        message["message_thread_id"] = 7
        message["is_topic_message"] = True
    if event.kind != "sticker":
        message["text"] = event.text or "…"
        if message["text"].startswith("/"):
            length = len(message["text"].split(maxsplit=1)[0])
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
    else:
        message["sticker"] = _sticker()
    if event.kind == "edit":
        message["edit_date"] = int(time.time())
        return {"edited_channel_post" if chat is CHANNEL else "edited_message": message}
    return {"channel_post" if chat is CHANNEL else "message": message}


def _sticker() -> dict[str, Any]:
    return {
        "file_id": "sticker", "file_unique_id": "sticker", "width": 512, "height": 512,
        "is_animated": False, "is_video": False, "type": "regular",
    }  # fmt: skip


def _chat_json(chat: Chat) -> dict[str, Any]:
    data = chat.as_json()
    if chat is FORUM:
        data["is_forum"] = True
    return data


async def _press(world: World, event: Event, chat: Chat) -> str:
    """Press a button under one of the bot's messages in ``chat``, real data or forged."""
    api = world.api
    messages = [c for c in api.delivered(chat.id) if isinstance(c.result, dict)]
    if messages:
        message = dict(messages[event.pick % len(messages)].result)
    else:
        message = {"message_id": 1, "date": 0, "chat": _chat_json(chat), "from": BOT_USER}
    if chat is CHANNEL:
        message["sender_chat"] = _chat_json(CHANNEL)  # every post in a channel is the channel's
    message["chat"] = _chat_json(chat)
    # A button's data replayed under another chat's message is how settings were forged.
    sources = (
        [c for c in api.delivered() if isinstance(c.result, dict)] if event.replay else messages
    )
    data = event.data or _real_button(sources, event.pick)
    if event.actor is ADMIN and data.startswith(f"{Action.BROADCAST}:"):
        world.confirmed_broadcasts.add(data)
    query_id = f"q{api.next_message_id()}"
    world.pressed[query_id] = (event.actor, data)
    query = {
        "id": query_id, "from": event.actor.as_json(), "chat_instance": str(chat.id),
        "message": message, "data": data,
    }  # fmt: skip
    await api.push({"callback_query": query})
    return query_id


def _real_button(messages: list[Call], pick: int) -> str:
    buttons = [
        str(b["callback_data"]) for c in messages for b in c.buttons() if "callback_data" in b
    ]
    return buttons[pick % len(buttons)] if buttons else "sum:0:"


# --- checking --------------------------------------------------------------------------------


async def _settle(world: World) -> None:
    """Wait until every queued update is handled and the bot has gone quiet for a moment."""
    api, app = world.api, world.app
    quiet_since = time.monotonic()
    calls = len(api.calls)
    async with asyncio.timeout(SETTLE_SECONDS):
        while time.monotonic() - quiet_since < 0.15:
            await asyncio.sleep(0.02)
            busy = (
                api.pending_updates() > 0
                or not app.update_queue.empty()
                or app.update_processor.current_concurrent_updates > 0
                or len(api.calls) != calls
            )
            if busy:
                quiet_since, calls = time.monotonic(), len(api.calls)


def _expected(record: logging.LogRecord, faults: bool) -> bool:
    """Whether an error is Telegram refusing a fault the fuzzer injected."""
    error = record.exc_info[1] if record.exc_info else None
    return faults and isinstance(error, TelegramError | ReplyCutShortError)


def _describe(record: logging.LogRecord) -> str:
    error = record.exc_info[1] if record.exc_info else None
    return f"{record.name}: {record.getMessage()} {error!r}"


def _unauthorised_chats(events: list[Event]) -> set[int]:
    """The shared chats where no administrator (nor Telegram itself) acted in this batch."""
    authorised = set()
    for event in events:
        chat = SHARED.get(event.place)
        if chat is None:
            continue
        by_admin = event.actor.id in ADMINS[chat.id] or event.kind in ("anonymous", "membership")
        if by_admin or (chat is CHANNEL and event.kind in ("command", "text", "edit")):
            authorised.add(chat.id)  # a channel's posts are its administrators'
    return {chat.id for chat in SHARED.values()} - authorised


def _named_by_their_admins(pressed: list[tuple[User, str]]) -> set[int]:
    """The shared chats whose own administrator pressed a button naming them.

    A channel's settings buttons carry its id and are pressed in a private chat.
    """
    named = set()
    for user, data in pressed:
        callback = decode(data)
        if callback is not None and user.id in ADMINS.get(callback.article_id, set()):
            named.add(callback.article_id)
    return named


def _shared_settings(world: World) -> dict[int, tuple[object, ...]]:
    """What a group's or channel's administrators decide: language, digest, subscriptions."""
    with _reading(world.database) as db:
        snapshot: dict[int, tuple[object, ...]] = {}
        for chat in SHARED.values():
            row = db.execute(
                "SELECT language, timezone FROM chats WHERE id = ?", (chat.id,)
            ).fetchone()
            digests = db.execute(
                "SELECT thread_id, digest_time FROM threads WHERE chat_id = ? ORDER BY thread_id",
                (chat.id,),
            ).fetchall()
            topics = db.execute(
                "SELECT thread_id, topic FROM subscriptions WHERE chat_id = ?"
                " ORDER BY thread_id, topic",
                (chat.id,),
            ).fetchall()
            alerts = db.execute(
                "SELECT thread_id, terms FROM alerts WHERE chat_id = ? ORDER BY id", (chat.id,)
            ).fetchall()
            snapshot[chat.id] = (row, tuple(digests), tuple(topics), tuple(alerts))
        return snapshot


class _reading:  # noqa: N801 - used as a context manager, like open()
    """A read-only connection to the bot's database, beside the bot's own."""

    def __init__(self, path: Path) -> None:
        self._db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10)

    def __enter__(self) -> sqlite3.Connection:
        return self._db

    def __exit__(self, *_exc: object) -> None:
        self._db.close()


async def _drain_outbox(world: World) -> None:
    """Wait until every queued delivery is sent, failed or skipped."""
    for _ in range(int(DRAIN_SECONDS * 10)):
        if not _queued(world.database):
            await _settle(world)
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"the outbox still holds deliveries after {DRAIN_SECONDS} s")


def _check_no_forged_thread_stored(world: World) -> None:
    """Every thread the store holds is one a chat can have: forged ids were read as none."""
    with _reading(world.database) as db:
        for table in ("threads", "subscriptions", "alerts", "deliveries"):
            (bad,) = db.execute(
                f"SELECT count(*) FROM {table} WHERE thread_id NOT BETWEEN 0 AND ?",  # noqa: S608
                (MAX_THREAD_ID,),
            ).fetchone()
            assert bad == 0, f"{bad} forged thread id(s) stored in {table}"


def _queued(database: Path) -> int:
    with _reading(database) as db:
        row = db.execute(
            "SELECT count(*) FROM deliveries WHERE state IN ('queued', 'sending')"
        ).fetchone()
        return int(row[0])


def _check_no_doubles(world: World) -> None:
    """Each push reached its chat once, and broadcasts only as often as ADMIN_IDS confirmed."""
    with _reading(world.database) as db:
        recorded = [
            (int(chat), str(ids))
            for chat, ids in db.execute("SELECT chat_id, message_ids FROM deliveries")
        ]
        broadcasts = Counter(
            int(chat)
            for (chat,) in db.execute("SELECT chat_id FROM deliveries WHERE kind = 'broadcast'")
        )
    sent_ids = {(chat, int(i)) for chat, ids in recorded for i in _ids(ids)}
    headers = {texts_for(language).say("NEW_ARTICLE") for language in ("ar", "en")}
    # ADMIN's own chat is left out: the broadcast and channel previews it gets are replies
    # that look like pushes.
    pushes = [
        (int(call.params["chat_id"]), int(call.result["message_id"]))
        for call in world.api.delivered()
        if any(call.text.startswith(h) for h in headers) and call.chat_id != ADMIN.id
    ]
    assert [push for push in pushes if push not in sent_ids] == [], "a push sent twice"
    allowed = len(world.confirmed_broadcasts)
    assert all(count <= allowed for count in broadcasts.values()), (broadcasts, allowed)


def _ids(text: str) -> Iterator[int]:
    yield from (int(part) for part in text.strip("[]").split(",") if part.strip())


def _report(world: World) -> str:
    spent = time.monotonic() - world.started
    kinds = ", ".join(f"{kind} {count}" for kind, count in world.kinds.most_common())
    return (
        f"{world.examples} examples, {world.updates} updates in {spent:.0f} s"
        f" ({kinds}); {len(world.api.calls)} Bot API calls checked"
    )
