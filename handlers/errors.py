"""The error handler: log first, then tell the user something short and kind."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import TelegramError

from handlers.context import Context
from handlers.texts import language_of_user, texts_for

logger = logging.getLogger(__name__)


async def on_error(update: object, context: Context) -> None:
    """Log the failure with its traceback; apologise to the chat it came from."""
    logger.error("Update %s caused an error", _update_id(update), exc_info=context.error)
    if not isinstance(update, Update):
        return
    # From the user's app alone: the store may be what failed.
    user = update.effective_user
    tr = texts_for(language_of_user(user.language_code if user else None))
    try:
        if update.callback_query is not None:
            await update.callback_query.answer(tr.say("ERROR"))
        elif update.effective_message is not None:
            await update.effective_message.reply_text(tr.say("ERROR"))
    except TelegramError as error:
        # The apology could not be delivered either (the chat is gone, the network is down).
        logger.warning("Could not tell the user about the error: %s", error)


def _update_id(update: object) -> object:
    return update.update_id if isinstance(update, Update) else update
