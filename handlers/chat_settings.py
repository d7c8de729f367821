"""What every settings command starts with: who asks, in which chat, in which language."""

from __future__ import annotations

from dataclasses import dataclass

from telegram import Chat, Update

from handlers.context import Context
from handlers.language import texts_of
from handlers.permissions import may_change_settings, remember_chat
from handlers.replies import reply
from handlers.texts import Texts


@dataclass(frozen=True, slots=True)
class SettingsRequest:
    """A settings command that may go ahead: its chat, its language and its argument."""

    chat: Chat
    tr: Texts
    argument: str


async def settings_request(update: Update, context: Context) -> SettingsRequest | None:
    """The request behind a settings command, with its chat remembered; in a group, someone
    who is not an administrator is told so, and None is returned."""
    tr = await texts_of(update, context)
    chat = update.effective_chat
    if chat is None:
        return None
    if not await may_change_settings(update, context):
        await reply(update, [tr.say("GROUP_ADMINS_ONLY")])
        return None
    await remember_chat(chat, context, update.effective_user)
    return SettingsRequest(chat, tr, " ".join(context.args or []).strip())
