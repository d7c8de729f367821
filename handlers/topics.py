"""/topics and the topic commands (/iran, /china …): what the article says about a topic."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from content.models import ArticleInfo
from content.topics import Lexicon, Topic
from handlers import render
from handlers.articles import button_label
from handlers.callbacks import Action, encode, pattern
from handlers.context import NEW_MESSAGES, Context
from handlers.inline import share_button
from handlers.language import texts_of
from handlers.replies import (
    Rendered,
    answer_button,
    answer_command,
    answer_stale,
    current_article,
    pressed_button,
    reply,
    show_in_place,
)
from handlers.texts import Texts

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
    rendered = await topic_reply(article, topic, context, await texts_of(update, context))
    await reply(update, rendered.chunks, rendered.keyboard)


async def topic_button(update: Update, context: Context) -> None:
    """Show a topic's briefing in place of the topic list (or of another topic)."""
    pressed = await pressed_button(update, context)
    if pressed is None:
        return
    topic = context.bot_data.lexicon.get(pressed.arg)
    if topic is None:
        await answer_stale(pressed.query, pressed.tr)
        return
    await pressed.query.answer()
    rendered = await topic_reply(pressed.article, topic, context, pressed.tr)
    await show_in_place(pressed.query, context, rendered.chunks, rendered.keyboard)


async def topic_reply(article: ArticleInfo, topic: Topic, context: Context, tr: Texts) -> Rendered:
    """The topic's briefing, with buttons to the article's other topics and its summary."""
    store = context.bot_data.store
    briefing = await store.topic_briefing(article, topic.command)
    present = context.bot_data.lexicon.ordered(await store.topics_of(article))
    others = [other for other in present if other.command != topic.command]
    summary = InlineKeyboardButton(
        tr.say("BUTTON_SUMMARY"), callback_data=encode(Action.SUMMARY, article.id)
    )
    earlier = [
        [
            InlineKeyboardButton(
                f"📰 {button_label(other.title)}",
                callback_data=encode(Action.TOPIC, other.id, topic.command),
            )
        ]
        for other in await store.articles_on(topic.command, besides=article.id)
    ]
    share = share_button(tr, article, topic.command)
    keyboard = InlineKeyboardMarkup(
        [*_topic_rows(article, others, tr), [summary, share], *earlier]
    )
    if briefing.paragraphs or briefing.bullets:
        return Rendered(render.topic(briefing, topic, tr), keyboard)
    absent = tr.say(
        "TOPIC_ABSENT",
        title=render.escape(article.title),
        label=render.escape(topic.label(tr.language)),
    )
    if not present:
        return Rendered([absent])
    commands = render.commands_line(present, tr.language)
    return Rendered([f"{absent}\n{tr.say('TOPIC_PRESENT_LIST', commands=commands)}"], keyboard)


async def _topic_list(article: ArticleInfo, context: Context, tr: Texts) -> Rendered:
    present = context.bot_data.lexicon.ordered(await context.bot_data.store.topics_of(article))
    if not present:
        return Rendered([tr.say("NO_TOPICS")])
    title = tr.say("TOPICS_TITLE", title=render.escape(article.title))
    return Rendered([title], InlineKeyboardMarkup(_topic_rows(article, present, tr)))


def _topic_rows(
    article: ArticleInfo, topics: list[Topic], tr: Texts
) -> list[list[InlineKeyboardButton]]:
    """A button for each topic, a few to a row."""
    buttons = [
        InlineKeyboardButton(
            topic.label(tr.language), callback_data=encode(Action.TOPIC, article.id, topic.command)
        )
        for topic in topics
    ]
    return [
        buttons[start : start + _TOPIC_BUTTONS_PER_ROW]
        for start in range(0, len(buttons), _TOPIC_BUTTONS_PER_ROW)
    ]


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
