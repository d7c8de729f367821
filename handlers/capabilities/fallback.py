"""Unknown commands get a pointer to /help; commands meant for other bots are left alone."""

from __future__ import annotations

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import CallbackQueryHandler, MessageHandler, filters

from handlers.plumbing.context import Context
from handlers.plumbing.registry import Capability, Handlers
from handlers.plumbing.replies import answer_stale, reply


async def unknown_command(update: Update, context: Context) -> None:
    """Point to /help, unless the command is addressed to another bot.

    In a group, a command without @ThisBot may belong to any bot there, so only a command
    addressed to this bot by name is answered.
    """
    message = update.effective_message
    if message is None or not message.text:
        return
    target = message.text.split(maxsplit=1)[0].partition("@")[2]
    if target and target.lower() != (context.bot.username or "").lower():
        return
    if not target and message.chat.type != ChatType.PRIVATE:
        return
    await reply(update, [context.texts.say("UNKNOWN_COMMAND")])


async def unknown_button(update: Update, context: Context) -> None:
    """A button no handler knows (an old message, another version's data): say so briefly."""
    query = update.callback_query
    if query is not None:
        await answer_stale(query, context, context.texts)


def _last() -> Handlers:
    return [
        MessageHandler(filters.COMMAND & filters.UpdateType.MESSAGE, unknown_command),
        CallbackQueryHandler(unknown_button),
    ]


# Registered after every other capability: it takes what nobody else claimed.
CAPABILITY = Capability("fallback", handlers=_last)
