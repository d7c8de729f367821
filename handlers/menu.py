"""The command menus and the bot's descriptions, in each language and for each audience."""

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
from handlers.texts import (
    ADMIN_COMMANDS,
    LANGUAGES,
    PRIVATE_COMMANDS,
    READING_COMMANDS,
    SETTINGS_COMMANDS,
    Texts,
    texts_for,
)

logger = logging.getLogger(__name__)

# Telegram allows at most 100 commands in one menu.
MENU_LIMIT = 100
# The menu without a language code is the one everybody else sees: English.
_DEFAULT_MENU_LANGUAGE = "en"


async def publish_menus(
    bot: Bot, store: ArticleStore, lexicon: Lexicon, admin_ids: frozenset[int]
) -> None:
    """Set every menu and description: each language, each scope, each administrator."""
    article = await store.current_article()
    topics = lexicon.ordered(await store.topics_of(article)) if article else []
    for language in LANGUAGES:
        tr = texts_for(language)
        code = "" if language == _DEFAULT_MENU_LANGUAGE else language
        await _publish_language(bot, tr, topics, code, admin_ids)


async def _publish_language(
    bot: Bot, tr: Texts, topics: list[Topic], code: str, admin_ids: frozenset[int]
) -> None:
    topic_commands = [
        BotCommand(topic.command, tr.say("TOPIC_MENU", label=topic.label(tr.language)))
        for topic in topics
    ]

    def menu(names: tuple[str, ...]) -> list[BotCommand]:
        built_in = [BotCommand(name, tr.command(name)) for name in names]
        return (built_in + topic_commands)[:MENU_LIMIT]

    private = READING_COMMANDS[:-1] + SETTINGS_COMMANDS + PRIVATE_COMMANDS + READING_COMMANDS[-1:]
    scopes: list[tuple[BotCommandScope, list[BotCommand]]] = [
        (BotCommandScopeDefault(), menu(private)),
        (BotCommandScopeAllPrivateChats(), menu(private)),
        (BotCommandScopeAllGroupChats(), menu(READING_COMMANDS)),
        (BotCommandScopeAllChatAdministrators(), menu(READING_COMMANDS + SETTINGS_COMMANDS)),
    ]
    for scope, commands in scopes:
        await bot.set_my_commands(commands, scope=scope, language_code=code or None)
    await bot.set_my_description(tr.say("BOT_DESCRIPTION"), language_code=code or None)
    await bot.set_my_short_description(tr.say("BOT_SHORT_DESCRIPTION"), language_code=code or None)
    for admin_id in sorted(admin_ids):
        await _publish_admin_menu(bot, admin_id, menu(private + ADMIN_COMMANDS), code)


async def _publish_admin_menu(
    bot: Bot, admin_id: int, commands: list[BotCommand], code: str
) -> None:
    try:
        await bot.set_my_commands(
            commands, scope=BotCommandScopeChat(admin_id), language_code=code or None
        )
    except TelegramError as error:  # an administrator who never started the bot has no chat
        logger.info("Could not set the admin menu for %s: %s", admin_id, error)
