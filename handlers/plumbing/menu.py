"""The command menus and the bot's descriptions, in each language and for each audience.

Every menu is built from the registry: a command's audience says in which scopes it shows.
"""

from __future__ import annotations

import logging

from telegram import (
    Bot,
    BotCommand,
    BotCommandScope,
    BotCommandScopeAllChatAdministrators,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
    BotCommandScopeDefault,
)
from telegram.error import TelegramError

from content.ports import ArticleStore
from content.topics import Lexicon, Topic
from handlers.plumbing.registry import Audience, Capability, Command, commands_for
from handlers.presentation.texts import LANGUAGES, Texts, texts_for

logger = logging.getLogger(__name__)

# Telegram allows at most 100 commands in one menu.
MENU_LIMIT = 100
# The menu without a language code is the one everybody else sees: English.
_DEFAULT_MENU_LANGUAGE = "en"
# Who sees a command, in each scope: a private chat is its reader's to set up.
_PRIVATE = (Audience.EVERYONE, Audience.CHAT_ADMINS, Audience.PRIVATE)
_GROUP_MEMBERS = (Audience.EVERYONE,)
_GROUP_ADMINS = (Audience.EVERYONE, Audience.CHAT_ADMINS)
_BOT_ADMINS = (*_PRIVATE, Audience.BOT_ADMINS)


async def publish_menus(
    bot: Bot,
    store: ArticleStore,
    lexicon: Lexicon,
    admin_ids: frozenset[int],
    capabilities: tuple[Capability, ...],
) -> None:
    """Set every menu and description: each language, each scope, each administrator."""
    article = await store.current_article()
    topics = lexicon.ordered(await store.topics_of(article)) if article else []
    for language in LANGUAGES:
        tr = texts_for(language)
        code = "" if language == _DEFAULT_MENU_LANGUAGE else language
        menus = _Menus(tr, topics, capabilities)
        await _publish_language(bot, tr, menus, code, admin_ids)


class _Menus:
    """One language's menus: the commands for an audience, then the article's topics."""

    def __init__(self, tr: Texts, topics: list[Topic], capabilities: tuple[Capability, ...]):
        self._tr = tr
        self._capabilities = capabilities
        self._topics = [
            BotCommand(topic.command, tr.say("TOPIC_MENU", label=topic.label(tr.language)))
            for topic in topics
        ]

    def __call__(self, audiences: tuple[Audience, ...]) -> list[BotCommand]:
        built_in = [self._entry(c) for c in commands_for(self._capabilities, audiences)]
        return (built_in + self._topics)[:MENU_LIMIT]

    def _entry(self, command: Command) -> BotCommand:
        return BotCommand(command.name, self._tr.say(command.description_key))


async def _publish_language(
    bot: Bot, tr: Texts, menu: _Menus, code: str, admin_ids: frozenset[int]
) -> None:
    scopes: list[tuple[BotCommandScope, list[BotCommand]]] = [
        (BotCommandScopeDefault(), menu(_PRIVATE)),
        (BotCommandScopeAllPrivateChats(), menu(_PRIVATE)),
        (BotCommandScopeAllGroupChats(), menu(_GROUP_MEMBERS)),
        (BotCommandScopeAllChatAdministrators(), menu(_GROUP_ADMINS)),
    ]
    for scope, commands in scopes:
        await bot.set_my_commands(commands, scope=scope, language_code=code or None)
    await bot.set_my_description(tr.say("BOT_DESCRIPTION"), language_code=code or None)
    await bot.set_my_short_description(tr.say("BOT_SHORT_DESCRIPTION"), language_code=code or None)
    for admin_id in sorted(admin_ids):
        await _publish_admin_menu(bot, admin_id, menu(_BOT_ADMINS), code)


async def _publish_admin_menu(
    bot: Bot, admin_id: int, commands: list[BotCommand], code: str
) -> None:
    try:
        await bot.set_my_commands(
            commands, scope=BotCommandScopeChat(admin_id), language_code=code or None
        )
    except TelegramError as error:  # an administrator who never started the bot has no chat
        logger.info("Could not set the admin menu for %s: %s", admin_id, error)
