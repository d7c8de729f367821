"""What every settings command starts with: the chat it changes, remembered, and its
argument. Who may use it is the registry's to check (Audience.CHAT_ADMINS)."""

from __future__ import annotations

from dataclasses import dataclass

from telegram import Update

from content.models import ChatInfo
from handlers.plumbing.context import Context
from handlers.plumbing.permissions import remember_chat
from handlers.presentation.texts import Texts


@dataclass(frozen=True, slots=True)
class SettingsRequest:
    """A settings command: its chat and thread, its language and its argument."""

    chat: ChatInfo
    thread_id: int
    tr: Texts
    argument: str


async def settings_request(update: Update, context: Context) -> SettingsRequest | None:
    """The request behind a settings command, with its chat remembered (None: no chat)."""
    chat = await remember_chat(update, context)
    if chat is None:
        return None
    message = update.effective_message
    text = message.text if message and message.text else ""
    # The argument as typed, spaces and quotes kept: an alert's phrase may need them.
    argument = text.split(maxsplit=1)[1].strip() if len(text.split(maxsplit=1)) > 1 else ""
    return SettingsRequest(chat, context.thread_id, context.texts, argument)
