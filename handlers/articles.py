"""/articles: every article, newest first; the one a chat chooses is what it reads."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from handlers import render
from handlers.callbacks import Action, answer_press, encode, pattern
from handlers.context import NEW_MESSAGES, Context
from handlers.language import texts_of
from handlers.permissions import remember_chat
from handlers.replies import main_menu, pressed_button, reply, show_in_place

LISTED = 20
_LABEL_MAX = 60  # characters of a title on a button


async def articles(update: Update, context: Context) -> None:
    """List the articles, newest first, as buttons."""
    tr = await texts_of(update, context)
    listed = await context.bot_data.store.articles(LISTED)
    if not listed:
        await reply(update, [tr.say("NO_ARTICLES")])
        return
    rows = [
        [InlineKeyboardButton(button_label(a.title), callback_data=encode(Action.ARTICLE, a.id))]
        for a in listed
    ]
    await reply(update, [tr.say("ARTICLES_TITLE")], InlineKeyboardMarkup(rows))


async def article_button(update: Update, context: Context) -> None:
    """Make the chosen article the chat's, and offer its parts."""
    pressed = await pressed_button(update, context)
    chat = update.effective_chat
    if pressed is None or chat is None:
        return
    await remember_chat(chat, context, update.effective_user)
    await context.bot_data.store.chats.set_article(chat.id, pressed.article.id)
    await answer_press(pressed.query, context)
    text = pressed.tr.say("ARTICLE_CHOSEN", title=render.escape(pressed.article.title))
    await show_in_place(pressed.query, context, [text], main_menu(pressed.article.id, pressed.tr))


def button_label(title: str) -> str:
    """A title short enough for a button."""
    return title if len(title) <= _LABEL_MAX else title[: _LABEL_MAX - 1] + "…"


def handlers() -> list[BaseHandler[Update, Context, None]]:
    """This module's handlers."""
    return [
        CommandHandler("articles", articles, filters=NEW_MESSAGES),
        CallbackQueryHandler(article_button, pattern=pattern(Action.ARTICLE)),
    ]
