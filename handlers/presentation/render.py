"""Models → Telegram HTML, split into messages that fit Telegram's limit.

Every piece of article text is escaped here and nowhere else; a reply is built from blocks
(a heading, a paragraph, a bullet list) that are joined by blank lines and packed into as few
messages as fit, never cutting a block unless the block alone is too long.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence

from content.models import SearchHit, SectionView, Summary, TopicBriefing
from content.sentences import CLAUSE_ENDS, split_sentences
from content.topics import Topic
from handlers.presentation.texts import Texts

# Telegram counts a message's length after entity parsing, in UTF-16 code units.
MESSAGE_LIMIT = 4096
# A paragraph longer than this is cut at sentence (then word) boundaries before packing, so
# that a block always fits a message alongside its heading.
_BLOCK_LIMIT = 3500
_TAG = re.compile(r"<[^>]*>")
# Room kept in a continued message for its repeated title line.
_CONTINUATION_ROOM = 200
_TITLE_MAX = 150
_SEPARATOR = "\n\n"


def utf16_length(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def visible_length(html_text: str) -> int:
    """Length of an HTML message after Telegram parses its tags and entities."""
    return utf16_length(html.unescape(_TAG.sub("", html_text)))


def escape(text: str) -> str:
    """Article text made safe for Telegram HTML."""
    return html.escape(text, quote=False)


def bold(text: str) -> str:
    """Article text in bold."""
    return f"<b>{escape(text)}</b>"


def pack(
    blocks: Iterable[str], limit: int = MESSAGE_LIMIT, separator: str = _SEPARATOR
) -> list[str]:
    """Join blocks with ``separator`` (a blank line) into as few messages as fit ``limit``."""
    messages: list[str] = []
    current: list[str] = []
    length = 0
    separator_length = utf16_length(separator)
    for block in blocks:
        size = visible_length(block)
        if current and length + separator_length + size > limit:
            messages.append(separator.join(current))
            current, length = [], 0
        length += size + (separator_length if current else 0)
        current.append(block)
    if current:
        messages.append(separator.join(current))
    return messages


def titled(blocks: Sequence[str], title_html: str) -> list[str]:
    """Packed blocks; a reply of several messages repeats its title atop each one after the
    first, with its place (2/3), so that any of them forwarded alone still says what it is."""
    chunks = pack(blocks)
    if len(chunks) == 1:
        return chunks
    chunks = pack(blocks, MESSAGE_LIMIT - _CONTINUATION_ROOM)
    plain = " ".join(html.unescape(_TAG.sub(" ", title_html)).split())
    title = escape(plain[:_TITLE_MAX])
    return [
        chunk if number == 1 else f"<i>{title} ({number}/{len(chunks)})</i>\n\n{chunk}"
        for number, chunk in enumerate(chunks, 1)
    ]


def paragraph_blocks(text: str) -> list[str]:
    """An escaped paragraph, cut into blocks at sentence or word boundaries when too long."""
    pieces: list[str] = []
    for sentence in (
        split_sentences(text, CLAUSE_ENDS) if utf16_length(text) > _BLOCK_LIMIT else [text]
    ):
        pieces.extend(_cut_words(sentence))
    return [escape(piece) for piece in _merge(pieces)]


def _cut_words(text: str) -> list[str]:
    """Cut a text that is still too long at spaces, and at the limit as a last resort."""
    pieces: list[str] = []
    current = ""
    for word in text.split(" "):
        candidate = f"{current} {word}" if current else word
        if utf16_length(candidate) <= _BLOCK_LIMIT:
            current = candidate
            continue
        if current:
            pieces.append(current)
        rest = word
        while utf16_length(rest) > _BLOCK_LIMIT:
            # Cutting at half the limit in code points keeps surrogate pairs whole and fits,
            # since a code point is at most two UTF-16 units.
            pieces.append(rest[: _BLOCK_LIMIT // 2])
            rest = rest[_BLOCK_LIMIT // 2 :]
        current = rest
    if current:
        pieces.append(current)
    return pieces


def _merge(pieces: list[str]) -> list[str]:
    """Put consecutive pieces back together while they fit one block."""
    merged: list[str] = []
    for piece in pieces:
        if merged and utf16_length(merged[-1]) + 1 + utf16_length(piece) <= _BLOCK_LIMIT:
            merged[-1] = f"{merged[-1]} {piece}"
        else:
            merged.append(piece)
    return merged


def bullet_list(bullets: Sequence[str]) -> list[str]:
    """Bullets as • lines, grouped into blocks that fit a message."""
    lines = [f"• {block}" for bullet in bullets for block in paragraph_blocks(bullet)]
    return pack(lines, _BLOCK_LIMIT, separator="\n")


def heading_for(heading: str, tr: Texts) -> str:
    """A section's heading as shown; the lead has no heading of its own."""
    return heading or tr.say("LEAD_HEADING")


def summary(view: Summary, tr: Texts) -> list[str]:
    """The closing summary: its title, then the bullets; sentences the bot chose are said
    to be an automatic summary, never passed off as the editor's."""
    header = bold(view.title)
    if view.article.automatic_summary:
        header = f"{bold(view.article.title)}\n<i>{tr.say('AUTOMATIC_SUMMARY')}</i>"
    elif view.article.title != view.title:
        header = f"{bold(view.article.title)}\n{tr.say('SUMMARY_LABEL')}: {header}"
    return titled([header, *bullet_list(view.bullets)], escape(view.article.title))


def section(view: SectionView, tr: Texts) -> list[str]:
    """One section: the article's title, the heading, its paragraphs and where it stands."""
    header = f"{bold(view.article.title)}\n{bold(heading_for(view.heading, tr))}"
    position = tr.say("SECTION_POSITION", number=view.index, count=view.count)
    paragraphs = [block for text in view.paragraphs for block in paragraph_blocks(text)]
    return titled([header, *paragraphs, f"<i>{position}</i>"], header)


def topic(briefing: TopicBriefing, topic: Topic, tr: Texts) -> list[str]:
    """A topic's paragraphs grouped under their headings, then its summary bullets."""
    blocks = [
        tr.say(
            "TOPIC_TITLE",
            label=escape(topic.label(tr.language)),
            title=escape(briefing.article.title),
        )
    ]
    current_section: int | None = None
    for paragraph in briefing.paragraphs:
        if paragraph.section != current_section:
            current_section = paragraph.section
            blocks.append(bold(heading_for(paragraph.heading, tr)))
        blocks.extend(paragraph_blocks(paragraph.text))
    if briefing.bullets:
        blocks.append(tr.say("TOPIC_BULLETS"))
        blocks.extend(bullet_list([bullet.text for bullet in briefing.bullets]))
    return titled(blocks, blocks[0])


def search(query: str, hits: Sequence[SearchHit], tr: Texts) -> list[str]:
    """Search hits, best first, each under its article and section heading."""
    blocks = [tr.say("SEARCH_TITLE", query=escape(query))]
    for hit in hits:
        where = f"{bold(heading_for(hit.paragraph.heading, tr))}"
        where += f" · {escape(hit.article.title)}"
        paragraph = paragraph_blocks(hit.paragraph.text)
        if len(paragraph) == 1:
            # Bold only what fits one block: a cut paragraph's offsets no longer line up.
            paragraph = [highlighted(hit.paragraph.text, hit.spans)]
        blocks.append(f"{where}\n{paragraph[0]}")
        blocks.extend(paragraph[1:])
    return titled(blocks, blocks[0])


def commands_line(topics: Sequence[Topic], language: str) -> str:
    """Topic commands with their labels, on one line: /iran إيران · /china الصين."""
    return " · ".join(f"/{topic.command} {escape(topic.label(language))}" for topic in topics)


def highlighted(text: str, spans: Sequence[tuple[int, int]]) -> str:
    """Escaped ``text`` with the words at ``spans`` in bold."""
    parts: list[str] = []
    done = 0
    for start, end in spans:
        parts.append(escape(text[done:start]))
        parts.append(bold(text[start:end]))
        done = end
    parts.append(escape(text[done:]))
    return "".join(parts)


def new_article(
    summary_view: Summary, topic_labels: Sequence[str], tr: Texts, alerts: Sequence[str] = ()
) -> list[str]:
    """A new article pushed to a subscriber: a marker, its summary, and what matched it (the
    subscribed topics, else the reader's word alerts)."""
    blocks = [tr.say("NEW_ARTICLE"), *summary(summary_view, tr)]
    if topic_labels:
        labels = tr.join(escape(label) for label in topic_labels)
        blocks.append(f"<i>{tr.say('NEW_ARTICLE_TOPICS', labels=labels)}</i>")
    elif alerts:
        words = tr.join(f"«{escape(word)}»" for word in alerts)
        blocks.append(f"<i>{tr.say('NEW_ARTICLE_ALERTS', words=words)}</i>")
    return titled(blocks, escape(summary_view.article.title))


def digest(summaries: Sequence[Summary], tr: Texts) -> list[str]:
    """The daily digest: each new article's title and summary bullets."""
    blocks = [tr.say("DIGEST_TITLE", count=len(summaries))]
    for view in summaries:
        blocks.append(bold(view.article.title))
        blocks.extend(bullet_list(view.bullets))
    return titled(blocks, blocks[0])
