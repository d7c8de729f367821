"""What a page's own markup says that an extractor drops: the headline as the reader sees it,
the article's key-points list wherever the site puts it, and the headings and plain lists
between the paragraphs the extractor kept.

Sites put their «أبرز النقاط» box above the lead, in a side box, or under the text, as a
list or as paragraphs that start with a bullet; an extractor built to find running text keeps
some of them as paragraphs and drops the rest. So the list is found here, in the page itself:
a heading editors give such lists (content.parser's known summary headings), or a short one
ending with a colon, followed by the list.
"""

from __future__ import annotations

import itertools
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from lxml import html as lxml_html

from content.parser import is_summary_heading

_BULLET_PARAGRAPH = re.compile(r"^\s*[•·▪●◦–-]\s*")
_HEAD_MAX_WORDS = 8
_ITEMS_MAX = 10
_ITEM_MIN_WORDS = 3
_LOOK_AHEAD = 3  # elements after a heading in which its list may start
_HEAD_TAGS = frozenset({"h2", "h3", "h4", "h5", "h6", "strong", "b", "div", "span", "p", "header"})
_SKIPPED = frozenset({"script", "style", "noscript", "template", "svg"})
# Never article text, whatever the extractor thinks: captions and embedded posts.
_NOT_ARTICLE = re.compile(
    r"caption|legend|credit|twitter-tweet|instagram-media|tiktok-embed|fb-post", re.IGNORECASE
)
# Boxes around an article whose headings and lists are not the article's.
_AROUND = re.compile(
    r"related|share|social|read-?more|also|\btags?\b|comment|newsletter|subscribe|sidebar"
    r"|widget|promo|banner|most|popular|breadcrumb|menu|(?:^|[\s_-])ads?(?:$|[\s_-])|advert",
    re.IGNORECASE,
)
# Not <form>: ASP.NET sites wrap the whole page in one.
_AROUND_TAGS = frozenset({"aside", "nav", "footer", "figure", "header"})
_SUBTITLE_CLASS = re.compile(r"sub-?title|sub-?head|cross-?head|inter-?title", re.IGNORECASE)
_GAP_HEADINGS = frozenset({"h2", "h3", "h4", "h5", "h6"})
_STATEMENT_END = tuple(".!…؛;،,")
_SENTENCE_END = (*_STATEMENT_END, "؟", "?", ":")
_HEADING_MAX_WORDS = 12
_LINKED_SHARE = 0.5  # a list whose text is mostly links is a list of other stories
_BLOCK_TAGS = ("p", "div", "li", "blockquote", "td", "h2", "h3", "h4", "h5", "h6", "span")


@dataclass(frozen=True, slots=True)
class KeyPoints:
    """An article's own summary: its heading as written, and its items."""

    heading: str
    items: tuple[str, ...]


def parse(page: str) -> lxml_html.HtmlElement | None:
    """The page as a tree, without scripts, styles, photo captions and credits or embedded
    posts, and with the times inside paragraphs as plain text (a live story's «21:40 - …»,
    which extractors drop with the ``<time>`` element); None for text no HTML parser reads."""
    try:
        tree: lxml_html.HtmlElement = lxml_html.document_fromstring(page)
    except (ValueError, TypeError):
        return None
    for element in tree.iter(*_SKIPPED):
        element.drop_tree()
    _drop_captions(tree)
    return tree


def _drop_captions(cleaned: lxml_html.HtmlElement) -> None:
    for time in list(cleaned.iter("time")):
        if time.getparent() is not None and time.getparent().tag == "p":
            time.drop_tag()
    doomed = [
        element
        for element in cleaned.iter()
        if element.tag == "figcaption" or _NOT_ARTICLE.search(_names(element))
    ]
    for element in doomed:
        if element.getparent() is not None:
            element.drop_tree()


@dataclass(frozen=True, slots=True)
class Block:
    """A heading or a paragraph of the article."""

    kind: str  # "heading" or "paragraph"
    text: str


@dataclass(frozen=True, slots=True)
class Restored:
    """What the page's markup says of the extractor's blocks: what it dropped between two of
    them (keyed by the index of the block it follows), and which it kept as paragraphs that
    the page marks as headings (a ``div class="subtitle"``)."""

    between: dict[int, list[Block]]
    headings: frozenset[int]


def restore(tree: lxml_html.HtmlElement, kept: list[str]) -> Restored:
    """What the page shows around the extractor's blocks ``kept`` (their texts, in order):
    headings, and lists that are not lists of links, that the extractor dropped or flattened."""
    order = {element: index for index, element in enumerate(tree.iter())}
    anchors = _locate(tree, kept, order)
    headings = frozenset(
        index
        for index, element in anchors
        if _is_heading(element, kept[index]) and not _titles_links(element)
    )
    return Restored(_dropped_between(tree, anchors, order), headings)


def _dropped_between(
    tree: lxml_html.HtmlElement,
    anchors: list[tuple[int, lxml_html.HtmlElement]],
    order: dict[lxml_html.HtmlElement, int],
) -> dict[int, list[Block]]:
    # Every element that could have been dropped, read once, in document order.
    candidates = [
        (order[element], element)
        for element in tree.iter(*_GAP_HEADINGS, "ul", "ol", "div", "p")
        if not _around(element)
    ]
    positions = [position for position, _ in candidates]
    between: dict[int, list[Block]] = {}
    for (index, first), (_, second) in itertools.pairwise(anchors):
        start = max(order[element] for element in first.iter())
        found: list[Block] = []
        low, high = bisect_right(positions, start), bisect_left(positions, order[second])
        for _, element in candidates[low:high]:
            found += [block for block in _dropped(element) if block not in found]
        if found:
            between[index] = found
    return between


def _locate(
    tree: lxml_html.HtmlElement, kept: list[str], order: dict[lxml_html.HtmlElement, int]
) -> list[tuple[int, lxml_html.HtmlElement]]:
    """Each kept block's element in the page, in document order (blocks not found skipped)."""
    candidates = [(order[el], _text(el), el) for el in tree.iter(*_BLOCK_TAGS)]
    anchors: list[tuple[int, lxml_html.HtmlElement]] = []
    position, first = -1, 0  # the candidates before ``first`` all lie before ``position``
    for index, text in enumerate(kept):
        found = next(
            (at for at in range(first, len(candidates)) if candidates[at][0] > position
             and candidates[at][1] == text),
            None,
        )  # fmt: skip
        if found is not None:
            element = candidates[found][2]
            anchors.append((index, _innermost(element)))
            position = max(order[inside] for inside in element.iter())
            first = found + 1
    return anchors


def _innermost(element: lxml_html.HtmlElement) -> lxml_html.HtmlElement:
    """The deepest element that holds all of ``element``'s text (a cell's one ``div``)."""
    text = _text(element)
    while len(element) == 1 and not (element.text or "").strip() and _text(element[0]) == text:
        if element[0].tag in ("a", "strong", "b", "span", "em", "i", "time"):
            break  # inline: the block is the element that holds it
        element = element[0]
    return element


def _dropped(element: lxml_html.HtmlElement) -> list[Block]:
    text = _text(element)
    if not text:
        return []
    if element.tag in ("ul", "ol"):
        return [Block("paragraph", item) for item in _plain_items(element)]
    if _is_heading(element, text) and not _titles_links(element):
        return [Block("heading", text)]
    return []


def _titles_links(heading: lxml_html.HtmlElement) -> bool:
    """Whether ``heading`` is the title of a box of links (other stories), by what its box
    holds."""
    box = heading.getparent()
    return box is not None and _link_share(box) >= _LINKED_SHARE


def _is_heading(element: lxml_html.HtmlElement, text: str) -> bool:
    if len(text.split()) > _HEADING_MAX_WORDS:
        return False
    if element.tag in _GAP_HEADINGS:  # its markup says so: it may ask a question
        return not text.endswith(_STATEMENT_END)
    if text.endswith(_SENTENCE_END):
        return False
    return element.tag in ("div", "p") and (
        bool(_SUBTITLE_CLASS.search(_names(element))) and not _has_block_inside(element)
    )


def _plain_items(element: lxml_html.HtmlElement) -> list[str]:
    """A list's items, unless it is a list of links (other stories)."""
    if _link_share(element) >= _LINKED_SHARE:
        return []
    return [text for text in map(_text, element.iter("li")) if len(text.split()) >= 2]


def _link_share(element: lxml_html.HtmlElement) -> float:
    """How much of ``element``'s text is the text of links (1.0 for no text at all)."""
    total = len(_text(element))
    return sum(len(_text(link)) for link in element.iter("a")) / total if total else 1.0


def _around(element: lxml_html.HtmlElement) -> bool:
    """Whether ``element`` sits in a box around the article (related stories, shares …)."""
    for ancestor in element.iterancestors():
        if ancestor.tag in ("article", "main", "body"):
            return False
        if ancestor.tag in _AROUND_TAGS or _AROUND.search(_names(ancestor)):
            return True
    return bool(_AROUND.search(_names(element)))


def _names(element: lxml_html.HtmlElement) -> str:
    return f"{element.get('class') or ''} {element.get('id') or ''}"


def headline(tree: lxml_html.HtmlElement) -> str:
    """The text of the page's one ``<h1>``; "" when it has none or several."""
    found = [text for text in map(_text, tree.iter("h1")) if text]
    return found[0] if len(found) == 1 and len(found[0].split()) >= 2 else ""


def key_points(tree: lxml_html.HtmlElement) -> KeyPoints | None:
    """The article's key-points list: the first known summary heading with a list after it,
    else the last short heading ending with a colon with one."""
    colon_headed: KeyPoints | None = None
    for element in tree.iter(*_HEAD_TAGS):
        text = _text(element)
        if not text or len(text.split()) > _HEAD_MAX_WORDS or _has_block_inside(element):
            continue
        known = is_summary_heading(text)
        if not known and not (text.endswith(":") and _marked_as_heading(element)):
            continue
        items = _list_after(element)
        if not items:
            continue
        if known:
            return KeyPoints(text, items)
        colon_headed = KeyPoints(text, items)
    return colon_headed


def _marked_as_heading(element: lxml_html.HtmlElement) -> bool:
    """A heading by its markup: a heading tag, or bold text alone in its paragraph (not a
    sentence of the text that introduces a list: «وجاء منطوق الحكم على النحو التالي:»)."""
    if element.tag in _GAP_HEADINGS or _SUBTITLE_CLASS.search(_names(element)):
        return True
    if element.tag in ("div", "span") and not len(element):
        return True  # a label of its own: a sentence of the text would be in a paragraph
    bold = element if element.tag in ("strong", "b") else None
    if bold is None:
        children = list(element)
        if len(children) != 1 or (element.text or "").strip():
            return False
        bold = children[0]
    return bold.tag in ("strong", "b") and _text(bold) == _text(element)


def _text(element: lxml_html.HtmlElement) -> str:
    return " ".join(element.text_content().split())


def _has_block_inside(element: lxml_html.HtmlElement) -> bool:
    return any(child.tag in ("ul", "ol", "p", "div", "li") for child in element.iterdescendants())


def _list_after(head: lxml_html.HtmlElement) -> tuple[str, ...]:
    """The items of the list that follows ``head`` (or the element it is the only text of),
    within a few elements: a ``ul``/``ol``, or paragraphs that each start with a bullet."""
    for anchor in (head, head.getparent()):
        if anchor is None:
            continue
        following = [el for el in anchor.itersiblings() if _text(el)][:_LOOK_AHEAD]
        if not following:
            continue
        items = _items(following)
        if items:
            return items
    return ()


def _items(following: list[lxml_html.HtmlElement]) -> tuple[str, ...]:
    first = following[0]
    lists = [first] if first.tag in ("ul", "ol") else list(first.iter("ul", "ol"))[:1]
    if lists:
        texts = [_text(item) for item in lists[0].iter("li")]
    else:
        texts = []
        for element in [first, *first.itersiblings()]:
            text = _text(element)
            if not _BULLET_PARAGRAPH.match(text):
                break
            texts.append(_BULLET_PARAGRAPH.sub("", text))
    texts = [text for text in texts if text]
    if not 1 <= len(texts) <= _ITEMS_MAX or any(
        len(text.split()) < _ITEM_MIN_WORDS for text in texts
    ):
        return ()
    return tuple(texts)
