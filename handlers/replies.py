"""Sending rendered replies: several messages when needed, buttons under the last one."""

from __future__ import annotations

import html
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
from telegram.error import BadRequest, Forbidden, TelegramError

from content.models import ArticleInfo
from handlers.callbacks import Action, answer_press, decode, encode, unchanged
from handlers.context import Context
from handlers.language import texts_of
from handlers.texts import Texts

logger = logging.getLogger(__name__)

_NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


class ReplyCutShortError(Exception):
    """A reply of several messages stopped after ``sent`` of ``total``: the reader should know."""

    def __init__(self, sent: int, total: int) -> None:
        super().__init__(f"reply stopped after {sent} of {total} messages")
        self.sent = sent
        self.total = total


SendOne = Callable[[str, InlineKeyboardMarkup | None], Awaitable[object]]


async def send_parts(
    send: SendOne, chunks: list[str], keyboard: InlineKeyboardMarkup | None, *, already: int = 0
) -> None:
    """Send ``chunks`` in order with ``send``, buttons under the last one.

    The flood limiter has already waited out and retried any 429 it could. If a later part
    still fails, :class:`ReplyCutShortError` says how far the reply got, so the reader is told
    rather than left with half an answer. ``already`` counts parts sent before these.
    """
    total = already + len(chunks)
    for number, chunk in enumerate(chunks, already + 1):
        try:
            await send(chunk, keyboard if number == total else None)
        except TelegramError as error:
            if number == 1 or isinstance(error, Forbidden):
                raise  # nothing sent yet, or nobody left to tell
            raise ReplyCutShortError(number - 1, total) from error


async def reply(
    update: Update, chunks: list[str], keyboard: InlineKeyboardMarkup | None = None
) -> None:
    """Answer the update's message with ``chunks``, buttons under the last one."""
    message = update.effective_message
    if message is None:
        return

    async def send(chunk: str, markup: InlineKeyboardMarkup | None) -> object:
        return await message.reply_text(
            chunk, parse_mode=ParseMode.HTML, link_preview_options=_NO_PREVIEW, reply_markup=markup
        )

    await send_parts(send, chunks, keyboard)


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
        if not unchanged(error):
            raise
    if rest:
        await _send(context, message.chat.id, rest, keyboard, already=1)


async def _send(
    context: Context,
    chat_id: int,
    chunks: list[str],
    keyboard: InlineKeyboardMarkup | None,
    *,
    already: int = 0,
) -> None:
    async def send(chunk: str, markup: InlineKeyboardMarkup | None) -> object:
        return await context.bot.send_message(
            chat_id,
            chunk,
            parse_mode=ParseMode.HTML,
            link_preview_options=_NO_PREVIEW,
            reply_markup=markup,
        )

    await send_parts(send, chunks, keyboard, already=already)


async def answer_stale(query: CallbackQuery, context: Context, tr: Texts) -> None:
    """Tell the presser that the button no longer leads anywhere."""
    await answer_press(query, context, tr.say("STALE_BUTTON"))


def page_buttons(
    action: Action, article_id: int, page: int, pages: int, tr: Texts
) -> list[InlineKeyboardButton]:
    """◀ and ▶ between the pages of a long list, mirrored for a right-to-left reader."""
    buttons = []
    if page > 0:
        previous = encode(action, article_id, page - 1)
        buttons.append(InlineKeyboardButton(tr.say("BUTTON_PREVIOUS"), callback_data=previous))
    if page + 1 < pages:
        following = encode(action, article_id, page + 1)
        buttons.append(InlineKeyboardButton(tr.say("BUTTON_NEXT"), callback_data=following))
    return buttons[::-1] if tr.rtl else buttons


def page_count(items: int, per_page: int) -> int:
    """How many pages ``items`` fill, one at least."""
    return max(1, -(-items // per_page))


def main_menu(article_id: int, tr: Texts) -> InlineKeyboardMarkup:
    """Buttons for the summary, the sections and the topics of an article."""
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    tr.say("BUTTON_SUMMARY"), callback_data=encode(Action.SUMMARY, article_id)
                ),
                InlineKeyboardButton(
                    tr.say("BUTTON_SECTIONS"), callback_data=encode(Action.SECTIONS, article_id)
                ),
                InlineKeyboardButton(
                    tr.say("BUTTON_TOPICS"), callback_data=encode(Action.TOPICS, article_id)
                ),
            ]
        ]
    )


def start_card(article: ArticleInfo, tr: Texts) -> Rendered:
    """What the bot is, the article in hand, and buttons for its parts."""
    current = tr.say("CURRENT_ARTICLE", title=html.escape(article.title, quote=False))
    return Rendered([f"{tr.say('START')}\n\n{current}"], main_menu(article.id, tr))


async def chat_article(update: Update, context: Context) -> ArticleInfo | None:
    """The article this chat reads: the one it chose with /articles, else the newest."""
    store = context.bot_data.store
    chat = update.effective_chat
    chosen = await store.chats.article_of(chat.id) if chat else None
    article = await store.article(chosen) if chosen is not None else None
    return article or await store.current_article()


async def current_article(update: Update, context: Context) -> ArticleInfo | None:
    """The article commands answer for; tells the user when there is none yet."""
    article = await chat_article(update, context)
    if article is None:
        tr = await texts_of(update, context)
        await reply(update, [tr.say("NO_ARTICLES")])
    return article


@dataclass(frozen=True, slots=True)
class Pressed:
    """A button press on one of our messages: the query, its article and the button's argument."""

    query: CallbackQuery
    article: ArticleInfo
    arg: str
    tr: Texts


async def pressed_button(update: Update, context: Context) -> Pressed | None:
    """The press behind this update; a stale or foreign button is answered and gives None."""
    query = update.callback_query
    if query is None:
        return None
    tr = await texts_of(update, context)
    callback = decode(query.data)
    article = await context.bot_data.store.article(callback.article_id) if callback else None
    if callback is None or article is None:
        await answer_stale(query, context, tr)
        return None
    return Pressed(query, article, callback.arg, tr)


@dataclass(frozen=True, slots=True)
class Rendered:
    """A reply ready to send: its messages, and the buttons under the last one."""

    chunks: list[str]
    keyboard: InlineKeyboardMarkup | None = None


ArticleView = Callable[[ArticleInfo, Context, Texts], Awaitable[Rendered]]


async def answer_command(update: Update, context: Context, view: ArticleView) -> None:
    """Reply to a command with ``view`` of the current article."""
    article = await current_article(update, context)
    if article is not None:
        rendered = await view(article, context, await texts_of(update, context))
        await reply(update, rendered.chunks, rendered.keyboard)


async def answer_button(
    update: Update, context: Context, view: ArticleView, *, in_place: bool
) -> None:
    """Answer a button press with ``view`` of its article, in place or as a new message."""
    pressed = await pressed_button(update, context)
    if pressed is None:
        return
    await answer_press(pressed.query, context)
    rendered = await view(pressed.article, context, pressed.tr)
    if in_place:
        await show_in_place(pressed.query, context, rendered.chunks, rendered.keyboard)
    else:
        await reply(update, rendered.chunks, rendered.keyboard)
