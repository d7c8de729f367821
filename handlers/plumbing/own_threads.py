"""Threads in private chats (Bot API 9.3): one thread for each of a reader's subscriptions.

Only where the reader asked for it (/threads on) and the bot's owner turned topics on for
the bot (getMe's has_topics_enabled); everywhere else a private chat stays one stream.
"""

from __future__ import annotations

import logging
import time

from telegram.constants import ChatType
from telegram.error import TelegramError

from content.models import MAIN_THREAD, ChatInfo
from handlers.plumbing.context import Context
from handlers.presentation import render

logger = logging.getLogger(__name__)

# Telegram's longest topic name.
TOPIC_NAME_MAX = 128


def threads_wanted(chat: ChatInfo, thread_id: int) -> bool:
    """Whether a subscription made in ``thread_id`` of ``chat`` goes to a thread of its own."""
    return chat.type == ChatType.PRIVATE and chat.private_threads and thread_id == MAIN_THREAD


def topics_available(context: Context) -> bool:
    """Whether the bot may make topics in private chats (its owner turned them on)."""
    return bool(context.bot.bot.has_topics_enabled)


async def subscribe_in_own_thread(context: Context, chat: ChatInfo, topic: str, name: str) -> bool:
    """Subscribe the chat to ``topic`` in a thread of its own; False when it was already.

    Where no thread can be made, the subscription stays in the chat itself, and subscribing
    again says it already is there, while it tries once more to give it a thread.
    """
    if await _live_thread(context, chat, topic) is not None:
        return False
    added = await context.bot_data.store.chats.subscribe(chat.id, topic, time.time())
    await give_own_thread(context, chat, topic, name)
    return added


async def give_own_thread(context: Context, chat: ChatInfo, topic: str, name: str) -> int | None:
    """Move the chat's subscription to ``topic`` into a thread of its own called ``name``.

    A live thread the topic has already is kept, and the subscription folded into it. Else a
    thread is made, told what it is for, and the subscription moved to it; None (and the
    subscription stays where it is) when Telegram refuses to make it.
    """
    live = await _live_thread(context, chat, topic)
    if live is not None:
        await context.bot_data.store.chats.unsubscribe(chat.id, topic, thread_id=MAIN_THREAD)
        return live
    try:
        made = await context.bot.create_forum_topic(chat.id, name[:TOPIC_NAME_MAX])
    except TelegramError as error:
        logger.info("Could not make a thread in chat %s: %s", chat.id, error)
        return None
    thread_id = made.message_thread_id
    chats = context.bot_data.store.chats
    await chats.name_thread(chat.id, thread_id, name)
    await chats.move_subscription(chat.id, topic, MAIN_THREAD, thread_id)
    await context.bot.send_message(
        chat.id,
        context.texts.say("THREAD_WELCOME", name=render.escape(name)),
        message_thread_id=thread_id,
    )
    return thread_id


async def _live_thread(context: Context, chat: ChatInfo, topic: str) -> int | None:
    """The thread of its own the topic's subscription lives in, if it is not paused; those
    in paused threads (deleted or closed) are dropped on the way."""
    chats = context.bot_data.store.chats
    for thread_id, subscribed in await chats.subscribed_threads(chat.id):
        if subscribed != topic or thread_id == MAIN_THREAD:
            continue
        thread = await chats.thread(chat.id, thread_id)
        if thread is not None and not thread.paused:
            return thread_id
        await chats.unsubscribe(chat.id, topic, thread_id=thread_id)  # its thread is gone
    return None
