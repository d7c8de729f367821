"""A web page read into the same article the text parser makes.

trafilatura (a maintained extractor, among the best on public benchmarks) finds the article in
the page, without its navigation, share bars, «read also» boxes and comments, as headings,
paragraphs and lists, with the page's metadata. That is written in our own text format, front
matter included, and read by content.parser like any file: one parser, one set of rules, and
the file kept in the seeds folder is exactly what was read.
"""

from __future__ import annotations

import copy
import re
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit
from xml.etree import ElementTree

import yaml

from content.copy import MARKED, CopyError, arabic_share, decode
from content.sources import markup
from content.sources.markup import Block

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
NO_WRAP = 10**6  # YAML's line width: a long title stays on its line
_HEADING_MAX_WORDS = 12
_CLOSING = "»”\"')]"
# A bold paragraph ending in one of these is a sentence or a question, not a heading.
_NOT_A_HEADING_END = frozenset(".!…؛;،,؟?")
_SENTENCE_END = frozenset(".!…؛;؟?")
_UNQUOTED = str.maketrans("", "", "«»“”\"'‘’:")
_LEADING_BULLET = re.compile(r"^\s*[•·▪●◦–-]\s*")


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
    tree = markup.parse(text)
    page: Any = text if tree is None else tree
    precise = _extract(page, url, favor_precision=True)
    # Nothing found with precision (a page laid out in tables): ask for more, and keep only
    # what reads as sentences, not the boxes' titles that come with it.
    extracted = precise or _extract(page, url, favor_precision=False)
    if extracted is None:
        raise NotAnArticleError(f"{url}: no article text found in the page")
    return _as_copy(extracted, url, tree, sentences_only=precise is None)


def _extract(page: Any, url: str, *, favor_precision: bool) -> ElementTree.Element | None:
    """What trafilatura keeps of the page (a copy of the tree: it prunes what it reads)."""
    # Imported at the first page: trafilatura and its date and language tools hold about
    # 25 MB, which a worker that reads no page (most of them: one polls) need not carry.
    import trafilatura  # noqa: PLC0415

    extracted = trafilatura.extract(
        copy.deepcopy(page), url=url, output_format="xml", with_metadata=True,
        include_comments=False, include_tables=False, include_formatting=True,
        favor_precision=favor_precision, favor_recall=not favor_precision,
    )  # fmt: skip
    if not extracted:
        return None
    # trafilatura's own serialisation of what it kept: no DTD, no entity of the page's.
    doc = ElementTree.fromstring(extracted)  # noqa: S314
    main = doc.find("main")
    return doc if main is not None and len(main) > 0 else None


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


def _as_copy(doc: ElementTree.Element, url: str, tree: Any, *, sentences_only: bool) -> str:
    """Our text format, its structure marked: the title, ``##`` headings, paragraphs, and
    the page's key points as the closing summary."""
    title = (markup.headline(tree) if tree is not None else "") or (doc.get("title") or "")
    points = markup.key_points(tree) if tree is not None else None
    blocks = _blocks(doc.find("main"), title)
    if sentences_only:
        blocks = [b for b in blocks if b.kind == "heading" or _ends_sentence(b.text)]
    if tree is not None:
        blocks = _restored(blocks, markup.restore(tree, [b.text for b in blocks]))
    blocks = _without_summary(blocks, points)
    lines = [f"## {b.text}" if b.kind == "heading" else b.text for b in _kept(blocks)]
    _check_article(lines, url)
    if points is not None:
        lines += [f"## {points.heading.rstrip(':').strip()}", *(f"- {i}" for i in points.items)]
    front = {
        key: value
        for key, value in (
            ("title", title.strip()),
            ("url", canonical(doc.get("url") or url)),
            ("author", doc.get("author") or ""),
            ("published", doc.get("date") or ""),
            ("image", doc.get("image") or ""),
            ("structure", MARKED),
        )
        if value
    }
    head = yaml.safe_dump(front, allow_unicode=True, sort_keys=False, width=NO_WRAP).strip()
    body = [f"# {title.strip()}"] if title.strip() else []
    return "\n".join(["---", head, "---", *body, *lines]) + "\n"


def _blocks(main: ElementTree.Element | None, title: str) -> list[Block]:
    """The extracted blocks in order: headings (a page's own, or a short paragraph that is
    bold throughout and ends no sentence), paragraphs, quotes and list items."""
    blocks: list[Block] = []
    for element in _block_elements(main):
        text = _flat(element)
        if not text or _same(text, title):
            continue
        if element.tag == "list":
            blocks += [Block("paragraph", _flat(item)) for item in element.iter("item")]
        elif element.tag == "head" or _bold_heading(element, text):
            blocks.append(Block("heading", text))
        elif element.tag in ("p", "quote"):
            blocks.append(Block("paragraph", text))
    return [block for block in blocks if block.text]


def _block_elements(parent: ElementTree.Element | None) -> list[ElementTree.Element]:
    """The blocks under ``parent``, the ones inside a ``div`` (a table's cell) included."""
    if parent is None:
        return []
    found: list[ElementTree.Element] = []
    for element in parent:
        found += _block_elements(element) if element.tag == "div" else [element]
    return found


def _restored(blocks: list[Block], restored: markup.Restored) -> list[Block]:
    """``blocks`` with what the extractor dropped between them put back in its place, and
    the page's headings that it kept as paragraphs made headings again."""
    texts = {_key(block.text) for block in blocks}
    merged: list[Block] = []
    for index, block in enumerate(blocks):
        heading = index in restored.headings
        merged.append(Block("heading", block.text) if heading else block)
        merged += [
            found for found in restored.between.get(index, []) if _key(found.text) not in texts
        ]
    return merged


def _ends_sentence(text: str) -> bool:
    return text.rstrip(_CLOSING)[-1:] in _SENTENCE_END


def _bold_heading(element: ElementTree.Element, text: str) -> bool:
    """A paragraph that is one bold run, short, and ends no sentence (an interview's bold
    question is a paragraph)."""
    runs = list(element)
    return (
        element.tag == "p"
        and len(runs) == 1
        and runs[0].tag == "hi"
        and _flat(runs[0]) == text
        and not (element.text or "").strip()
        and not (runs[0].tail or "").strip()
        and len(text.split()) <= _HEADING_MAX_WORDS
        and text.rstrip(_CLOSING)[-1:] not in _NOT_A_HEADING_END
    )


def _without_summary(blocks: list[Block], points: markup.KeyPoints | None) -> list[Block]:
    """``blocks`` without the key points (and their heading) wherever the page put them."""
    if points is None:
        return blocks
    taken = {_key(item) for item in points.items} | {_key(points.heading)}
    return [block for block in blocks if _key(_unbulleted(block.text)) not in taken]


def _kept(blocks: list[Block]) -> list[Block]:
    """Blocks worth keeping: no heading without a paragraph under it, no paragraph twice (a
    pull quote repeats the text), no quote that only repeats a paragraph."""
    kept: list[Block] = []
    paragraphs = [_key(b.text) for b in blocks if b.kind == "paragraph"]
    seen: set[str] = set()
    for index, block in enumerate(blocks):
        key = _key(block.text)
        if block.kind == "heading":
            following = blocks[index + 1] if index + 1 < len(blocks) else None
            if following is not None and following.kind == "paragraph":
                kept.append(block)
            continue
        repeats = any(key != other and key in other for other in paragraphs)
        if key not in seen and not repeats:
            seen.add(key)
            kept.append(block)
    return kept


def _flat(element: ElementTree.Element) -> str:
    return " ".join("".join(element.itertext()).split())


def _key(text: str) -> str:
    """Text compared for sameness: no quotation marks, bullets, colons or spacing."""
    return " ".join(text.translate(_UNQUOTED).split())


def _unbulleted(text: str) -> str:
    return _LEADING_BULLET.sub("", text)


def _same(text: str, title: str) -> bool:
    return bool(title) and _key(text) == _key(title)


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
