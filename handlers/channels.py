"""Channels: the settings their administrators see in private, and /channels."""

from __future__ import annotations

import time

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from content.models import ChatInfo
from content.ports import EVERYTHING
from handlers import render
from handlers.callbacks import Action, answer_press, decoded_press, encode, pattern
from handlers.context import NEW_MESSAGES, Context
from handlers.digests import reschedule
from handlers.language import texts_of
from handlers.permissions import is_admin
from handlers.replies import reply, show_in_place
from handlers.texts import Texts

# The digest button steps through these times ('' is off).
DIGEST_CHOICES = ("", "08:00", "13:00", "20:00")


def escape_title(channel: ChatInfo) -> str:
    """The channel's title, safe for HTML."""
    return render.escape(channel.title or str(channel.id))


def add_to_channel_link(bot_username: str) -> str:
    """A link that opens Telegram's "add to channel" screen with the right to post asked for."""
    return f"https://t.me/{bot_username}?startchannel&admin=post_messages"


async def settings_view(
    channel: ChatInfo, context: Context, tr: Texts
) -> tuple[str, InlineKeyboardMarkup]:
    """The channel's settings as text and as buttons that change them."""
    posting = EVERYTHING in await context.bot_data.store.chats.subscriptions(channel.id)
    post_state = tr.say("ON") if posting else tr.say("OFF")
    digest_state = channel.digest_time or tr.say("OFF")
    text = tr.say(
        "CHANNEL_SETTINGS", title=escape_title(channel), post=post_state, digest=digest_state
    )
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    tr.say("BUTTON_CHANNEL_POST", state=post_state),
                    callback_data=encode(Action.CHANNEL_POST, channel.id),
                ),
                InlineKeyboardButton(
                    tr.say("BUTTON_CHANNEL_DIGEST", state=digest_state),
                    callback_data=encode(Action.CHANNEL_DIGEST, channel.id),
                ),
            ]
        ]
    )
    return text, keyboard


async def welcome(channel: ChatInfo, context: Context, tr: Texts) -> list[str]:
    """What the user who added the bot to a channel is told: settings and a preview."""
    settings, _ = await settings_view(channel, context, tr)
    chunks = [f"{tr.say('CHANNEL_ADDED', title=escape_title(channel))}\n{settings}"]
    store = context.bot_data.store
    article = await store.current_article()
    if article is not None:
        chunks.append(tr.say("CHANNEL_PREVIEW"))
        chunks.extend(render.new_article(await store.summary(article), [], tr))
    return chunks


async def channels_command(update: Update, context: Context) -> None:
    """List the channels the user administers, each with its settings as buttons."""
    tr = await texts_of(update, context)
    user = update.effective_user
    if user is None:
        return
    mine = [
        channel
        for channel in await context.bot_data.store.chats.channels()
        if await is_admin(context, channel.id, user.id)
    ]
    if not mine:
        link = render.escape(add_to_channel_link(context.bot.username))
        await reply(update, [tr.say("CHANNELS_NONE", link=link)])
        return
    await reply(update, [tr.say("CHANNELS_TITLE")])
    for channel in mine:
        text, keyboard = await settings_view(channel, context, tr)
        await reply(update, [text], keyboard)


async def setting_button(update: Update, context: Context) -> None:
    """Toggle posting, or step the digest time, of a channel the presser administers."""
    tr = await texts_of(update, context)
    press = decoded_press(update)
    if press is None:
        return
    query, callback = press
    chats = context.bot_data.store.chats
    channel = await chats.get(callback.article_id)
    if channel is None or not await is_admin(context, channel.id, query.from_user.id):
        await answer_press(query, context, tr.say("CHANNEL_ADMINS_ONLY"), alert=True)
        return
    if callback.action == Action.CHANNEL_POST:
        await _toggle_posting(channel, context)
    else:
        following = DIGEST_CHOICES[(_digest_index(channel) + 1) % len(DIGEST_CHOICES)]
        await chats.set_digest(channel.id, following, time.time())
    updated = await reschedule(context, channel.id)
    if updated is None:
        return
    await answer_press(query, context)
    text, keyboard = await settings_view(updated, context, tr)
    await show_in_place(query, context, [text], keyboard)


async def _toggle_posting(channel: ChatInfo, context: Context) -> None:
    chats = context.bot_data.store.chats
    if not await chats.unsubscribe(channel.id, EVERYTHING):
        await chats.subscribe(channel.id, EVERYTHING, time.time())


def _digest_index(channel: ChatInfo) -> int:
    return (
        DIGEST_CHOICES.index(channel.digest_time) if channel.digest_time in DIGEST_CHOICES else 0
    )


def handlers() -> list[BaseHandler[Update, Context, None]]:
    """This module's handlers."""
    return [
        CommandHandler(
            "channels", channels_command, filters=NEW_MESSAGES & filters.ChatType.PRIVATE
        ),
        CallbackQueryHandler(setting_button, pattern=pattern(Action.CHANNEL_POST)),
        CallbackQueryHandler(setting_button, pattern=pattern(Action.CHANNEL_DIGEST)),
    ]
