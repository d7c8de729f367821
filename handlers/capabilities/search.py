"""/search WORDS: paragraphs that contain the words, best first."""

from __future__ import annotations

from telegram import Update
from telegram.ext import MessageHandler, filters

from handlers.plumbing.context import NEW_MESSAGES, Context
from handlers.plumbing.registry import Capability, Command, Handlers
from handlers.plumbing.replies import chat_article, reply
from handlers.presentation import render

# Telegram's own inline-query limit; a longer question is cut, not refused.
QUERY_MAX_CHARS = 256
RESULTS = 5


async def search(update: Update, context: Context) -> None:
    """Answer /search WORDS with the best matching paragraphs, or say how to search."""
    await answer_question(update, context, " ".join(context.args or []))


async def question(update: Update, context: Context) -> None:
    """Plain text in a private chat is a question: answer it as a search."""
    message = update.effective_message
    if message is not None and message.text:
        await answer_question(update, context, message.text)


async def answer_question(update: Update, context: Context, text: str) -> None:
    """The best paragraphs for ``text``; a usage hint when empty; topics when nothing matches."""
    tr = context.texts
    query = text[:QUERY_MAX_CHARS].strip()
    if not query:
        await reply(update, [tr.say("SEARCH_USAGE")])
        return
    store = context.bot_data.store
    hits = await store.search(query, limit=RESULTS)
    if hits:
        await reply(update, render.search(query, hits, tr))
        return
    article = await chat_article(update, context)
    present = await store.topics_of(article) if article else []
    commands = render.commands_line(context.bot_data.lexicon.ordered(present), tr.language)
    await reply(update, [tr.say("SEARCH_NONE", query=render.escape(query), commands=commands)])


def _questions() -> Handlers:
    return [
        MessageHandler(
            NEW_MESSAGES & filters.ChatType.PRIVATE & filters.TEXT & ~filters.COMMAND, question
        ),
    ]


CAPABILITY = Capability("search", commands=(Command("search", search),), handlers=_questions)
