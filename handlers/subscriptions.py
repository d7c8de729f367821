"""/subscribe, /unsubscribe and /subscriptions: which new articles reach this chat."""

from __future__ import annotations

import time

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from content.ports import EVERYTHING
from content.topics import Lexicon
from handlers import render
from handlers.callbacks import Action, answer_press, decoded_press, encode, pattern
from handlers.chat_settings import settings_request
from handlers.context import NEW_MESSAGES, Context
from handlers.language import texts_of
from handlers.permissions import may_change_settings
from handlers.replies import reply, show_in_place
from handlers.texts import Texts

_SUGGESTIONS = 5


async def subscribe(update: Update, context: Context) -> None:
    """Subscribe the chat to every new article, or to one topic's."""
    request = await settings_request(update, context)
    if request is None:
        return
    chat, tr, argument = request.chat, request.tr, request.argument
    topic = context.bot_data.lexicon.find(argument) if argument else None
    if argument and topic is None:
        await reply(update, [_unknown_topic(argument, context.bot_data.lexicon, tr)])
        return
    added = await context.bot_data.store.chats.subscribe(
        chat.id, topic.command if topic else EVERYTHING, time.time()
    )
    if not added:
        await reply(update, [tr.say("ALREADY_SUBSCRIBED")])
    elif topic is None:
        await reply(update, [tr.say("SUBSCRIBED_ALL")])
    else:
        await reply(
            update, [tr.say("SUBSCRIBED_TOPIC", label=render.escape(topic.label(tr.language)))]
        )


async def unsubscribe(update: Update, context: Context) -> None:
    """Remove one topic's subscription, or all of the chat's subscriptions."""
    request = await settings_request(update, context)
    if request is None:
        return
    chat, tr, argument = request.chat, request.tr, request.argument
    chats = context.bot_data.store.chats
    if not argument:
        count = await chats.unsubscribe(chat.id, None)
        await reply(update, [tr.say("UNSUBSCRIBED_ALL", count=count)])
        return
    topic = context.bot_data.lexicon.find(argument)
    if topic is None:
        await reply(update, [_unknown_topic(argument, context.bot_data.lexicon, tr)])
    elif await chats.unsubscribe(chat.id, topic.command):
        await reply(
            update, [tr.say("UNSUBSCRIBED_TOPIC", label=render.escape(topic.label(tr.language)))]
        )
    else:
        await reply(update, [tr.say("NOT_SUBSCRIBED")])


async def subscriptions(update: Update, context: Context) -> None:
    """List the chat's subscriptions, each with a button that removes it."""
    chat = update.effective_chat
    if chat is not None:
        text, keyboard = await _listing(chat.id, context, await texts_of(update, context))
        await reply(update, [text], keyboard)


async def unsubscribe_button(update: Update, context: Context) -> None:
    """Remove the subscription whose button was pressed, and show the list again."""
    tr = await texts_of(update, context)
    press = decoded_press(update)
    chat = update.effective_chat
    if press is None or chat is None:
        return
    query, callback = press
    if not await may_change_settings(update, context):
        await answer_press(query, context, tr.say("GROUP_ADMINS_ONLY"), alert=True)
        return
    await context.bot_data.store.chats.unsubscribe(chat.id, callback.arg)
    await answer_press(query, context)
    text, keyboard = await _listing(chat.id, context, tr)
    await show_in_place(query, context, [text], keyboard)


async def _listing(
    chat_id: int, context: Context, tr: Texts
) -> tuple[str, InlineKeyboardMarkup | None]:
    topics = await context.bot_data.store.chats.subscriptions(chat_id)
    if not topics:
        return tr.say("SUBSCRIPTIONS_NONE"), None
    lexicon = context.bot_data.lexicon
    rows = [
        [
            InlineKeyboardButton(
                f"✖ {_label(lexicon, topic, tr)}",
                callback_data=encode(Action.UNSUBSCRIBE, 0, topic),
            )
        ]
        for topic in topics
    ]
    return tr.say("SUBSCRIPTIONS_TITLE"), InlineKeyboardMarkup(rows)


def _label(lexicon: Lexicon, topic: str, tr: Texts) -> str:
    if topic == EVERYTHING:
        return tr.say("SUBSCRIPTION_ALL_LABEL")
    known = lexicon.get(topic)
    return known.label(tr.language) if known else topic


def _unknown_topic(argument: str, lexicon: Lexicon, tr: Texts) -> str:
    return tr.say(
        "UNKNOWN_TOPIC",
        topic=render.escape(argument[:64]),
        commands=render.commands_line(
            lexicon.closest(argument, lexicon.topics, _SUGGESTIONS), tr.language
        ),
    )


def handlers() -> list[BaseHandler[Update, Context, None]]:
    """This module's handlers."""
    return [
        CommandHandler("subscribe", subscribe, filters=NEW_MESSAGES),
        CommandHandler("unsubscribe", unsubscribe, filters=NEW_MESSAGES),
        CommandHandler("subscriptions", subscriptions, filters=NEW_MESSAGES),
        CallbackQueryHandler(unsubscribe_button, pattern=pattern(Action.UNSUBSCRIBE)),
    ]
