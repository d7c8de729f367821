"""Sending rendered replies: several messages when needed, buttons under the last one."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from telegram import (
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    Message,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import filters

from content.models import ArticleInfo
from handlers import texts
from handlers.callbacks import Action, decode, encode
from handlers.context import Context

logger = logging.getLogger(__name__)

_NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
# Commands answer new messages only: an edited command would otherwise be answered twice.
NEW_MESSAGES = filters.UpdateType.MESSAGE


async def reply(
    update: Update, chunks: list[str], keyboard: InlineKeyboardMarkup | None = None
) -> None:
    """Answer the update's message with ``chunks``, buttons under the last one."""
    message = update.effective_message
    if message is None:
        return
    for number, chunk in enumerate(chunks, 1):
        await message.reply_text(
            chunk,
            parse_mode=ParseMode.HTML,
            link_preview_options=_NO_PREVIEW,
            reply_markup=keyboard if number == len(chunks) else None,
        )


async def show_in_place(
    query: CallbackQuery,
    context: Context,
    chunks: list[str],
    keyboard: InlineKeyboardMarkup | None = None,
) -> None:
    """Replace the pressed message with ``chunks``; what does not fit follows as new messages."""
    message = query.message
    if not isinstance(message, Message):
        # Too old to edit (Telegram no longer shares it): post the answer instead.
        if message is not None:
            await _send(context, message.chat.id, chunks, keyboard)
        return
    first, rest = chunks[0], chunks[1:]
    try:
        await message.edit_text(
            first,
            parse_mode=ParseMode.HTML,
            link_preview_options=_NO_PREVIEW,
            reply_markup=None if rest else keyboard,
        )
    except BadRequest as error:
        if "not modified" not in error.message.lower():
            raise
    if rest:
        await _send(context, message.chat.id, rest, keyboard)


async def _send(
    context: Context, chat_id: int, chunks: list[str], keyboard: InlineKeyboardMarkup | None
) -> None:
    for number, chunk in enumerate(chunks, 1):
        await context.bot.send_message(
            chat_id,
            chunk,
            parse_mode=ParseMode.HTML,
            link_preview_options=_NO_PREVIEW,
            reply_markup=keyboard if number == len(chunks) else None,
        )


async def answer_stale(query: CallbackQuery) -> None:
    """Tell the presser that the button no longer leads anywhere."""
    await query.answer(texts.STALE_BUTTON, show_alert=False)


def main_menu(article_id: int) -> InlineKeyboardMarkup:
    """Buttons for the summary, the sections and the topics of an article."""
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    texts.BUTTON_SUMMARY, callback_data=encode(Action.SUMMARY, article_id)
                ),
                InlineKeyboardButton(
                    texts.BUTTON_SECTIONS, callback_data=encode(Action.SECTIONS, article_id)
                ),
                InlineKeyboardButton(
                    texts.BUTTON_TOPICS, callback_data=encode(Action.TOPICS, article_id)
                ),
            ]
        ]
    )


async def current_article(update: Update, context: Context) -> ArticleInfo | None:
    """The article commands answer for; tells the user when there is none yet."""
    article = await context.bot_data.store.current_article()
    if article is None:
        await reply(update, [texts.NO_ARTICLES])
    return article


@dataclass(frozen=True, slots=True)
class Pressed:
    """A button press on one of our messages: the query, its article and the button's argument."""

    query: CallbackQuery
    article: ArticleInfo
    arg: str


async def pressed_button(update: Update, context: Context) -> Pressed | None:
    """The press behind this update; a stale or foreign button is answered and gives None."""
    query = update.callback_query
    if query is None:
        return None
    callback = decode(query.data)
    article = await context.bot_data.store.article(callback.article_id) if callback else None
    if callback is None or article is None:
        await answer_stale(query)
        return None
    return Pressed(query, article, callback.arg)


@dataclass(frozen=True, slots=True)
class Rendered:
    """A reply ready to send: its messages, and the buttons under the last one."""

    chunks: list[str]
    keyboard: InlineKeyboardMarkup | None = None


ArticleView = Callable[[ArticleInfo, Context], Awaitable[Rendered]]


async def answer_command(update: Update, context: Context, view: ArticleView) -> None:
    """Reply to a command with ``view`` of the current article."""
    article = await current_article(update, context)
    if article is not None:
        rendered = await view(article, context)
        await reply(update, rendered.chunks, rendered.keyboard)


async def answer_button(
    update: Update, context: Context, view: ArticleView, *, in_place: bool
) -> None:
    """Answer a button press with ``view`` of its article, in place or as a new message."""
    pressed = await pressed_button(update, context)
    if pressed is None:
        return
    await pressed.query.answer()
    rendered = await view(pressed.article, context)
    if in_place:
        await show_in_place(pressed.query, context, rendered.chunks, rendered.keyboard)
    else:
        await reply(update, rendered.chunks, rendered.keyboard)
