"""Channels: the settings their administrators see in private, and /channels."""

from __future__ import annotations

import time

from telegram import Update
from telegram.ext import CallbackQueryHandler

from content.models import ChatInfo
from content.ports import EVERYTHING
from handlers.plumbing.context import Context
from handlers.plumbing.permissions import is_admin
from handlers.plumbing.registry import Audience, Capability, Command, Handlers
from handlers.plumbing.replies import answer_press, decoded_press, reply, show_in_place
from handlers.presentation import render
from handlers.presentation.buttons import Action, pattern
from handlers.presentation.texts import Texts
from handlers.presentation.views import Rendered, add_to_channel_link, channel_settings

# The digest button steps through these times ('' is off).
DIGEST_CHOICES = ("", "08:00", "13:00", "20:00")


async def settings_view(channel: ChatInfo, context: Context, tr: Texts) -> Rendered:
    """The channel's settings as the store holds them, as text and buttons."""
    chats = context.bot_data.store.chats
    posting = EVERYTHING in await chats.subscriptions(channel.id)
    thread = await chats.thread(channel.id)
    return channel_settings(channel, posting, thread.digest_time if thread else "", tr)


async def channels_command(update: Update, context: Context) -> None:
    """List the channels the user administers, each with its settings as buttons."""
    tr = context.texts
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
        rendered = await settings_view(channel, context, tr)
        await reply(update, rendered.chunks, rendered.keyboard)


async def setting_button(update: Update, context: Context) -> None:
    """Toggle posting, or step the digest time, of a channel the presser administers."""
    tr = context.texts
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
        thread = await chats.thread(channel.id)
        following = _next_digest_time(thread.digest_time if thread else "")
        await chats.set_digest(channel.id, following, time.time())
        await context.bot_data.digest_changed(channel.id)
    await answer_press(query, context)
    rendered = await settings_view(channel, context, tr)
    await show_in_place(query, context, rendered.chunks, rendered.keyboard)


async def _toggle_posting(channel: ChatInfo, context: Context) -> None:
    chats = context.bot_data.store.chats
    if not await chats.unsubscribe(channel.id, EVERYTHING):
        await chats.subscribe(channel.id, EVERYTHING, time.time())


def _next_digest_time(current: str) -> str:
    index = DIGEST_CHOICES.index(current) if current in DIGEST_CHOICES else 0
    return DIGEST_CHOICES[(index + 1) % len(DIGEST_CHOICES)]


def _buttons() -> Handlers:
    return [
        CallbackQueryHandler(setting_button, pattern=pattern(Action.CHANNEL_POST)),
        CallbackQueryHandler(setting_button, pattern=pattern(Action.CHANNEL_DIGEST)),
    ]


CAPABILITY = Capability(
    "channels",
    commands=(Command("channels", channels_command, Audience.PRIVATE),),
    handlers=_buttons,
)
