"""``POST /api/articles``: a newsroom's CMS publishes an article to the bot.

``Authorization: Bearer <API_TOKEN>`` is required (compared in constant time; 401 without).
The body is JSON (``title``, ``html`` or ``text``, ``url``, ``author``, ``published``,
``image``) or our text format; one over MAX_ARTICLE_BYTES gets 413. The answer is JSON: the
article's id, what happened (added, replaced, unchanged) and how it was read, or the errors
with their lines (422). The same ``url`` posted again replaces the article.
"""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from aiohttp import web

from content.library import Upload, add_article
from content.parser import ArticleFormatError, ParsedArticle, read_article
from content.ports import ArticleStore
from content.sources.api import PostedArticleError, posted_copy
from content.sources.web import Copy

logger = logging.getLogger(__name__)

PATH = "/api/articles"
Publisher = Callable[[Copy], Awaitable[dict[str, Any]]]


def add_publishing_api(server: web.Application, token: str, publish: Publisher) -> None:
    """Mount the API on ``server``."""

    async def post(request: web.Request) -> web.Response:
        given = request.headers.get("Authorization", "").encode()
        if not hmac.compare_digest(given, f"Bearer {token}".encode()):
            return _json({"error": "a Bearer API_TOKEN is required"}, 401)
        try:
            body = await request.read()
        except web.HTTPRequestEntityTooLarge:
            return _json({"error": "the article is over MAX_ARTICLE_BYTES"}, 413)
        try:
            copy = posted_copy(body, request.content_type)
        except (PostedArticleError, UnicodeDecodeError) as error:
            return _json({"errors": [{"line": None, "reason": str(error)}]}, 422)
        answer = await publish(copy)
        return _json(answer, 422 if "errors" in answer else 200)

    server.router.add_post(PATH, post)


def _json(data: dict[str, Any], status: int) -> web.Response:
    text = json.dumps(data, ensure_ascii=False)
    return web.Response(text=text, status=status, content_type="application/json")


def publisher(
    store: Callable[[], ArticleStore], seeds: Path, max_bytes: int, wake: Callable[[], None]
) -> Publisher:
    """Store what is posted in the seeds folder and the store, and say how it was read."""

    async def publish(copy: Copy) -> dict[str, Any]:
        data = copy.text.encode()
        upload = Upload(copy.name, data, shown_as=copy.url or copy.name)
        try:
            result = await add_article(store(), seeds, upload, max_bytes)
            parsed = read_article(data, copy.name, max_bytes)
        except ArticleFormatError as error:
            return {"errors": [{"line": error.line, "reason": error.reason}]}
        except OSError as error:
            logger.warning("Could not save a posted article: %s", error)
            return {"errors": [{"line": None, "reason": "the article could not be saved"}]}
        wake()
        return {"id": result.slug, "outcome": result.outcome, "article": _read(parsed)}

    return publish


def _read(parsed: ParsedArticle) -> dict[str, Any]:
    """How an article was read, as the preview says it."""
    article = parsed.article
    return {
        "title": article.title,
        "url": article.url,
        "author": article.author,
        "published": article.published,
        "lead": len(article.lead),
        "sections": [
            {"heading": section.heading, "paragraphs": len(section.paragraphs)}
            for section in article.sections
        ],
        "summary": "automatic" if article.automatic_summary else "editor",
        "bullets": list(article.bullets),
        "notes": [{"line": note.line, "note": note.message} for note in parsed.notes],
    }
