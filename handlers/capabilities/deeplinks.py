"""/share: deep links to the article a chat reads, its summary and each of its topics.

The links open in /start (handlers.capabilities.briefing).
"""

from __future__ import annotations

from telegram import Update

from handlers.plumbing.context import Context
from handlers.plumbing.registry import Capability, Command
from handlers.plumbing.replies import current_article, reply
from handlers.presentation import render
from handlers.presentation.links import Target, link


async def share(update: Update, context: Context) -> None:
    """Links to the article the chat reads, its summary and each of its topics."""
    article = await current_article(update, context)
    username = context.bot.username
    if article is None or not username:
        return
    tr = context.texts
    present = context.bot_data.lexicon.ordered(await context.bot_data.store.topics_of(article))
    lines = [
        tr.say("SHARE_TITLE", title=render.escape(article.title)),
        tr.say("SHARE_ARTICLE", link=link(username, Target(article.id))),
        tr.say("SHARE_SUMMARY", link=link(username, Target(article.id, summary=True))),
    ]
    lines += [
        tr.say(
            "SHARE_TOPIC",
            label=render.escape(topic.label(tr.language)),
            link=link(username, Target(article.id, topic=topic.command)),
        )
        for topic in present
    ]
    await reply(update, render.pack(["\n".join(lines)]))


CAPABILITY = Capability("deeplinks", commands=(Command("share", share),))
