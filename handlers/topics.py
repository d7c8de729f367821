"""/topics and the topic commands (/iran, /china …): what the article says about a topic."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from content.models import ArticleInfo
from content.topics import Lexicon, Topic
from handlers import render, texts
from handlers.callbacks import Action, encode, pattern
from handlers.context import Context
from handlers.replies import (
    NEW_MESSAGES,
    Rendered,
    answer_button,
    answer_command,
    answer_stale,
    current_article,
    pressed_button,
    reply,
    show_in_place,
)

_TOPIC_BUTTONS_PER_ROW = 3


async def topics(update: Update, context: Context) -> None:
    """List the topics the current article names, as buttons."""
    await answer_command(update, context, _topic_list)


async def topics_button(update: Update, context: Context) -> None:
    """Send the list of topics of the article whose button was pressed."""
    await answer_button(update, context, _topic_list, in_place=False)


async def topic_command(update: Update, context: Context) -> None:
    """Answer /iran, /china …: that topic's paragraphs under their headings, then bullets."""
    message = update.effective_message
    topic = context.bot_data.lexicon.get(_command_name(message.text if message else None))
    article = await current_article(update, context)
    if topic is None or article is None:
        return
    await reply(update, await _briefing(article, topic, context))


async def topic_button(update: Update, context: Context) -> None:
    """Show a topic's briefing in place of the topic list."""
    pressed = await pressed_button(update, context)
    if pressed is None:
        return
    topic = context.bot_data.lexicon.get(pressed.arg)
    if topic is None:
        await answer_stale(pressed.query)
        return
    await pressed.query.answer()
    briefing = await _briefing(pressed.article, topic, context)
    await show_in_place(pressed.query, context, briefing)


async def _briefing(article: ArticleInfo, topic: Topic, context: Context) -> list[str]:
    store = context.bot_data.store
    briefing = await store.topic_briefing(article, topic.command)
    if briefing.paragraphs or briefing.bullets:
        return render.topic(briefing, topic)
    present = context.bot_data.lexicon.ordered(await store.topics_of(article))
    absent = texts.TOPIC_ABSENT.format(
        title=render.escape(article.title), label=render.escape(topic.label_ar)
    )
    listing = texts.TOPIC_PRESENT_LIST.format(commands=render.commands_line(present))
    return [f"{absent}\n{listing}" if present else absent]


async def _topic_list(article: ArticleInfo, context: Context) -> Rendered:
    present = context.bot_data.lexicon.ordered(await context.bot_data.store.topics_of(article))
    buttons = [
        InlineKeyboardButton(
            topic.label_ar, callback_data=encode(Action.TOPIC, article.id, topic.command)
        )
        for topic in present
    ]
    rows = [
        buttons[start : start + _TOPIC_BUTTONS_PER_ROW]
        for start in range(0, len(buttons), _TOPIC_BUTTONS_PER_ROW)
    ]
    title = texts.TOPICS_TITLE.format(title=render.escape(article.title))
    return Rendered([title if present else texts.NO_TOPICS], InlineKeyboardMarkup(rows))


def _command_name(text: str | None) -> str:
    """'iran' from '/iran', '/Iran@MojazBot extra words' …"""
    first = (text or "").split(maxsplit=1)[0] if text and text.strip() else ""
    return first.removeprefix("/").partition("@")[0].lower()


def handlers(lexicon: Lexicon) -> list[BaseHandler[Update, Context, None]]:
    """This module's handlers: /topics, one command for every topic, and their buttons."""
    return [
        CommandHandler("topics", topics, filters=NEW_MESSAGES),
        CommandHandler(
            [topic.command for topic in lexicon.topics], topic_command, filters=NEW_MESSAGES
        ),
        CallbackQueryHandler(topics_button, pattern=pattern(Action.TOPICS)),
        CallbackQueryHandler(topic_button, pattern=pattern(Action.TOPIC)),
    ]
