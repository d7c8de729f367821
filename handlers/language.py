"""Which language the bot speaks in a chat, and /lang to choose it."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from handlers.callbacks import Action, answer_press, decoded_press, encode, pattern, unchanged
from handlers.context import NEW_MESSAGES, Context
from handlers.permissions import may_change_settings, remember_chat
from handlers.texts import LANGUAGES, Texts, language_of_user, texts_for

# Each language's name in itself, for its button.
_NAMES = {"ar": "العربية", "en": "English"}


async def texts_of(update: Update, context: Context) -> Texts:
    """The chat's chosen language; until it chooses, its user's Telegram language."""
    chat = update.effective_chat
    stored = await context.bot_data.store.chats.get(chat.id) if chat else None
    if stored is not None and stored.language:
        return texts_for(stored.language)
    user = update.effective_user
    return texts_for(language_of_user(user.language_code if user else None))


async def lang(update: Update, context: Context) -> None:
    """Offer the languages as buttons."""
    tr = await texts_of(update, context)
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
        tr = await texts_of(update, context)
        await answer_press(query, context, tr.say("GROUP_ADMINS_ONLY"), alert=True)
        return
    await remember_chat(chat, context, update.effective_user)
    await context.bot_data.store.chats.set_language(chat.id, callback.arg)
    tr = texts_for(callback.arg)
    await answer_press(query, context)
    try:
        await query.edit_message_text(tr.say("LANG_SET"))
    except BadRequest as error:
        if not unchanged(error):
            raise


def handlers() -> list[BaseHandler[Update, Context, None]]:
    """This module's handlers."""
    return [
        CommandHandler("lang", lang, filters=NEW_MESSAGES),
        CallbackQueryHandler(language_button, pattern=pattern(Action.LANGUAGE)),
    ]
