"""One place defines a command: every handled command is registered, and the other way round.

Also that the menus follow each command's audience.
"""

from __future__ import annotations

from telegram.ext import CommandHandler

from bot.app import build_application
from bot.capabilities import registered
from handlers.capabilities.topics import TopicCommandHandler
from handlers.plumbing.registry import Audience, command_names
from handlers.presentation.texts import catalogue
from tests.support.harness import TOKEN, make_settings


def _handled_commands() -> set[str]:
    app = build_application(make_settings(bot_token=TOKEN), TOKEN)
    return {
        name
        for group in app.handlers.values()
        for handler in group
        if isinstance(handler, CommandHandler) and not isinstance(handler, TopicCommandHandler)
        for name in handler.commands
    }


def test_every_handled_command_is_registered_and_every_entry_handled() -> None:
    names = set(command_names(registered()))
    handled = _handled_commands()
    assert handled - names == set()  # a handler with no registry entry
    assert names - handled == set()  # an entry with no handler


def test_a_command_is_registered_once_with_a_description_in_every_language() -> None:
    names = command_names(registered())
    assert len(names) == len(set(names))
    for entries in catalogue().values():
        assert {f"COMMAND_{name.upper()}" for name in names} <= entries.keys()


def test_settings_commands_are_for_chat_administrators() -> None:
    audience = {
        command.name: command.audience
        for capability in registered()
        for command in capability.commands
    }
    for name in ("subscribe", "unsubscribe", "digest", "timezone", "lang"):
        assert audience[name] is Audience.CHAT_ADMINS
    assert {audience["stats"], audience["broadcast"]} == {Audience.BOT_ADMINS}
    assert audience["threads"] is Audience.PRIVATE
