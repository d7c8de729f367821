"""/articles: every article, newest first; the one a chat chooses is what it reads."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler

from handlers.plumbing.context import Context
from handlers.plumbing.permissions import remember_chat
from handlers.plumbing.registry import Capability, Command, Handlers
from handlers.plumbing.replies import answer_press, pressed_button, reply, show_in_place
from handlers.presentation import render
from handlers.presentation.buttons import Action, encode, pattern
from handlers.presentation.views import button_label, main_menu

LISTED = 20


async def articles(update: Update, context: Context) -> None:
    """List the articles, newest first, as buttons."""
    tr = context.texts
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
    await remember_chat(update, context)
    await context.bot_data.store.chats.set_article(chat.id, pressed.article.id)
    await answer_press(pressed.query, context)
    text = pressed.tr.say("ARTICLE_CHOSEN", title=render.escape(pressed.article.title))
    await show_in_place(pressed.query, context, [text], main_menu(pressed.article.id, pressed.tr))


def _buttons() -> Handlers:
    return [CallbackQueryHandler(article_button, pattern=pattern(Action.ARTICLE))]


CAPABILITY = Capability("articles", commands=(Command("articles", articles),), handlers=_buttons)
