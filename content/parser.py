"""Parse an article file into an :class:`Article`.

The format, line by line (blank lines are ignored everywhere):

* an optional title: a heading-like first line that is followed by a paragraph;
* the lead: the paragraphs before the first heading;
* sections: a heading (a short line with no closing sentence punctuation; it may end in
  ``?`` or ``؟``) and the paragraphs under it, one paragraph a line;
* the closing summary: the last short line that ends with a colon, then the bullets, either
  one a line (``-``, ``•``, ``*``, ``1.``) or written as sentences on one or more lines.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from content.files import UnreadableFileError, read_regular_file, too_large
from content.models import Article, Section
from content.sentences import split_sentences

DEFAULT_MAX_BYTES = 1_000_000

_HEADING_MAX_CHARS = 90
_HEADING_MAX_WORDS = 12
_SUMMARY_HEAD_MAX_CHARS = 60
_SUMMARY_HEAD_MAX_WORDS = 8
# A line whose last character (closing quotes and brackets aside) is one of these ends a
# sentence, so it is a paragraph, not a heading. ? and ؟ are left out: headings ask questions.
_SENTENCE_END = frozenset(".!…:؛;،,")
_CLOSING = "»”\"')]"
_COLONS = (":", "：")
_BULLET = re.compile(r"^(?:[-•*–—·▪●◦]|[0-9٠-٩]{1,3}[.)\-])\s+")
_SLUG_UNSAFE = re.compile(r"[^a-z0-9]+")
_SLUG_MAX = 48


class ArticleFormatError(ValueError):
    """An article file that cannot be read as an article: says which file, line and why."""

    def __init__(self, path: str | Path, line: int | None, reason: str) -> None:
        self.path = str(path)
        self.line = line
        self.reason = reason
        where = f"{self.path}:{line}" if line is not None else self.path
        super().__init__(f"{where}: {reason}")


@dataclass(frozen=True, slots=True)
class _Line:
    number: int
    text: str


def parse_file(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> Article:
    """Read and parse the article at ``path``; refuses a file over ``max_bytes``."""
    return parse_article(read_article_file(path, max_bytes), path, max_bytes)


def read_article_file(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """The bytes of the article file at ``path``; ArticleFormatError if it can't be one (not
    a regular file, too large, unreadable)."""
    try:
        return read_regular_file(path, max_bytes)
    except UnreadableFileError as error:
        raise ArticleFormatError(path, None, error.reason) from error


def parse_article(data: bytes, path: str | Path, max_bytes: int = DEFAULT_MAX_BYTES) -> Article:
    """Parse the bytes of an article file; ``path`` names it in errors and gives its slug."""
    _check_size(path, len(data), max_bytes)
    lines = _content_lines(_decode(data, path))
    if not lines:
        raise ArticleFormatError(path, 1, "the file is empty")
    head_index = _summary_head_index(lines, path)
    bullets = _bullets(lines[head_index + 1 :], lines[head_index], path)
    title, lead, sections = _body(lines[:head_index], lines[head_index], path)
    summary_title = _strip_colon(lines[head_index].text)
    return Article(
        slug=slug_for(path),
        title=title or summary_title,
        lead=lead,
        sections=sections,
        summary_title=summary_title,
        bullets=bullets,
    )


def slug_for(path: str | Path) -> str:
    """A stable, URL- and callback-safe id made from the file name."""
    stem = Path(path).name.removesuffix(".txt")
    slug = _SLUG_UNSAFE.sub("-", stem.lower()).strip("-")[:_SLUG_MAX].strip("-")
    if slug:
        return slug
    return "article-" + hashlib.sha1(stem.encode(), usedforsecurity=False).hexdigest()[:10]


def _check_size(path: str | Path, size: int, max_bytes: int) -> None:
    if reason := too_large(size, max_bytes):
        raise ArticleFormatError(path, None, reason)


def _decode(data: bytes, path: str | Path) -> str:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ArticleFormatError(
            path, line, f"the file is not UTF-8 text (byte 0x{data[error.start]:02x})"
        ) from error
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise ArticleFormatError(path, line, "the file is binary, not text (NUL byte)")
    return text


def _content_lines(text: str) -> list[_Line]:
    """Non-blank lines, stripped, with their 1-based line numbers; any line ending."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return [_Line(number, line.strip()) for number, line in enumerate(lines, 1) if line.strip()]


def _summary_head_index(lines: list[_Line], path: str | Path) -> int:
    for index in range(len(lines) - 1, -1, -1):
        if _is_summary_head(lines[index].text):
            if index == len(lines) - 1:
                raise ArticleFormatError(
                    path, lines[index].number, "the summary heading has no bullets after it"
                )
            if index == 0:
                raise ArticleFormatError(
                    path, lines[index].number, "the article has no body before its summary"
                )
            return index
    raise ArticleFormatError(
        path,
        lines[-1].number,
        "the article has no closing summary: expected a short line ending with ':' "
        "followed by the summary's sentences or bullets",
    )


def _is_summary_head(text: str) -> bool:
    return (
        text.endswith(_COLONS)
        and len(text) <= _SUMMARY_HEAD_MAX_CHARS
        and len(text.split()) <= _SUMMARY_HEAD_MAX_WORDS
        and not _BULLET.match(text)
    )


def _is_heading(text: str) -> bool:
    return (
        len(text) <= _HEADING_MAX_CHARS
        and len(text.split()) <= _HEADING_MAX_WORDS
        and not _BULLET.match(text)
        and text.rstrip(_CLOSING)[-1:] not in _SENTENCE_END
    )


def _bullets(lines: list[_Line], head: _Line, path: str | Path) -> tuple[str, ...]:
    bullets: list[str] = []
    for line in lines:
        marker = _BULLET.match(line.text)
        if marker:
            bullets.append(line.text[marker.end() :].strip())
        else:
            bullets.extend(split_sentences(line.text))
    bullets = [bullet for bullet in bullets if bullet]
    if not bullets:
        raise ArticleFormatError(path, head.number, "the summary has no bullets")
    return tuple(bullets)


def _body(
    lines: list[_Line], head: _Line, path: str | Path
) -> tuple[str, tuple[str, ...], tuple[Section, ...]]:
    """Split the lines before the summary into title, lead and sections."""
    title = ""
    if len(lines) > 1 and _is_heading(lines[0].text) and not _is_heading(lines[1].text):
        title, lines = lines[0].text, lines[1:]
    lead: list[str] = []
    sections: list[tuple[_Line, list[str]]] = []
    for line in lines:
        if _is_heading(line.text):
            _check_not_empty(sections, path)
            sections.append((line, []))
        elif sections:
            sections[-1][1].append(line.text)
        else:
            lead.append(line.text)
    _check_not_empty(sections, path)
    if not lead and not sections:
        raise ArticleFormatError(path, head.number, "the article has no body before its summary")
    return title, tuple(lead), tuple(Section(h.text, tuple(ps)) for h, ps in sections)


def _check_not_empty(sections: list[tuple[_Line, list[str]]], path: str | Path) -> None:
    if sections and not sections[-1][1]:
        heading = sections[-1][0]
        raise ArticleFormatError(
            path, heading.number, f"the heading «{heading.text}» has no paragraphs under it"
        )


def _strip_colon(text: str) -> str:
    return text.rstrip("".join(_COLONS)).strip()
