"""/start, /help and /summary: what the bot is, what it can do, and the closing summary.

/start is also where deep links land: /start PAYLOAD opens the section, topic or summary a
shared link names, and makes its article the chat's.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from telegram import Update
from telegram.ext import CallbackQueryHandler

from content.models import ArticleInfo
from handlers.plumbing.context import Context
from handlers.plumbing.permissions import remember_chat
from handlers.plumbing.registry import Audience, Capability, Command, Handlers
from handlers.plumbing.replies import (
    answer_button,
    answer_command,
    chat_article,
    current_article,
    reply,
    topic_facts,
)
from handlers.presentation import render
from handlers.presentation.bidi import isolate
from handlers.presentation.buttons import Action, pattern
from handlers.presentation.links import Target, parse_payload
from handlers.presentation.texts import Texts
from handlers.presentation.views import (
    Rendered,
    add_to_channel_link,
    section_reply,
    start_card,
    summary_reply,
    topic_reply,
)

HELP_TOPICS_SHOWN = 20
# The commands /help lists in a private chat, and in a group (settings are its admins').
_HELP_PRIVATE = (Audience.EVERYONE, Audience.CHAT_ADMINS, Audience.PRIVATE)
_HELP_GROUP = (Audience.EVERYONE, Audience.CHAT_ADMINS)


async def start(update: Update, context: Context) -> None:
    """Say what the bot is, name the current article and offer its parts as buttons.

    /start is also how a chat that blocked the bot comes back: it is active again, and its
    subscriptions resume.
    """
    await remember_chat(update, context)
    payload = (context.args or [""])[0]
    if payload and await open_link(update, context, payload):
        return
    article = await current_article(update, context)
    if article is None:
        return
    tr = context.texts
    card = start_card(article, tr)
    if payload:  # a link we cannot follow (an old article, a typo): say so, then start
        card = Rendered([f"<i>{tr.say('UNKNOWN_LINK')}</i>\n\n{card.chunks[0]}"], card.keyboard)
    await reply(update, card.chunks, card.keyboard)


async def open_link(update: Update, context: Context, payload: str) -> bool:
    """Show what ``payload`` names and make its article the chat's; False if it names nothing."""
    target = parse_payload(payload)
    store = context.bot_data.store
    article = await store.article(target.article_id) if target else None
    chat = update.effective_chat
    if target is None or article is None or chat is None:
        return False
    rendered = await _linked(target, article, context)
    if rendered is None:
        return False
    await store.chats.set_article(chat.id, article.id)
    await reply(update, rendered.chunks, rendered.keyboard)
    return True


async def _linked(target: Target, article: ArticleInfo, context: Context) -> Rendered | None:
    store, tr = context.bot_data.store, context.texts
    if target.section is not None:
        view = await store.section(article, target.section)
        return section_reply(view, tr) if view else None
    if target.topic is not None:
        topic = context.bot_data.lexicon.get(target.topic)
        if topic is None:
            return None
        return topic_reply(article, topic, await topic_facts(context, article, topic), tr)
    if target.summary:
        return Rendered(render.summary(await store.summary(article), tr))
    return start_card(article, tr)


def help_capability(listed: Callable[[], Sequence[Command]]) -> Capability:
    """/help, listing the commands that ``listed`` gives (every capability's, in order)."""

    async def help_command(update: Update, context: Context) -> None:
        """List the commands this chat may use, each with a line, and the article's topics."""
        await reply(update, render.pack(["\n".join(await _help_lines(update, context, listed()))]))

    return Capability("help", commands=(Command("help", help_command),))


async def _help_lines(update: Update, context: Context, commands: Sequence[Command]) -> list[str]:
    tr = context.texts
    chat = update.effective_chat
    audiences = _HELP_PRIVATE if chat is None or chat.type == chat.PRIVATE else _HELP_GROUP
    lines = [tr.say("HELP_TITLE")]
    # Isolated, the command name leaves an Arabic line right to left from its first letter.
    lines += [
        isolate(f"/{command.name} — {tr.say(command.description_key)}", tr.rtl)
        for command in commands
        if command.audience in audiences
    ]
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
    return lines


async def summary(update: Update, context: Context) -> None:
    """Send the current article's closing summary."""
    await answer_command(update, context, _summary)


async def summary_button(update: Update, context: Context) -> None:
    """Send the summary of the article the pressed button belongs to."""
    await answer_button(update, context, _summary, in_place=False)


async def _summary(article: ArticleInfo, context: Context, tr: Texts) -> Rendered:
    return summary_reply(await context.bot_data.store.summary(article), tr)


def _buttons() -> Handlers:
    return [CallbackQueryHandler(summary_button, pattern=pattern(Action.SUMMARY))]


CAPABILITY = Capability(
    "briefing", commands=(Command("start", start), Command("summary", summary)), handlers=_buttons
)
