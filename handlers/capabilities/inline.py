"""Inline mode: @bot QUERY in any chat offers briefings to post there.

The query may start with an article (a12, as the share buttons write it), then name a topic
(iran, إيران), a section (s3), or any words to search for. Nothing at all offers the summary
and every topic of the newest article.
"""

from __future__ import annotations

import re

from telegram import InlineQueryResultArticle, InputTextMessageContent, Update
from telegram.ext import InlineQueryHandler

from content.models import ArticleInfo
from handlers.plumbing.context import Context
from handlers.plumbing.registry import Capability, Handlers
from handlers.presentation import render
from handlers.presentation.buttons import small_number
from handlers.presentation.texts import Texts

PAGE = 50  # Telegram's most results per answer
CACHE_SECONDS = 60  # the same query answers the same briefings for a minute
_OFFSET_DIGITS = 6  # next_offset is ours: a longer one is forged
QUERY_MAX_CHARS = 256
_ARTICLE = re.compile(r"a(\d{1,18})")
_SECTION = re.compile(r"s(\d{1,4})")
_DESCRIPTION_MAX = 120


async def inline_query(update: Update, context: Context) -> None:
    """Answer an inline query with up to PAGE briefings, from ``offset`` on."""
    query = update.inline_query
    if query is None:
        return
    tr = context.texts  # the user's app language: an inline query comes from no chat
    results = await _results(query.query[:QUERY_MAX_CHARS].strip(), context, tr)
    start = small_number(query.offset, _OFFSET_DIGITS) or 0
    page = results[start : start + PAGE]
    more = start + PAGE < len(results)
    # No next_offset means no more results. Not "": with Defaults set, python-telegram-bot
    # 22.8 reads an empty string as an empty list of poll options and sends [].
    await query.answer(
        page, cache_time=CACHE_SECONDS, next_offset=str(start + PAGE) if more else None
    )


async def _results(text: str, context: Context, tr: Texts) -> list[InlineQueryResultArticle]:
    store = context.bot_data.store
    words = text.split()
    chosen = _ARTICLE.fullmatch(words[0]) if words else None
    article = await store.article(int(chosen[1])) if chosen else await store.current_article()
    if article is None:
        return []
    rest = " ".join(words[1:] if chosen else words)
    if not rest:
        return [await _summary(article, context, tr), *await _topics(article, None, context, tr)]
    section = _SECTION.fullmatch(rest)
    if section:
        found = await _section(article, int(section[1]), context, tr)
        return [found] if found else []
    topic = context.bot_data.lexicon.find(rest)
    results = await _topics(article, topic.command, context, tr) if topic else []
    return results + await _hits(rest, context, tr)


async def _summary(article: ArticleInfo, context: Context, tr: Texts) -> InlineQueryResultArticle:
    summary = await context.bot_data.store.summary(article)
    return _result(
        f"m:{article.id}",
        f"{tr.say('INLINE_SUMMARY')} — {article.title}",
        summary.bullets[0] if summary.bullets else "",
        render.summary(summary, tr)[0],
    )


async def _topics(
    article: ArticleInfo, only: str | None, context: Context, tr: Texts
) -> list[InlineQueryResultArticle]:
    store, lexicon = context.bot_data.store, context.bot_data.lexicon
    results = []
    for topic in lexicon.ordered(await store.topics_of(article)):
        if only is not None and topic.command != only:
            continue
        briefing = await store.topic_briefing(article, topic.command)
        first = briefing.paragraphs[0].text if briefing.paragraphs else briefing.bullets[0].text
        title = tr.say("INLINE_TOPIC", label=topic.label(tr.language), title=article.title)
        chunks = render.topic(briefing, topic, tr)
        results.append(_result(f"t:{article.id}:{topic.command}", title, first, chunks[0]))
    return results


async def _section(
    article: ArticleInfo, number: int, context: Context, tr: Texts
) -> InlineQueryResultArticle | None:
    view = await context.bot_data.store.section(article, number)
    if view is None:
        return None
    heading = render.heading_for(view.heading, tr)
    title = f"{tr.say('INLINE_SECTION', heading=heading)} — {article.title}"
    first = view.paragraphs[0] if view.paragraphs else ""
    return _result(f"s:{article.id}:{number}", title, first, render.section(view, tr)[0])


async def _hits(text: str, context: Context, tr: Texts) -> list[InlineQueryResultArticle]:
    hits = await context.bot_data.store.search(text, limit=PAGE * 2)
    return [
        _result(
            f"h:{hit.paragraph.id}",
            f"{render.heading_for(hit.paragraph.heading, tr)} — {hit.article.title}",
            hit.paragraph.text,
            render.search(text, [hit], tr)[0],
        )
        for hit in hits
    ]


def _result(
    result_id: str, title: str, description: str, message: str
) -> InlineQueryResultArticle:
    return InlineQueryResultArticle(
        id=result_id,
        title=title,
        description=description[:_DESCRIPTION_MAX],
        # Parse mode and link previews are the Application's Defaults, as for every send.
        input_message_content=InputTextMessageContent(message),
    )


def _queries() -> Handlers:
    return [InlineQueryHandler(inline_query)]


CAPABILITY = Capability("inline", handlers=_queries)
