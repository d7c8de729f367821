"""The error handler: log first, then tell the user something short and kind."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import Forbidden, RetryAfter, TelegramError

from content.models import MAIN_THREAD
from handlers.plumbing.context import Context, resolve, thread_of
from handlers.plumbing.replies import ReplyCutShortError, answer_press, thread_gone
from handlers.presentation.texts import Texts, language_of_user, texts_for

logger = logging.getLogger(__name__)


async def on_error(update: object, context: Context) -> None:
    """Log the failure with its traceback; tell the chat it came from what happened."""
    if isinstance(update, Update) and await _in_a_closed_thread(update, context):
        return
    logger.error("Update %s caused an error", _update_id(update), exc_info=context.error)
    if not isinstance(update, Update):
        return
    try:
        if isinstance(context.error, ReplyCutShortError):
            await _say_cut_short(update, context, context.error)
        else:
            await _apologise(update, context, context.error)
    except TelegramError as error:
        # The note could not be delivered either (the chat is gone, the network is down).
        logger.warning("Could not tell the user about the error: %s", error)


async def _in_a_closed_thread(update: Update, context: Context) -> bool:
    """A reply refused because its topic is closed or gone: pause the thread, as a push
    would, and say nothing there (an apology would be refused too)."""
    chat, thread_id = update.effective_chat, thread_of(update.effective_message)
    if chat is None or thread_id == MAIN_THREAD or not thread_gone(context.error):
        return False
    reason = f"400 {context.error}"
    logger.info("Thread %s of chat %s is paused: %s", thread_id, chat.id, reason)
    try:
        await context.bot_data.store.chats.pause(chat.id, thread_id, reason)
    except Exception as error:  # noqa: BLE001 - the store's trouble: the next push pauses it
        logger.warning("Could not pause thread %s of chat %s: %s", thread_id, chat.id, error)
    return True


async def _apologise(update: Update, context: Context, error: object) -> None:
    """Stop a button's spinner with an apology; say sorry in the chat for anything else.

    A press answered before the error has had its one answer, so the chat is told. Not in
    the chat when Telegram refused us there: a 429 means it would refuse the apology too,
    and a 403 means nobody is left to read it.
    """
    tr = _texts_of_user(update)
    query = update.callback_query
    if query is not None and not context.bot_data.was_answered(query.id):
        await answer_press(query, context, tr.say("ERROR"))
    elif update.effective_message is not None and not isinstance(error, RetryAfter | Forbidden):
        message = update.effective_message
        await context.bot.send_message(
            message.chat_id, tr.say("ERROR"), message_thread_id=thread_of(message) or None
        )


async def _say_cut_short(update: Update, context: Context, error: ReplyCutShortError) -> None:
    """A long reply stopped part-way: say how far it got, and that asking again will do.

    A press was answered before its reply began, so only the note is left to send.
    """
    chat = update.effective_chat
    if chat is None:
        return
    # The error handler has a context of its own: work the language out again for it.
    try:
        await resolve(update, context)
        tr = context.texts
    except Exception:  # noqa: BLE001 - the store may be what failed; the user's app will do
        tr = _texts_of_user(update)
    note = tr.say("REPLY_CUT_SHORT", sent=error.sent, total=error.total)
    await context.bot.send_message(
        chat.id, note, message_thread_id=thread_of(update.effective_message) or None
    )


def _texts_of_user(update: Update) -> Texts:
    """The user's app language alone: the store may be what failed."""
    user = update.effective_user
    return texts_for(language_of_user(user.language_code if user else None))


def _update_id(update: object) -> object:
    return update.update_id if isinstance(update, Update) else update
