"""/start, /help and /summary: what the bot is, what it can do, and the closing summary."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from content.models import ArticleInfo
from handlers import render
from handlers.bidi import isolate
from handlers.callbacks import Action, pattern
from handlers.channels import add_to_channel_link
from handlers.context import NEW_MESSAGES, Context
from handlers.deeplinks import open_link
from handlers.inline import share_button
from handlers.language import texts_of
from handlers.permissions import remember_chat
from handlers.replies import (
    Rendered,
    answer_button,
    answer_command,
    chat_article,
    current_article,
    reply,
    start_card,
)
from handlers.texts import COMMANDS, Texts

HELP_TOPICS_SHOWN = 20


async def start(update: Update, context: Context) -> None:
    """Say what the bot is, name the current article and offer its parts as buttons.

    /start is also how a chat that blocked the bot comes back: it is active again, and its
    subscriptions resume.
    """
    if update.effective_chat is not None:
        await remember_chat(update.effective_chat, context, update.effective_user)
    payload = (context.args or [""])[0]
    if payload and await open_link(update, context, payload):
        return
    article = await current_article(update, context)
    if article is None:
        return
    tr = await texts_of(update, context)
    card = start_card(article, tr)
    if payload:  # a link we cannot follow (an old article, a typo): say so, then start
        card = Rendered([f"<i>{tr.say('UNKNOWN_LINK')}</i>\n\n{card.chunks[0]}"], card.keyboard)
    await reply(update, card.chunks, card.keyboard)


async def help_command(update: Update, context: Context) -> None:
    """List every command with a one-line description, and the topic commands."""
    tr = await texts_of(update, context)
    lines = [tr.say("HELP_TITLE")]
    # Isolated, the command name leaves an Arabic line right to left from its first letter.
    lines += [isolate(f"/{name} — {tr.command(name)}", tr.rtl) for name in COMMANDS]
    article = await chat_article(update, context)
    present = await context.bot_data.store.topics_of(article) if article else []
    # The article's own topics, main subjects first: the lexicon has hundreds.
    topics = context.bot_data.lexicon.ordered(present)[:HELP_TOPICS_SHOWN]
    if topics:
        topic_line = isolate(render.commands_line(topics, tr.language), tr.rtl)
        lines += ["", tr.say("HELP_TOPICS"), topic_line]
    lines += ["", tr.say("HELP_TOPICS_HINT")]
    if context.bot.username:
        link = render.escape(add_to_channel_link(context.bot.username))
        lines += ["", tr.say("ADD_TO_CHANNEL", link=link)]
    await reply(update, render.pack(["\n".join(lines)]))


async def summary(update: Update, context: Context) -> None:
    """Send the current article's closing summary."""
    await answer_command(update, context, _summary)


async def summary_button(update: Update, context: Context) -> None:
    """Send the summary of the article the pressed button belongs to."""
    await answer_button(update, context, _summary, in_place=False)


async def _summary(article: ArticleInfo, context: Context, tr: Texts) -> Rendered:
    share = InlineKeyboardMarkup([[share_button(tr, article)]])
    return Rendered(render.summary(await context.bot_data.store.summary(article), tr), share)


def handlers() -> list[BaseHandler[Update, Context, None]]:
    """This module's handlers, in the order they are tried."""
    return [
        CommandHandler("start", start, filters=NEW_MESSAGES),
        CommandHandler("help", help_command, filters=NEW_MESSAGES),
        CommandHandler("summary", summary, filters=NEW_MESSAGES),
        CallbackQueryHandler(summary_button, pattern=pattern(Action.SUMMARY)),
    ]
