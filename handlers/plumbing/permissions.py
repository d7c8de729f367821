"""Who may change a chat's settings: anyone in private, administrators in groups."""

from __future__ import annotations

import logging
import time

from telegram import Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import TelegramError

from content.models import ChatInfo
from handlers.plumbing.context import Context
from handlers.presentation.texts import language_of_user

logger = logging.getLogger(__name__)

# How long an answer to "is this user an administrator here?" is trusted.
ADMIN_CACHE_SECONDS = 60.0
ADMIN_STATUSES = frozenset({ChatMemberStatus.OWNER, ChatMemberStatus.ADMINISTRATOR})


async def remember_chat(update: Update, context: Context) -> ChatInfo | None:
    """Record the chat an update came from; a chat that comes back is active again.

    In a private chat, the user's app language is kept too: pushes speak it until /lang.
    """
    chat, user = update.effective_chat, update.effective_user
    if chat is None:
        return None
    title = chat.title or chat.full_name or ""
    app_language = ""
    if user is not None and chat.type == ChatType.PRIVATE and user.language_code:
        app_language = language_of_user(user.language_code)
    recorded = await context.bot_data.store.chats.record(
        chat.id, chat.type, title, time.time(), app_language=app_language
    )
    context.knows(recorded)
    return recorded


async def is_admin(context: Context, chat_id: int, user_id: int) -> bool:
    """Whether ``user_id`` administers ``chat_id``, asked of Telegram and cached briefly."""
    cache = context.bot_data.admin_cache
    now = time.monotonic()
    cached = cache.get((chat_id, user_id))
    if cached and cached[1] > now:
        return cached[0]
    try:
        member = await context.bot.get_chat_member(chat_id, user_id)
    except TelegramError as error:
        logger.info("Could not check %s in chat %s: %s", user_id, chat_id, error)
        return False
    answer = member.status in ADMIN_STATUSES
    cache[(chat_id, user_id)] = (answer, now + ADMIN_CACHE_SECONDS)
    return answer


async def may_change_settings(update: Update, context: Context) -> bool:
    """In a private chat anyone may; in a group or channel only its administrators.

    A press is always checked against the presser's rights, asked of Telegram: the message
    under the button may well be the channel's own post, and its data can be forged. A new
    message sent as the chat itself is from an anonymous administrator (in a group) or from
    the channel's administrators (a channel post): nobody else can send one.
    """
    chat = update.effective_chat
    if chat is None or chat.type == ChatType.PRIVATE:
        return True
    if update.callback_query is not None:
        return await is_admin(context, chat.id, update.callback_query.from_user.id)
    message = update.message or update.channel_post
    if message is not None and message.sender_chat is not None:
        return message.sender_chat.id == chat.id
    user = update.effective_user
    return user is not None and await is_admin(context, chat.id, user.id)
