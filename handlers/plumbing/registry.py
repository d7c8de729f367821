"""The one place a command is defined: its name, who may use it, and what it does.

Each capability module declares a :class:`Capability`: its commands, each with an
:class:`Audience`, and its other handlers (buttons, messages). Registration, /help, the
topic lexicon's reserved names and every ``setMyCommands`` scope are built from the
capabilities, so a command is added in its own module and nowhere else.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler, filters

from handlers.plumbing.context import NEW_MESSAGES, Context
from handlers.plumbing.permissions import may_change_settings
from handlers.plumbing.replies import reply

Callback = Callable[[Update, Context], Coroutine[Any, Any, None]]
Handlers = Sequence[BaseHandler[Update, Context, None]]


class Audience(StrEnum):
    """Who may use a command, and so in which menus it is shown."""

    EVERYONE = "everyone"  # any chat
    PRIVATE = "private"  # private chats only
    # A chat's settings: anyone in a private chat, the administrators in a group or channel.
    CHAT_ADMINS = "chat_admins"
    BOT_ADMINS = "bot_admins"  # the users in ADMIN_IDS


@dataclass(frozen=True, slots=True)
class Command:
    """A command: its name (without /), what it does, and who may use it."""

    name: str
    callback: Callback
    audience: Audience = Audience.EVERYONE

    @property
    def description_key(self) -> str:
        """The key of its one-line description in the locale files."""
        return f"COMMAND_{self.name.upper()}"


def _none() -> Handlers:
    return ()


@dataclass(frozen=True, slots=True)
class Capability:
    """What one capability module adds to the bot: commands, then its other handlers."""

    name: str
    commands: tuple[Command, ...] = ()
    handlers: Callable[[], Handlers] = field(default=_none)


def command_names(capabilities: Iterable[Capability]) -> list[str]:
    """Every command's name, in the order of the capabilities."""
    return [command.name for capability in capabilities for command in capability.commands]


def commands_for(
    capabilities: Iterable[Capability], audiences: Iterable[Audience]
) -> list[Command]:
    """The commands whose audience is one of ``audiences``, in order."""
    wanted = frozenset(audiences)
    return [
        command
        for capability in capabilities
        for command in capability.commands
        if command.audience in wanted
    ]


def handlers_of(
    capabilities: Iterable[Capability], admin_ids: frozenset[int]
) -> list[BaseHandler[Update, Context, None]]:
    """Every capability's handlers in the order they are tried: its commands, then the rest."""
    built: list[BaseHandler[Update, Context, None]] = []
    for capability in capabilities:
        built += [_command_handler(command, admin_ids) for command in capability.commands]
        built += capability.handlers()
    return built


def _command_handler(command: Command, admin_ids: frozenset[int]) -> CommandHandler[Context, None]:
    """The handler of ``command``, letting through only its audience.

    A command not for this chat or user is left to the next handlers (the fallback answers
    it as unknown), except a settings command in a group, whose members are told that it is
    for administrators.
    """
    callback = command.callback
    audience_filter: filters.BaseFilter = NEW_MESSAGES
    if command.audience is Audience.PRIVATE:
        audience_filter = NEW_MESSAGES & filters.ChatType.PRIVATE
    elif command.audience is Audience.BOT_ADMINS:
        audience_filter = NEW_MESSAGES & filters.User(user_id=sorted(admin_ids))
    elif command.audience is Audience.CHAT_ADMINS:
        callback = _for_chat_admins(callback)
    return CommandHandler(command.name, callback, filters=audience_filter)


def _for_chat_admins(callback: Callback) -> Callback:
    async def guarded(update: Update, context: Context) -> None:
        if await may_change_settings(update, context):
            await callback(update, context)
        else:
            await reply(update, [context.texts.say("GROUP_ADMINS_ONLY")])

    guarded.__doc__ = callback.__doc__
    return guarded
