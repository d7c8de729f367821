"""Answering: the article a chat reads, and rendered replies sent in its thread, several
messages when needed, buttons under the last one.

Parse mode and link previews come from the Application's Defaults, the same for every send.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from telegram import Bot, CallbackQuery, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest, Forbidden, TelegramError

from content.library import chat_article as reading_article
from content.models import MAIN_THREAD, ArticleInfo
from content.topics import Topic
from handlers.plumbing.context import Context, thread_of
from handlers.presentation.buttons import Callback, decode
from handlers.presentation.texts import Texts
from handlers.presentation.views import Rendered, TopicFacts

logger = logging.getLogger(__name__)


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

    # In a forum topic, the answer goes to the topic the message was sent in; a thread id
    # no topic can have (forged) is read as none rather than sent back.
    thread_id = thread_of(message)
    await _send(message.get_bot(), message.chat_id, chunks, keyboard, thread_id=thread_id)


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
            await _send(
                context.bot, message.chat.id, chunks, keyboard, thread_id=context.thread_id
            )
        return
    first, rest = chunks[0], chunks[1:]
    try:
        await message.edit_text(first, reply_markup=None if rest else keyboard)
    except BadRequest as error:
        if not unchanged(error):
            raise
    if rest:
        thread_id = thread_of(message)
        await _send(context.bot, message.chat.id, rest, keyboard, already=1, thread_id=thread_id)


async def _send(
    bot: Bot,
    chat_id: int,
    chunks: list[str],
    keyboard: InlineKeyboardMarkup | None,
    *,
    already: int = 0,
    thread_id: int = MAIN_THREAD,
) -> None:
    async def send(chunk: str, markup: InlineKeyboardMarkup | None) -> object:
        return await bot.send_message(
            chat_id, chunk, reply_markup=markup, message_thread_id=thread_id or None
        )

    await send_parts(send, chunks, keyboard, already=already)


async def answer_stale(query: CallbackQuery, context: Context, tr: Texts) -> None:
    """Tell the presser that the button no longer leads anywhere."""
    await answer_press(query, context, tr.say("STALE_BUTTON"))


async def chat_article(update: Update, context: Context) -> ArticleInfo | None:
    """The article this chat reads: the one it chose with /articles, else the newest."""
    chat = update.effective_chat
    return await reading_article(context.bot_data.store, chat.id if chat else None)


async def current_article(update: Update, context: Context) -> ArticleInfo | None:
    """The article commands answer for; tells the user when there is none yet."""
    article = await chat_article(update, context)
    if article is None:
        await reply(update, [context.texts.say("NO_ARTICLES")])
    return article


async def topic_facts(context: Context, article: ArticleInfo, topic: Topic) -> TopicFacts:
    """What the store says of ``topic`` for its reply: briefing, the article's topics, and
    other articles on it."""
    store = context.bot_data.store
    return TopicFacts(
        await store.topic_briefing(article, topic.command),
        context.bot_data.lexicon.ordered(await store.topics_of(article)),
        await store.articles_on(topic.command, besides=article.id),
    )


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
    tr = context.texts
    callback = decode(query.data)
    article = await context.bot_data.store.article(callback.article_id) if callback else None
    if callback is None or article is None:
        await answer_stale(query, context, tr)
        return None
    return Pressed(query, article, callback.arg, tr)


ArticleView = Callable[[ArticleInfo, Context, Texts], Awaitable[Rendered]]


async def answer_command(update: Update, context: Context, view: ArticleView) -> None:
    """Reply to a command with ``view`` of the current article."""
    article = await current_article(update, context)
    if article is not None:
        rendered = await view(article, context, context.texts)
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


def decoded_press(update: Update) -> tuple[CallbackQuery, Callback] | None:
    """The pressed button's query and its decoded data, when the update is one of ours."""
    query = update.callback_query
    callback = decode(query.data) if query else None
    return (query, callback) if query is not None and callback is not None else None


async def answer_press(
    query: CallbackQuery, context: Context, text: str | None = None, *, alert: bool = False
) -> None:
    """Stop the press's spinner (with ``text``, if any), and remember it was answered.

    Telegram takes one answer a press: an error after this one is told in the chat instead.
    """
    await query.answer(text, show_alert=alert)
    context.bot_data.press_answered(query.id)


def unchanged(error: BadRequest) -> bool:
    """Whether Telegram refused an edit only because the message already shows it.

    Two people pressing one button, or one pressing it again later, ask for the same edit.
    """
    return "not modified" in error.message.lower()


# Telegram's words for a forum topic (or private-chat thread) that takes no more posts.
_THREAD_GONE = ("topic_closed", "topic_deleted", "topic_id_invalid", "message thread not found")


def thread_gone(error: BaseException | None) -> bool:
    """Whether Telegram refused a post because its topic is closed or gone."""
    return isinstance(error, BadRequest) and any(
        words in error.message.lower() for words in _THREAD_GONE
    )
