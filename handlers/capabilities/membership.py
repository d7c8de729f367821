"""Which chats the bot is in, learnt from the updates themselves, and who administers them."""

from __future__ import annotations

import logging
import time

from telegram import ChatMember, ChatMemberUpdated, Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import Forbidden
from telegram.ext import ChatMemberHandler, MessageHandler, filters

from content.models import ChatInfo
from content.ports import EVERYTHING
from handlers.plumbing.context import Context
from handlers.plumbing.permissions import ADMIN_STATUSES, remember_chat
from handlers.plumbing.registry import Capability, Handlers
from handlers.presentation import render
from handlers.presentation.texts import Texts, language_of_user, texts_for
from handlers.presentation.views import channel_settings, channel_title

logger = logging.getLogger(__name__)

_PRESENT_STATUSES = ADMIN_STATUSES | {ChatMemberStatus.MEMBER, ChatMemberStatus.RESTRICTED}


async def membership_changed(update: Update, context: Context) -> None:
    """The bot was added to, removed from, blocked or unblocked in a chat."""
    change = update.my_chat_member
    if change is None:
        return
    if change.chat.type == ChatType.CHANNEL:
        await _channel_changed(change, context)
        return
    chats = context.bot_data.store.chats
    if change.new_chat_member.status in _PRESENT_STATUSES:
        await remember_chat(update, context)
        logger.info("Now in %s %s", change.chat.type, change.chat.id)
    else:
        await chats.deactivate(change.chat.id, f"bot is {change.new_chat_member.status}")
        logger.info("No longer in %s %s", change.chat.type, change.chat.id)


async def _channel_changed(change: ChatMemberUpdated, context: Context) -> None:
    """Register a channel the bot may post in; pause it, and tell its owner, when not."""
    chats = context.bot_data.store.chats
    known = await chats.get(change.chat.id)
    if _can_post(change.new_chat_member):
        channel = await chats.record(
            change.chat.id, ChatType.CHANNEL, change.chat.title or "", time.time(),
            owner_id=change.from_user.id,
        )  # fmt: skip
        if known is None or not known.active:
            await chats.subscribe(channel.id, EVERYTHING, time.time())
            tr = await _texts_of_user(context, change.from_user.id, change.from_user.language_code)
            await _tell(context, change.from_user.id, await _welcome(channel, context, tr))
        return
    if known is None or not known.active:
        return
    owner = known.owner_id
    tr = await _texts_of_user(context, owner, None) if owner else texts_for(None)
    removed = change.new_chat_member.status not in _PRESENT_STATUSES
    reason = tr.say("CHANNEL_REASON_REMOVED") if removed else tr.say("CHANNEL_REASON_NO_RIGHTS")
    await chats.deactivate(change.chat.id, reason)
    if owner is not None:
        title = channel_title(known)
        await _tell(context, owner, [tr.say("CHANNEL_PAUSED", title=title, reason=reason)])


async def _welcome(channel: ChatInfo, context: Context, tr: Texts) -> list[str]:
    """What the user who added the bot to a channel is told: settings and a preview."""
    store = context.bot_data.store
    thread = await store.chats.thread(channel.id)
    settings = channel_settings(channel, True, thread.digest_time if thread else "", tr)
    chunks = [f"{tr.say('CHANNEL_ADDED', title=channel_title(channel))}\n{settings.chunks[0]}"]
    article = await store.current_article()
    if article is not None:
        chunks.append(tr.say("CHANNEL_PREVIEW"))
        chunks.extend(render.new_article(await store.summary(article), [], tr))
    return chunks


async def _texts_of_user(context: Context, user_id: int, language_code: str | None) -> Texts:
    """A user's language for a private message: chosen with /lang, else their app's."""
    private = await context.bot_data.store.chats.get(user_id)
    if private is not None and private.language:
        return texts_for(private.language)
    return texts_for(language_of_user(language_code) if language_code else None)


def _can_post(member: ChatMember) -> bool:
    if member.status == ChatMemberStatus.OWNER:
        return True
    return member.status == ChatMemberStatus.ADMINISTRATOR and bool(
        getattr(member, "can_post_messages", False)
    )


async def _tell(context: Context, user_id: int, chunks: list[str]) -> None:
    """Message a user privately; they may never have started the bot, which is fine."""
    try:
        for chunk in chunks:
            await context.bot.send_message(user_id, chunk)
    except Forbidden:
        logger.info("User %s has not started the bot; could not tell them", user_id)


async def group_migrated(update: Update, context: Context) -> None:
    """A group became a supergroup: its settings and subscriptions move to the new id."""
    message = update.effective_message
    if message is None or message.migrate_to_chat_id is None:
        return
    await context.bot_data.store.chats.migrate(message.chat.id, message.migrate_to_chat_id)
    logger.info("Group %s became supergroup %s", message.chat.id, message.migrate_to_chat_id)


def _handlers() -> Handlers:
    return [
        ChatMemberHandler(membership_changed, ChatMemberHandler.MY_CHAT_MEMBER),
        MessageHandler(filters.StatusUpdate.MIGRATE, group_migrated),
    ]


CAPABILITY = Capability("membership", handlers=_handlers)
