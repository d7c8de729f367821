"""/lang: which language the bot speaks in a chat."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest
from telegram.ext import CallbackQueryHandler

from handlers.plumbing.context import Context
from handlers.plumbing.permissions import may_change_settings, remember_chat
from handlers.plumbing.registry import Audience, Capability, Command, Handlers
from handlers.plumbing.replies import answer_press, decoded_press, unchanged
from handlers.presentation.buttons import Action, encode, pattern
from handlers.presentation.texts import LANGUAGES, texts_for

# Each language's name in itself, for its button.
_NAMES = {"ar": "العربية", "en": "English"}


async def lang(update: Update, context: Context) -> None:
    """Offer the languages as buttons."""
    tr = context.texts
    buttons = [
        InlineKeyboardButton(_NAMES[code], callback_data=encode(Action.LANGUAGE, 0, code))
        for code in LANGUAGES
    ]
    message = update.effective_message
    if message is not None:
        await message.reply_text(
            tr.say("LANG_PROMPT"), reply_markup=InlineKeyboardMarkup([buttons])
        )


async def language_button(update: Update, context: Context) -> None:
    """Store the chosen language for the chat, and answer in it."""
    press = decoded_press(update)
    chat = update.effective_chat
    if press is None or chat is None:
        return
    query, callback = press
    if callback.arg not in LANGUAGES:
        await answer_press(query, context)  # a forged language: answered, and nothing changes
        return
    if not await may_change_settings(update, context):
        await answer_press(query, context, context.texts.say("GROUP_ADMINS_ONLY"), alert=True)
        return
    await remember_chat(update, context)
    await context.bot_data.store.chats.set_language(chat.id, callback.arg)
    context.texts = tr = texts_for(callback.arg)
    await answer_press(query, context)
    try:
        await query.edit_message_text(tr.say("LANG_SET"))
    except BadRequest as error:
        if not unchanged(error):
            raise


def _buttons() -> Handlers:
    return [CallbackQueryHandler(language_button, pattern=pattern(Action.LANGUAGE))]


# Who may press a language button is checked on the press: the prompt itself is harmless.
CAPABILITY = Capability(
    "language", commands=(Command("lang", lang, Audience.CHAT_ADMINS),), handlers=_buttons
)
