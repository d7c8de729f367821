"""/start, /help and /summary: what the bot is, what it can do, and the closing summary."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from content.models import ArticleInfo
from handlers import render, texts
from handlers.callbacks import Action, pattern
from handlers.channels import add_to_channel_link
from handlers.context import Context
from handlers.permissions import remember_chat
from handlers.replies import (
    NEW_MESSAGES,
    Rendered,
    answer_button,
    answer_command,
    current_article,
    main_menu,
    reply,
)


async def start(update: Update, context: Context) -> None:
    """Say what the bot is, name the current article and offer its parts as buttons.

    /start is also how a chat that blocked the bot comes back: it is active again, and its
    subscriptions resume.
    """
    if update.effective_chat is not None:
        await remember_chat(update.effective_chat, context)
    article = await current_article(update, context)
    if article is None:
        return
    text = f"{texts.START}\n\n{texts.CURRENT_ARTICLE.format(title=render.escape(article.title))}"
    await reply(update, [text], main_menu(article.id))


async def help_command(update: Update, context: Context) -> None:
    """List every command with a one-line description, and the topic commands."""
    lines = [texts.HELP_TITLE]
    lines += [f"/{command} — {description}" for command, description in texts.COMMANDS]
    lexicon = context.bot_data.lexicon
    article = await context.bot_data.store.current_article()
    present = await context.bot_data.store.topics_of(article) if article else []
    topics = lexicon.ordered(present) or list(lexicon.topics)
    lines += ["", texts.HELP_TOPICS, render.commands_line(topics), texts.HELP_TOPICS_HINT]
    if context.bot.username:
        link = render.escape(add_to_channel_link(context.bot.username))
        lines += ["", texts.ADD_TO_CHANNEL.format(link=link)]
    await reply(update, render.pack(["\n".join(lines)]))


async def summary(update: Update, context: Context) -> None:
    """Send the current article's closing summary."""
    await answer_command(update, context, _summary)


async def summary_button(update: Update, context: Context) -> None:
    """Send the summary of the article the pressed button belongs to."""
    await answer_button(update, context, _summary, in_place=False)


async def _summary(article: ArticleInfo, context: Context) -> Rendered:
    return Rendered(render.summary(await context.bot_data.store.summary(article)))


def handlers() -> list[BaseHandler[Update, Context, None]]:
    """This module's handlers, in the order they are tried."""
    return [
        CommandHandler("start", start, filters=NEW_MESSAGES),
        CommandHandler("help", help_command, filters=NEW_MESSAGES),
        CommandHandler("summary", summary, filters=NEW_MESSAGES),
        CallbackQueryHandler(summary_button, pattern=pattern(Action.SUMMARY)),
    ]
