"""/sections: the article's headings as buttons, and each section shown in place."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from content.models import ArticleInfo, SectionView
from handlers import render
from handlers.callbacks import Action, encode, pattern, small_number
from handlers.context import NEW_MESSAGES, Context
from handlers.inline import share_button
from handlers.replies import (
    Rendered,
    answer_button,
    answer_command,
    answer_stale,
    pressed_button,
    show_in_place,
)
from handlers.texts import Texts

_SECTION_DIGITS = 6


async def sections(update: Update, context: Context) -> None:
    """List the current article's sections as buttons, the lead first."""
    await answer_command(update, context, _section_list)


async def sections_button(update: Update, context: Context) -> None:
    """Show the list of sections, replacing the message whose button was pressed."""
    await answer_button(update, context, _section_list, in_place=True)


async def section_button(update: Update, context: Context) -> None:
    """Show one section in place of the list (or of the section it was reached from)."""
    pressed = await pressed_button(update, context)
    if pressed is None:
        return
    number = small_number(pressed.arg, _SECTION_DIGITS)
    number = -1 if number is None else number
    view = await context.bot_data.store.section(pressed.article, number)
    if view is None:
        await answer_stale(pressed.query, pressed.tr)
        return
    await pressed.query.answer()
    tr = pressed.tr
    await show_in_place(pressed.query, context, render.section(view, tr), navigation(view, tr))


async def _section_list(article: ArticleInfo, context: Context, tr: Texts) -> Rendered:
    headings = await context.bot_data.store.headings(article)
    rows = [
        [
            InlineKeyboardButton(
                render.heading_for(heading, tr),
                callback_data=encode(Action.SECTION, article.id, number),
            )
        ]
        for number, heading in headings
    ]
    text = tr.say("SECTIONS_TITLE", title=render.escape(article.title))
    return Rendered([text], InlineKeyboardMarkup(rows))


def navigation(view: SectionView, tr: Texts) -> InlineKeyboardMarkup:
    """◀ / ▶ to the neighbouring sections and a way back to the list."""
    article_id = view.article.id
    row = []
    if view.previous is not None:
        row.append(
            InlineKeyboardButton(
                tr.say("BUTTON_PREVIOUS"),
                callback_data=encode(Action.SECTION, article_id, view.previous),
            )
        )
    row.append(
        InlineKeyboardButton(
            tr.say("BUTTON_BACK_TO_SECTIONS"), callback_data=encode(Action.SECTIONS, article_id)
        )
    )
    if view.next is not None:
        row.append(
            InlineKeyboardButton(
                tr.say("BUTTON_NEXT"), callback_data=encode(Action.SECTION, article_id, view.next)
            )
        )
    if tr.rtl:
        # Arabic reads right to left: "previous" belongs on the right, "next" on the left.
        row.reverse()
    return InlineKeyboardMarkup([row, [share_button(tr, view.article, f"s{view.number}")]])


def handlers() -> list[BaseHandler[Update, Context, None]]:
    """This module's handlers, in the order they are tried."""
    return [
        CommandHandler("sections", sections, filters=NEW_MESSAGES),
        CallbackQueryHandler(sections_button, pattern=pattern(Action.SECTIONS)),
        CallbackQueryHandler(section_button, pattern=pattern(Action.SECTION)),
    ]
