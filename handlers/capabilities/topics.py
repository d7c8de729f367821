"""/topics, /topic NAME and the topic commands (/sudan, /uk …): what the article says of a topic.

Topic commands are read from the lexicon when each update arrives, not fixed at start-up: a
newsroom's topics file can add topics while the bot runs.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from content.models import ArticleInfo
from content.names import name_briefing, related_topics
from content.search import Analyzer
from content.topics import TYPO_LIKENESS, Lexicon, Topic
from handlers.plumbing.context import NEW_MESSAGES, Context
from handlers.plumbing.registry import Capability, Command, Handlers
from handlers.plumbing.replies import (
    answer_command,
    answer_press,
    answer_stale,
    current_article,
    pressed_button,
    reply,
    show_in_place,
    topic_facts,
)
from handlers.presentation import render, views
from handlers.presentation.buttons import Action, pattern, small_number
from handlers.presentation.texts import Texts
from handlers.presentation.views import Rendered, page_buttons, page_count, topic_rows

_CLOSEST_SHOWN = 5
_NAME_SHOWN = 64  # characters of a reader's name repeated back
_MAX_PAGE_DIGITS = 4


class TopicCommandHandler(CommandHandler[Context, None]):
    """A CommandHandler whose commands are the lexicon's at the moment an update arrives."""

    def __init__(
        self,
        commands: Callable[[], frozenset[str]],
        callback: Callable[[Update, Context], Coroutine[Any, Any, None]],
    ) -> None:
        self._live_commands = commands
        super().__init__("topic", callback, filters=NEW_MESSAGES)

    @property
    def commands(self) -> frozenset[str]:
        """The lexicon's commands and aliases, as they are now."""
        return self._live_commands()

    @commands.setter
    def commands(self, _value: frozenset[str]) -> None:
        """CommandHandler sets its commands once; ours follow the lexicon instead."""


async def topics(update: Update, context: Context) -> None:
    """List the topics the current article names, its main subjects first."""
    await answer_command(update, context, _first_page)


async def topics_button(update: Update, context: Context) -> None:
    """Show a page of the topic list: a new message from the start card, else in place."""
    pressed = await pressed_button(update, context)
    if pressed is None:
        return
    await answer_press(pressed.query, context)
    page = _page_number(pressed.arg)
    rendered = await topic_list(pressed.article, context, pressed.tr, page or 0)
    if page is None:
        await reply(update, rendered.chunks, rendered.keyboard)
    else:
        await show_in_place(pressed.query, context, rendered.chunks, rendered.keyboard)


async def topic_command(update: Update, context: Context) -> None:
    """Answer /sudan, /uk …: that topic's paragraphs under their headings, then bullets."""
    message = update.effective_message
    topic = context.bot_data.lexicon.get(_command_name(message.text if message else None))
    article = await current_article(update, context)
    if topic is None or article is None:
        return
    rendered = await topic_reply(article, topic, context, context.texts)
    await reply(update, rendered.chunks, rendered.keyboard)


async def topic_by_name(update: Update, context: Context) -> None:
    """Answer /topic NAME for any topic, named in Arabic or English, or by an alias."""
    article = await current_article(update, context)
    if article is None:
        return
    tr = context.texts
    name = " ".join(context.args or [])
    topic = context.bot_data.lexicon.find(name) if name else None
    if topic is not None:
        rendered = await topic_reply(article, topic, context, tr)
    elif name:
        rendered = await _unknown_name(article, name, context, tr)
    else:
        listing = await topic_list(article, context, tr, 0)
        rendered = Rendered([f"{tr.say('TOPIC_USAGE')}\n\n{listing.chunks[0]}"], listing.keyboard)
    await reply(update, rendered.chunks, rendered.keyboard)


async def topic_button(update: Update, context: Context) -> None:
    """Show a topic's briefing in place of the topic list (or of another topic)."""
    pressed = await pressed_button(update, context)
    if pressed is None:
        return
    topic = context.bot_data.lexicon.get(pressed.arg)
    if topic is None:
        await answer_stale(pressed.query, context, pressed.tr)
        return
    await answer_press(pressed.query, context)
    rendered = await topic_reply(pressed.article, topic, context, pressed.tr)
    await show_in_place(pressed.query, context, rendered.chunks, rendered.keyboard)


async def topic_reply(article: ArticleInfo, topic: Topic, context: Context, tr: Texts) -> Rendered:
    """The topic's briefing, with buttons to the article's next topics and its summary."""
    return views.topic_reply(article, topic, await topic_facts(context, article, topic), tr)


async def topic_list(article: ArticleInfo, context: Context, tr: Texts, page: int) -> Rendered:
    """One page of the article's topics as buttons, main subjects on the first page."""
    present = await _present(article, context)
    if not present:
        return Rendered([tr.say("NO_TOPICS")])
    per_page = views.TOPICS_PER_PAGE
    pages = page_count(len(present), per_page)
    page = min(max(page, 0), pages - 1)
    shown = present[page * per_page : (page + 1) * per_page]
    title = tr.say("TOPICS_TITLE", title=render.escape(article.title))
    if pages > 1:
        title += "\n" + tr.say("LIST_PAGE", page=page + 1, pages=pages)
    rows = topic_rows(article, shown, tr)
    navigation = page_buttons(Action.TOPICS, article.id, page, pages, tr)
    return Rendered([title], InlineKeyboardMarkup([*rows, navigation] if navigation else rows))


async def _first_page(article: ArticleInfo, context: Context, tr: Texts) -> Rendered:
    return await topic_list(article, context, tr, 0)


async def _unknown_name(article: ArticleInfo, name: str, context: Context, tr: Texts) -> Rendered:
    """A name no lexicon lists: the paragraphs of the article that name it, as for any topic;
    else the topic the reader misspelled; else the topics search finds for it; else the
    article's topics."""
    store, lexicon = context.bot_data.store, context.bot_data.lexicon
    briefing = await name_briefing(store, article, name, Analyzer(lexicon))
    if briefing.paragraphs or briefing.bullets:
        return views.name_reply(article, briefing, name[:_NAME_SHOWN], tr)
    present = await _present(article, context)
    topic = render.escape(name[:_NAME_SHOWN])
    if not present:
        return Rendered([tr.say("TOPIC_UNKNOWN_NONE", topic=topic)])
    misspelled = lexicon.closest(name, present, _CLOSEST_SHOWN, at_least=TYPO_LIKENESS)
    if misspelled:
        commands = render.commands_line(misspelled, tr.language)
        text = tr.say("TOPIC_UNKNOWN_CLOSEST", topic=topic, commands=commands)
        return Rendered([text], InlineKeyboardMarkup(topic_rows(article, misspelled, tr)))
    commands_present = [topic.command for topic in present]
    related = lexicon.ordered(await related_topics(store, commands_present, name, _CLOSEST_SHOWN))
    shown = related or present[: views.TOPICS_PER_PAGE]
    key = "TOPIC_UNKNOWN_RELATED" if related else "TOPIC_UNKNOWN_LIST"
    text = tr.say(key, topic=topic, commands=render.commands_line(shown, tr.language))
    return Rendered([text], InlineKeyboardMarkup(topic_rows(article, shown, tr)))


async def _present(article: ArticleInfo, context: Context) -> list[Topic]:
    """The article's topics, main subjects first."""
    return context.bot_data.lexicon.ordered(await context.bot_data.store.topics_of(article))


def _page_number(arg: str) -> int | None:
    """The page a button asks for; None for the start card's button, which has none."""
    if not arg:
        return None
    return small_number(arg, _MAX_PAGE_DIGITS) or 0


def _command_name(text: str | None) -> str:
    """'iran' from '/iran', '/Iran@MojazBot extra words' …"""
    first = (text or "").split(maxsplit=1)[0] if text and text.strip() else ""
    return first.removeprefix("/").partition("@")[0].lower()


def topic_capability(lexicon: Callable[[], Lexicon]) -> Capability:
    """/topics, /topic NAME, every topic's command, and their buttons.

    ``lexicon`` gives the lexicon in force when an update arrives: its commands are read
    then, after every built-in command has had its turn.
    """

    def others() -> Handlers:
        return [
            TopicCommandHandler(lambda: lexicon().commands, topic_command),
            CallbackQueryHandler(topics_button, pattern=pattern(Action.TOPICS)),
            CallbackQueryHandler(topic_button, pattern=pattern(Action.TOPIC)),
        ]

    return Capability(
        "topics",
        commands=(Command("topics", topics), Command("topic", topic_by_name)),
        handlers=others,
    )
