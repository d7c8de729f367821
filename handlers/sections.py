"""/sections: the article's headings as buttons, and each section shown in place."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from content.models import ArticleInfo, SectionView
from handlers import render
from handlers.callbacks import Action, answer_press, encode, pattern, small_number
from handlers.context import NEW_MESSAGES, Context
from handlers.inline import share_button
from handlers.replies import (
    Rendered,
    answer_command,
    answer_stale,
    page_buttons,
    page_count,
    pressed_button,
    show_in_place,
)
from handlers.texts import Texts

_SECTION_DIGITS = 6
SECTIONS_PER_PAGE = 10


async def sections(update: Update, context: Context) -> None:
    """List the current article's sections as buttons, the lead first."""
    await answer_command(update, context, _first_page)


async def sections_button(update: Update, context: Context) -> None:
    """Show a page of the list of sections, replacing the message whose button was pressed."""
    pressed = await pressed_button(update, context)
    if pressed is None:
        return
    await answer_press(pressed.query, context)
    page = small_number(pressed.arg, _SECTION_DIGITS) or 0
    rendered = await section_list(pressed.article, context, pressed.tr, page)
    await show_in_place(pressed.query, context, rendered.chunks, rendered.keyboard)


async def section_button(update: Update, context: Context) -> None:
    """Show one section in place of the list (or of the section it was reached from)."""
    pressed = await pressed_button(update, context)
    if pressed is None:
        return
    number = small_number(pressed.arg, _SECTION_DIGITS)
    number = -1 if number is None else number
    view = await context.bot_data.store.section(pressed.article, number)
    if view is None:
        await answer_stale(pressed.query, context, pressed.tr)
        return
    await answer_press(pressed.query, context)
    tr = pressed.tr
    await show_in_place(pressed.query, context, render.section(view, tr), navigation(view, tr))


async def _first_page(article: ArticleInfo, context: Context, tr: Texts) -> Rendered:
    return await section_list(article, context, tr, 0)


async def section_list(article: ArticleInfo, context: Context, tr: Texts, page: int) -> Rendered:
    """One page of the article's headings as buttons (an article may have thousands)."""
    headings = await context.bot_data.store.headings(article)
    pages = page_count(len(headings), SECTIONS_PER_PAGE)
    page = min(max(page, 0), pages - 1)
    shown = headings[page * SECTIONS_PER_PAGE : (page + 1) * SECTIONS_PER_PAGE]
    rows = [
        [
            InlineKeyboardButton(
                render.heading_for(heading, tr),
                callback_data=encode(Action.SECTION, article.id, number),
            )
        ]
        for number, heading in shown
    ]
    text = tr.say("SECTIONS_TITLE", title=render.escape(article.title))
    if pages > 1:
        text += "\n" + tr.say("LIST_PAGE", page=page + 1, pages=pages)
        rows.append(page_buttons(Action.SECTIONS, article.id, page, pages, tr))
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
            tr.say("BUTTON_BACK_TO_SECTIONS"),
            # Back to the page of the list that holds this section.
            callback_data=encode(
                Action.SECTIONS, article_id, (view.index - 1) // SECTIONS_PER_PAGE
            ),
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
