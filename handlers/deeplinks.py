"""Opening what a deep link names, and /share to make such links."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler

from content.models import ArticleInfo
from handlers import render, sections, topics
from handlers.context import NEW_MESSAGES, Context
from handlers.language import texts_of
from handlers.links import Target, link, parse_payload
from handlers.permissions import remember_chat
from handlers.replies import Rendered, current_article, reply, start_card
from handlers.texts import Texts


async def open_link(update: Update, context: Context, payload: str) -> bool:
    """Show what ``payload`` names and make its article the chat's; False if it names nothing."""
    target = parse_payload(payload)
    store = context.bot_data.store
    article = await store.article(target.article_id) if target else None
    chat = update.effective_chat
    if target is None or article is None or chat is None:
        return False
    tr = await texts_of(update, context)
    rendered = await _render(target, article, context, tr)
    if rendered is None:
        return False
    await remember_chat(chat, context, update.effective_user)
    await store.chats.set_article(chat.id, article.id)
    await reply(update, rendered.chunks, rendered.keyboard)
    return True


async def _render(
    target: Target, article: ArticleInfo, context: Context, tr: Texts
) -> Rendered | None:
    store = context.bot_data.store
    if target.section is not None:
        view = await store.section(article, target.section)
        return Rendered(render.section(view, tr), sections.navigation(view, tr)) if view else None
    if target.topic is not None:
        topic = context.bot_data.lexicon.get(target.topic)
        return await topics.topic_reply(article, topic, context, tr) if topic else None
    if target.summary:
        return Rendered(render.summary(await store.summary(article), tr))
    return start_card(article, tr)


async def share(update: Update, context: Context) -> None:
    """Links to the article the chat reads, its summary and each of its topics."""
    article = await current_article(update, context)
    username = context.bot.username
    if article is None or not username:
        return
    tr = await texts_of(update, context)
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


def handlers() -> list[BaseHandler[Update, Context, None]]:
    """This module's handlers."""
    return [CommandHandler("share", share, filters=NEW_MESSAGES)]
