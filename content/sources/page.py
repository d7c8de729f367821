"""A web page read into the same article the text parser makes.

trafilatura (a maintained extractor, among the best on public benchmarks) finds the article in
the page, without its navigation, share bars, «read also» boxes and comments, as headings,
paragraphs and lists, with the page's metadata. That is written in our own text format, front
matter included, and read by content.parser like any file: one parser, one set of rules, and
the file kept in the seeds folder is exactly what was read.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit
from xml.etree import ElementTree

import trafilatura
import yaml

from content.copy import CopyError, arabic_share, decode

# Less than this is not an article: a section front, a video page, a list of links.
MIN_PARAGRAPHS = 2
MIN_WORDS = 60
MIN_ARABIC_SHARE = 0.5  # of the letters: an English page is not ours to brief
_TRACKING = re.compile(r"^(utm_\w+|fbclid|gclid|mc_cid|mc_eid|ref|ref_src|igshid)$", re.I)
_SLUG_UNSAFE = re.compile(r"[^a-z0-9]+")
# <meta charset="…"> or <meta http-equiv="Content-Type" content="text/html; charset=…">
_META_CHARSET = re.compile(rb"<meta[^>]*?charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.I)
_CHARSET_WITHIN = 4096  # bytes: where HTML requires the declaration to be
_NAME_MAX = 80


class NotAnArticleError(ValueError):
    """A page that holds no article we can brief, and why."""


def canonical(url: str) -> str:
    """``url`` as one story's one address: https, no ``www.``, no tracking parameters, no
    fragment, no trailing slash."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").removeprefix("www.")
    if parts.port and parts.port not in (80, 443):
        host = f"{host}:{parts.port}"
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query) if not _TRACKING.match(k)])
    path = parts.path.rstrip("/") or "/"
    return urlunsplit(("https", host, path, query, ""))


def file_name(url: str) -> str:
    """The seeds folder's name for the article at ``url``: the same story, the same file."""
    parts = urlsplit(canonical(url))
    stem = _SLUG_UNSAFE.sub("-", f"{parts.hostname} {parts.path} {parts.query}".lower())
    return stem.strip("-")[:_NAME_MAX].strip("-") + ".txt"


def page_text(html: bytes, charset: str, url: str) -> str:
    """The article of the page as our text format; NotAnArticleError says why when none.

    The page is decoded with the charset its server gave, else the one it declares itself,
    else the one detection is sure of: a charset that does not decode the page is wrong."""
    text = _decoded(html, (charset, _declared_charset(html)), url)
    extracted = trafilatura.extract(
        text, url=url, output_format="xml", with_metadata=True, favor_precision=True,
        include_comments=False, include_tables=False,
    )  # fmt: skip
    if not extracted:
        raise NotAnArticleError(f"{url}: no article text found in the page")
    # trafilatura's own serialisation of what it kept: no DTD, no entity of the page's.
    return _as_copy(ElementTree.fromstring(extracted), url)  # noqa: S314


def _declared_charset(html: bytes) -> str:
    found = _META_CHARSET.search(html[:_CHARSET_WITHIN])
    return found[1].decode("ascii") if found else ""


def _decoded(html: bytes, charsets: tuple[str, ...], url: str) -> str:
    for charset in filter(None, charsets):
        try:
            return html.decode(charset)
        except (LookupError, UnicodeDecodeError):
            continue
    try:
        return decode(html)[0]
    except CopyError as error:
        raise NotAnArticleError(f"{url}: the page's text cannot be decoded ({error})") from None


def _as_copy(doc: ElementTree.Element, url: str) -> str:
    title = (doc.get("title") or "").strip()
    lines: list[str] = []
    main = doc.find("main")
    blocks = list(main) if main is not None else []
    for index, block in enumerate(blocks):
        text = " ".join("".join(block.itertext()).split())
        if block.tag == "head":
            if text and text != title:
                lines.append(f"## {text}")
        elif block.tag == "p" and text:
            lines.append(text)
        elif block.tag == "list":
            items = [" ".join("".join(item.itertext()).split()) for item in block.iter("item")]
            closing = index == len(blocks) - 1 and lines and lines[-1].startswith("## ")
            lines += [f"- {item}" if closing else item for item in items if item]
    _check_article(lines, url)
    front = {
        key: value
        for key, value in (
            ("title", title),
            ("url", canonical(doc.get("url") or url)),
            ("author", doc.get("author") or ""),
            ("published", doc.get("date") or ""),
            ("image", doc.get("image") or ""),
        )
        if value
    }
    head = yaml.safe_dump(front, allow_unicode=True, sort_keys=False).strip()
    body = [title] if title else []
    return "\n".join(["---", head, "---", *body, *lines]) + "\n"


def _check_article(lines: list[str], url: str) -> None:
    paragraphs = [line for line in lines if not line.startswith(("## ", "- "))]
    words = sum(len(line.split()) for line in paragraphs)
    if len(paragraphs) < MIN_PARAGRAPHS or words < MIN_WORDS:
        raise NotAnArticleError(
            f"{url}: not an article ({len(paragraphs)} paragraph(s), {words} words): a section"
            " front, a video or a list of links?"
        )
    if arabic_share(" ".join(paragraphs)) < MIN_ARABIC_SHARE:
        raise NotAnArticleError(f"{url}: the article is not in Arabic")
