"""/sections: the article's headings as buttons, and each section shown in place."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler

from content.models import ArticleInfo
from handlers.plumbing.context import Context
from handlers.plumbing.registry import Capability, Command, Handlers
from handlers.plumbing.replies import (
    answer_command,
    answer_press,
    answer_stale,
    pressed_button,
    show_in_place,
)
from handlers.presentation.buttons import Action, pattern, small_number
from handlers.presentation.texts import Texts
from handlers.presentation.views import Rendered, section_list, section_reply

_SECTION_DIGITS = 6


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
    headings = await context.bot_data.store.headings(pressed.article)
    rendered = section_list(pressed.article, headings, pressed.tr, page)
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
    rendered = section_reply(view, pressed.tr)
    await show_in_place(pressed.query, context, rendered.chunks, rendered.keyboard)


async def _first_page(article: ArticleInfo, context: Context, tr: Texts) -> Rendered:
    return section_list(article, await context.bot_data.store.headings(article), tr, 0)


def _buttons() -> Handlers:
    return [
        CallbackQueryHandler(sections_button, pattern=pattern(Action.SECTIONS)),
        CallbackQueryHandler(section_button, pattern=pattern(Action.SECTION)),
    ]


CAPABILITY = Capability("sections", commands=(Command("sections", sections),), handlers=_buttons)
