"""Threads: a forum's topics opening and closing, and /threads for a private chat's own.

A forum topic that is closed has its subscriptions paused (nothing could be posted there)
and resumed when it is reopened. In a private chat, /threads on gives each subscription a
thread of its own, where the bot's owner has turned topics on for the bot.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import MessageHandler, filters

from content.models import MAIN_THREAD
from handlers.plumbing.chat_settings import settings_request
from handlers.plumbing.context import Context, thread_of
from handlers.plumbing.own_threads import give_own_thread, topics_available
from handlers.plumbing.registry import Audience, Capability, Command, Handlers
from handlers.plumbing.replies import reply

_ON_WORDS = frozenset({"on", "yes", "تشغيل", "نعم"})
_OFF_WORDS = frozenset({"off", "no", "إيقاف", "ايقاف", "لا"})
# Why a thread's pushes stopped, as the store keeps it (the administrators' note says more).
CLOSED = "topic closed"


async def threads_setting(update: Update, context: Context) -> None:
    """/threads on gives each subscription its own thread; /threads off brings them back."""
    request = await settings_request(update, context)
    if request is None:
        return
    tr, wanted = request.tr, request.argument.lower()
    if wanted not in _ON_WORDS | _OFF_WORDS:
        state = tr.say("ON") if request.chat.private_threads else tr.say("OFF")
        await reply(update, [tr.say("THREADS_USAGE", state=state)])
        return
    if wanted in _ON_WORDS and not topics_available(context):
        await reply(update, [tr.say("THREADS_UNAVAILABLE")])
        return
    on = wanted in _ON_WORDS
    chats = context.bot_data.store.chats
    await chats.set_private_threads(request.chat.id, on)
    moved = 0
    for thread_id, topic in await chats.subscribed_threads(request.chat.id):
        if on and thread_id == MAIN_THREAD and topic:
            known = context.bot_data.lexicon.get(topic)
            name = known.label(tr.language) if known else topic
            moved += await give_own_thread(context, request.chat, topic, name) is not None
        elif not on and thread_id != MAIN_THREAD:
            await chats.move_subscription(request.chat.id, topic, thread_id, MAIN_THREAD)
            moved += 1
    await reply(update, [tr.say("THREADS_ON" if on else "THREADS_OFF", count=moved)])


async def topic_closed(update: Update, context: Context) -> None:
    """A forum topic was closed: pause its subscriptions until it is reopened."""
    message = update.effective_message
    thread_id = thread_of(message)
    if message is not None and thread_id != MAIN_THREAD:
        await context.bot_data.store.chats.pause(message.chat.id, thread_id, CLOSED)


async def topic_reopened(update: Update, context: Context) -> None:
    """A forum topic was reopened: its subscriptions resume, and the topic is told so."""
    message = update.effective_message
    thread_id = thread_of(message)
    if message is None or thread_id == MAIN_THREAD:
        return
    chats = context.bot_data.store.chats
    if await chats.resume(message.chat.id, thread_id):
        await reply(update, [context.texts.say("THREAD_RESUMED")])


def _service_messages() -> Handlers:
    return [
        MessageHandler(filters.StatusUpdate.FORUM_TOPIC_CLOSED, topic_closed),
        MessageHandler(filters.StatusUpdate.FORUM_TOPIC_REOPENED, topic_reopened),
    ]


CAPABILITY = Capability(
    "threads",
    commands=(Command("threads", threads_setting, Audience.PRIVATE),),
    handlers=_service_messages,
)
