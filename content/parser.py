"""Parse an article file into an :class:`Article`, as newsroom copy is really written.

Line by line (blank lines are ignored everywhere; content.copy reads the conventions around
the text first: the encoding, a YAML front-matter block, lines that are not article text):

* a title: the first line, when it does not end a sentence (a headline of any length), or a
  Markdown ``# `` line; else the front matter's ``title``;
* up to two byline and date lines under it («بقلم: …», «القاهرة - أحمد حسن | 12 مارس 2025»);
* the lead: the paragraphs before the first heading (its dateline, «القاهرة - », is noted);
* sections: a heading (a short line with no closing sentence punctuation, or a ``##`` line; it
  may end in ``?`` or ``؟``; a one-line quote is never one) and the paragraphs under it;
* in copy that marks its structure (front matter ``structure: marked``, as pages are read),
  ``##`` lines are the only headings, a closing ``##`` over ``-`` lines the only summary;
* the closing summary: a heading as editors write them («أبرز النقاط», «باختصار», «في سطور»,
  with or without a colon), or the last short line ending with a colon that is not someone
  about to be quoted, then the bullets (``-`` ``•`` ``*`` ``–`` ``1.`` ``١-``) or sentences.
  Without one, three to five of the article's own sentences are chosen (content.summary).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from content.copy import (
    MARKED,
    CopyError,
    CopyLine,
    ParseNote,
    Provenance,
    byline,
    copy_lines,
    dateline,
    decode,
    drop_not_text,
    front_matter,
)
from content.files import UnreadableFileError, read_regular_file, too_large
from content.models import Article, Section
from content.problems import english
from content.sentences import split_sentences
from content.summary import summarise

DEFAULT_MAX_BYTES = 1_000_000

_HEADING_MAX_CHARS = 90
_HEADING_MAX_WORDS = 12
_SUMMARY_HEAD_MAX_CHARS = 60
_SUMMARY_HEAD_MAX_WORDS = 8
_BYLINE_LINES = 2
_AUTOMATIC_TITLE_WORDS = 12
# A line whose last character (closing quotes and brackets aside) is one of these ends a
# sentence, so it is a paragraph, not a heading. ? and ؟ are left out: headings ask questions.
_SENTENCE_END = frozenset(".!…:؛;،,")
_CLOSING = "»”\"')]"
_COLONS = (":", "：")
_BULLET = re.compile(r"^(?:[-•*–—·▪●◦]|[0-9٠-٩]{1,3}[.)\-])\s+")
_MARKDOWN_HEADING = re.compile(r"^(?P<marks>#{1,6})\s+(?P<text>.+?)\s*#*$")
# Summary headings as editors write them, colon or not (compared without the colon).
_SUMMARY_HEADS = frozenset(
    {
        "أبرز النقاط", "ابرز النقاط", "باختصار", "في سطور", "خلاصة", "الخلاصة", "ملخص",
        "الملخص", "أهم النقاط", "اهم النقاط", "أهم ما جاء", "أبرز ما جاء", "نقاط رئيسية",
        "النقاط الرئيسية", "في نقاط", "in brief", "key points", "summary", "highlights",
        "at a glance", "tl;dr", "ما نعرفه حتى الآن", "ما نعرفه حتى الان", "ما نعرفه",
        "النقاط الأساسية", "أبرز المعلومات", "أهم المعلومات",
    }
)  # fmt: skip
# Someone about to be quoted («وقال الوزير في مقابلة:»): never a summary heading.
_ABOUT_TO_QUOTE = re.compile(
    r"^[وف]?(?:قال|قالت|أضاف|أضافت|اضاف|أكد|أكدت|اكد|تابع|تابعت|أوضح|أوضحت|صرح|صرحت|أشار"
    r"|أشارت|ختم|اعتبر|رأى|يقول|تقول|مضيفا|موضحا|كتب|كتبت|جاء)\b|[«»“”\"]"
)
_QUOTE_OPENERS = ("«", "“", '"')
_QUOTE_CLOSERS = ("»", "”", '"')
_SLUG_UNSAFE = re.compile(r"[^a-z0-9]+")
_SLUG_MAX = 48


class ArticleFormatError(ValueError):
    """An article file that cannot be read as an article: says which file, line and why."""

    def __init__(
        self,
        path: str | Path,
        line: int | None,
        reason: str,
        problem: str = "",
        values: dict[str, object] | None = None,
    ) -> None:
        self.path = str(path)
        self.line = line
        self.reason = reason
        # The reason as content.problems names it, for saying it in a reader's language.
        self.problem = problem
        self.values = values or {}
        where = f"{self.path}:{line}" if line is not None else self.path
        super().__init__(f"{where}: {reason}")

    @classmethod
    def of(
        cls, path: str | Path, line: int | None, problem: str, **values: object
    ) -> ArticleFormatError:
        """The error for ``problem`` (a key of content.problems) with its values."""
        return cls(path, line, english(problem, values), problem, values)


@dataclass(frozen=True, slots=True)
class ParsedArticle:
    """An article as read, with what a preview shows beside it."""

    article: Article
    notes: tuple[ParseNote, ...]  # lines dropped, bylines read, guesses made
    encoding: str  # "" for UTF-8, else the encoding the file was read in
    tags: tuple[str, ...] = ()
    dateline: str = ""


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
    return read_article(data, path, max_bytes).article


def read_article(
    data: bytes, path: str | Path, max_bytes: int = DEFAULT_MAX_BYTES
) -> ParsedArticle:
    """The article in ``data`` and every note a preview shows; ArticleFormatError names the
    file, the line to blame, why, and what would fix it."""
    if reason := too_large(len(data), max_bytes):
        raise ArticleFormatError(path, None, reason)
    try:
        text, encoding = decode(data)
        _refuse_binary(text, path)
        provenance = Provenance()
        if encoding:
            provenance.notes.append(ParseNote(1, f"read as {encoding}, not UTF-8"))
        lines = drop_not_text(front_matter(copy_lines(text), provenance), provenance)
    except CopyError as error:
        raise ArticleFormatError(
            path, error.line, error.reason, error.problem, error.values
        ) from None
    article = _Reader(lines, path, provenance).article()
    return ParsedArticle(
        article, tuple(provenance.notes), encoding, provenance.tags, provenance.dateline
    )


def slug_for(path: str | Path) -> str:
    """A stable, URL- and callback-safe id made from the file name."""
    stem = Path(path).name.removesuffix(".txt")
    slug = _SLUG_UNSAFE.sub("-", stem.lower()).strip("-")[:_SLUG_MAX].strip("-")
    if slug:
        return slug
    return "article-" + hashlib.sha1(stem.encode(), usedforsecurity=False).hexdigest()[:10]


def _refuse_binary(text: str, path: str | Path) -> None:
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise ArticleFormatError.of(path, line, "binary")


class _Reader:
    """Reads the structure of one article from its text lines."""

    def __init__(self, lines: list[CopyLine], path: str | Path, provenance: Provenance) -> None:
        if not lines:
            raise ArticleFormatError.of(path, 1, "empty")
        self.lines = lines
        self.path = path
        self.provenance = provenance
        self.marked = provenance.structure == MARKED

    def article(self) -> Article:
        title, body = self._title(self.lines)
        body = self._bylines(body) if title else body
        head = self._summary_head(body)
        bullets: tuple[str, ...] = ()
        if head is None:
            summary_title, automatic = "", True
        else:
            summary_title = _strip_colon(_heading_text(body[head].text))
            bullets, automatic = self._bullets(body[head + 1 :], body[head]), False
            body = body[:head]
        lead, sections = self._body(body, title)
        if automatic:
            bullets = summarise([*lead, *(p for s in sections for p in s.paragraphs)])
        if lead:
            self.provenance.dateline = dateline(lead[0])
        provenance = self.provenance
        return Article(
            slug=slug_for(self.path),
            title=title or provenance.title or summary_title or _opening_words(lead, sections),
            lead=lead,
            sections=sections,
            summary_title=summary_title,
            bullets=bullets,
            url=provenance.url,
            author=provenance.author,
            published=provenance.published,
            image=provenance.image,
            automatic_summary=automatic,
        )

    def _title(self, lines: list[CopyLine]) -> tuple[str, list[CopyLine]]:
        """The headline and the lines after it: a ``#`` line, or a first line that ends no
        sentence, of any length, with more after it; else the front matter's title."""
        first = lines[0]
        marked = _MARKDOWN_HEADING.match(first.text)
        if marked and len(marked.group("marks")) == 1:
            return marked.group("text"), lines[1:]
        ends_sentence = first.text.rstrip(_CLOSING)[-1:] in _SENTENCE_END
        plain_line = not (ends_sentence or _BULLET.match(first.text) or marked)
        if len(lines) > 1 and plain_line and not self._is_summary_head(lines, 0):
            return first.text, lines[1:]
        return "", lines

    def _bylines(self, lines: list[CopyLine]) -> list[CopyLine]:
        taken = 0
        while taken < min(_BYLINE_LINES, len(lines) - 1) and byline(lines[taken], self.provenance):
            taken += 1
        return lines[taken:]

    def _summary_head(self, lines: list[CopyLine]) -> int | None:
        """The closing summary's heading: the last known heading, else the last short line
        ending with a colon in which no one is about to be quoted. In marked copy, a last
        ``##`` heading with only ``-`` lines under it."""
        if self.marked:
            return _marked_summary_head(lines)
        for index in range(len(lines) - 1, -1, -1):
            if is_summary_heading(lines[index].text):
                return self._checked_head(lines, index)
        for index in range(len(lines) - 1, -1, -1):
            if self._is_summary_head(lines, index):
                return self._checked_head(lines, index)
        return None

    def _is_summary_head(self, lines: list[CopyLine], index: int) -> bool:
        text = lines[index].text
        return (
            text.endswith(_COLONS)
            and len(text) <= _SUMMARY_HEAD_MAX_CHARS
            and len(text.split()) <= _SUMMARY_HEAD_MAX_WORDS
            and not _BULLET.match(text)
            and not _ABOUT_TO_QUOTE.search(text)
        )

    def _checked_head(self, lines: list[CopyLine], index: int) -> int:
        head = lines[index]
        if index == len(lines) - 1:
            raise ArticleFormatError.of(
                self.path, head.number, "summary_no_bullets", heading=head.text
            )
        if index == 0:
            raise ArticleFormatError.of(self.path, head.number, "summary_first")
        return index

    def _bullets(self, lines: list[CopyLine], head: CopyLine) -> tuple[str, ...]:
        bullets: list[str] = []
        for line in lines:
            marker = _BULLET.match(line.text)
            if marker:
                bullets.append(line.text[marker.end() :].strip())
            else:
                bullets.extend(split_sentences(line.text))
        bullets = [bullet for bullet in bullets if bullet]
        if not bullets:
            raise ArticleFormatError.of(self.path, head.number, "summary_empty")
        return tuple(bullets)

    def _body(
        self, lines: list[CopyLine], title: str
    ) -> tuple[tuple[str, ...], tuple[Section, ...]]:
        """Split the lines before the summary into the lead and sections."""
        lead: list[str] = []
        sections: list[tuple[CopyLine, list[str]]] = []
        for line in lines:
            if _MARKDOWN_HEADING.match(line.text) if self.marked else _is_heading(line.text):
                self._check_not_empty(sections)
                sections.append((line, []))
            elif sections:
                sections[-1][1].append(line.text)
            else:
                lead.append(line.text)
        self._check_not_empty(sections)
        if not lead and not sections:
            number = lines[0].number if lines else self.lines[-1].number
            raise ArticleFormatError.of(
                self.path, number, "title_only" if title else "summary_only"
            )
        return tuple(lead), tuple(Section(_heading_text(h.text), tuple(ps)) for h, ps in sections)

    def _check_not_empty(self, sections: list[tuple[CopyLine, list[str]]]) -> None:
        if sections and not sections[-1][1]:
            heading = sections[-1][0]
            raise ArticleFormatError.of(
                self.path, heading.number, "heading_empty", heading=heading.text
            )


def _marked_summary_head(lines: list[CopyLine]) -> int | None:
    headings = [i for i, line in enumerate(lines) if _MARKDOWN_HEADING.match(line.text)]
    if not headings or headings[-1] in (0, len(lines) - 1):
        return None
    under = lines[headings[-1] + 1 :]
    return headings[-1] if all(line.text.startswith("- ") for line in under) else None


def is_summary_heading(text: str) -> bool:
    """Whether ``text`` is a heading editors give a closing summary («أبرز النقاط:» …)."""
    return _strip_colon(_heading_text(text)).casefold() in _SUMMARY_HEADS


def _is_heading(text: str) -> bool:
    if _MARKDOWN_HEADING.match(text):
        return True
    if text.startswith(_QUOTE_OPENERS) and text.rstrip(".!…").endswith(_QUOTE_CLOSERS):
        return False  # a one-line quote is a paragraph, however short
    return (
        len(text) <= _HEADING_MAX_CHARS
        and len(text.split()) <= _HEADING_MAX_WORDS
        and not _BULLET.match(text)
        and text.rstrip(_CLOSING)[-1:] not in _SENTENCE_END
    )


def _heading_text(text: str) -> str:
    marked = _MARKDOWN_HEADING.match(text)
    return marked.group("text") if marked else text


def _opening_words(lead: tuple[str, ...], sections: tuple[Section, ...]) -> str:
    """A name for an article with no title and no summary heading: its first words."""
    first = lead[0] if lead else sections[0].paragraphs[0]
    words = first.split()
    return " ".join(words[:_AUTOMATIC_TITLE_WORDS]) + ("…" if len(words) > 12 else "")


def _strip_colon(text: str) -> str:
    return text.rstrip("".join(_COLONS)).strip()
