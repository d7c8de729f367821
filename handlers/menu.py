"""The command menu Telegram shows in the chat: built-in commands and the article's topics."""

from __future__ import annotations

from telegram import Bot, BotCommand

from content.store import Store
from content.topics import Lexicon
from handlers import texts

# Telegram allows at most 100 commands in one menu.
MENU_LIMIT = 100


async def publish_menu(bot: Bot, store: Store, lexicon: Lexicon) -> list[BotCommand]:
    """Set the command menu: the built-in commands, then the current article's topics."""
    commands = [BotCommand(command, description) for command, description in texts.COMMANDS]
    article = await store.current_article()
    if article is not None:
        commands += [
            BotCommand(topic.command, texts.TOPIC_MENU.format(label=topic.label_ar))
            for topic in lexicon.ordered(await store.topics_of(article))
        ]
    commands = commands[:MENU_LIMIT]
    await bot.set_my_commands(commands)
    return commands
