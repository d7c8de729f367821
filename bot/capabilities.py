"""Every capability the bot has, in the order its handlers are tried."""

from __future__ import annotations

from collections.abc import Callable

from content.topics import Lexicon
from handlers.capabilities import (
    admin,
    articles,
    briefing,
    channels,
    deeplinks,
    digests,
    fallback,
    inline,
    language,
    membership,
    search,
    sections,
    subscriptions,
    threads,
)
from handlers.capabilities.topics import topic_capability
from handlers.plumbing.registry import Capability, Command, command_names


def capabilities(lexicon: Callable[[], Lexicon]) -> tuple[Capability, ...]:
    """The capabilities; ``lexicon`` gives the lexicon in force, read at each update.

    Membership comes first: a chat's arrival or a group's migration is recorded before
    anything. The fallback comes last: it answers whatever nobody above claimed.
    """

    def every_command() -> list[Command]:
        return [command for capability in every for command in capability.commands]

    every = (
        membership.CAPABILITY,
        briefing.CAPABILITY,
        sections.CAPABILITY,
        topic_capability(lexicon),
        search.CAPABILITY,
        articles.CAPABILITY,
        deeplinks.CAPABILITY,
        inline.CAPABILITY,
        subscriptions.CAPABILITY,
        digests.CAPABILITY,
        threads.CAPABILITY,
        channels.CAPABILITY,
        language.CAPABILITY,
        # /help comes last in the menus and in its own list, after every other command.
        briefing.help_capability(every_command),
        admin.CAPABILITY,
        fallback.CAPABILITY,
    )
    return every


def _no_lexicon() -> Lexicon:
    raise RuntimeError("these capabilities are read, not run: they have no lexicon")


def registered() -> tuple[Capability, ...]:
    """The capabilities, to read what they declare (they are not run with a lexicon)."""
    return capabilities(_no_lexicon)


# No topic may take one of the bot's own commands.
RESERVED_COMMANDS = frozenset(command_names(registered()))
