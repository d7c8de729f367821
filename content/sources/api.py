"""An article a newsroom's CMS posts (``POST /api/articles``), as article copy.

JSON with ``title``, ``html`` or ``text``, ``url``, ``author``, ``published`` and ``image``,
or a body already in our text format. The result is the text the seeds folder keeps, under
the name its link gives it, so posting the same ``url`` again replaces the article.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import yaml

from content.sources.page import NO_WRAP, NotAnArticleError, canonical, file_name, page_text
from content.sources.web import Copy

_FIELDS = ("title", "url", "author", "published", "image")


class PostedArticleError(ValueError):
    """A post that holds no article: says what is wrong with it."""


def posted_copy(body: bytes, content_type: str) -> Copy:
    """The article a post holds."""
    if "json" not in content_type:
        text = body.decode("utf-8-sig", errors="strict")
        name = "api-" + hashlib.sha256(body).hexdigest()[:16] + ".txt"
        return Copy("", name, text)
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError) as error:
        raise PostedArticleError(f"the body is not JSON: {error}") from None
    if not isinstance(data, dict):
        raise PostedArticleError("the body must be a JSON object")
    return _from_json(data)


def _from_json(data: dict[str, Any]) -> Copy:
    fields = {key: str(data[key]).strip() for key in _FIELDS if data.get(key)}
    url = fields.get("url", "")
    if url:
        fields["url"] = canonical(url)
    if isinstance(data.get("html"), str) and data["html"].strip():
        try:
            # A CMS posts the article's own HTML, not a page: framed as one, nothing is lost.
            framed = f"<html><body><article>{data['html']}</article></body></html>"
            extracted = page_text(framed.encode(), "utf-8", url or "https://api.local/")
        except NotAnArticleError as error:
            raise PostedArticleError(str(error).split(": ", 1)[-1]) from None
        front, body = extracted.removeprefix("---\n").split("\n---\n", 1)
        found = yaml.safe_load(front) or {}
        found.pop("url", None)  # the page's own is a placeholder: the CMS's link, or none
        fields = {key: str(value) for key, value in found.items()} | fields  # the CMS wins
        first, _, rest = body.partition("\n")
        if first.startswith("# "):  # the page's headline: the CMS's title replaces it
            body = rest
            fields.setdefault("title", first.removeprefix("# "))
    elif isinstance(data.get("text"), str) and data["text"].strip():
        body = data["text"].strip() + "\n"
    else:
        raise PostedArticleError("an article needs html or text")
    head = yaml.safe_dump(fields, allow_unicode=True, sort_keys=False, width=NO_WRAP).strip()
    title = [f"# {fields['title']}"] if fields.get("title") else []
    text = "\n".join(["---", head, "---", *title, body])
    seed = url or fields.get("title", "") or text
    name = file_name(url) if url else f"api-{hashlib.sha256(seed.encode()).hexdigest()[:16]}.txt"
    return Copy(fields.get("url", ""), name, text)
