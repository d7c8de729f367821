"""Newsroom copy as editors paste it: encodings, front matter, bylines, and lines that are not
article text. The parser (content.parser) reads the article's structure from what is left.

Each convention is recognised only where it is unmistakable; anything else stays article text
for the parser to judge, so a line is never silently lost: every line dropped is reported
(ParseNote) with its number and why.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

import yaml
from charset_normalizer import from_bytes

from content.problems import english

# Encodings older Arabic desktop tools save in, accepted when detection is sure of them.
_ARABIC_ENCODINGS = frozenset({"cp1256", "windows_1256", "iso8859_6", "utf_16", "utf_16_le"})
_MAX_CHAOS = 0.1  # charset-normalizer's measure of mess in the decoded text
_MIN_LETTERS = 20  # letters decoded, before their share is worth judging
_ARABIC_SHARE = 0.6
_FRONT_MATTER_FENCE = "---"
_FRONT_MATTER_KEYS = frozenset(
    {"title", "url", "author", "published", "image", "tags", "structure"}
)
# ``structure: marked``: the copy marks its structure itself (a page read by
# content.sources.page): ``##`` lines are its only headings, a closing ``##`` heading over
# ``-`` lines its only summary, and every other line a paragraph.
MARKED = "marked"
_MAX_FRONT_MATTER_LINES = 60

# Lines that are not article text: photo credits, "read also" links, tags, share prompts.
_NOT_TEXT = re.compile(
    r"^[(\[]?\s*(?:صورة|الصورة|الصور|تصوير|صور|photo|image|credit)\s*[:：(]"
    r"|^\(\s*(?:صورة|الصورة|تصوير)[^)]*\)\s*$"
    r"|©"
    r"|^(?:اقرأ|إقرأ|إقرا|اقرا|طالع|شاهد)\s+(?:أيضا|أيضاً|ايضا|ايضاً)\s*[:：]?"
    r"|^read\s+(?:more|also)\s*[:：]"
    r"|^(?:الوسوم|وسوم|كلمات\s+مفتاحية|الكلمات\s+المفتاحية|الكلمات\s+الدلالية|tags)\s*[:：]"
    r"|^(?:شارك\s+(?:الخبر|المقال)|تابعونا\s+على)\b"
    r"|^(?:المصدر|مصدر\s+الخبر|source)\s*[:：]"
    r"|^(?:مواضيع|موضوعات|أخبار|اخبار)\s+(?:ذات\s+صلة|متعلقة)\s*[:：]"
    r"|^(?:قد\s+يهمك|قد\s+يعجبك|اقرأ\s+المزيد|إقرأ\s+المزيد)\s*(?:أيضا|أيضاً)?\s*[:：]"
    # The same words as a line of their own: a box's title, colon or not.
    r"|^(?:مواضيع\s+ذات\s+صلة|قد\s+يهمك(?:\s+أيضا|\s+أيضاً)?|اقرأ\s+المزيد|إقرأ\s+المزيد"
    r"|اقرأ\s+أيضا|اقرأ\s+أيضاً|read\s+more)\s*[:：]?\s*$"
    r"|^(?:اشترك|اشتركوا|سجل|سجّل)\s+(?:في|ب)\s*(?:نشرتنا|النشرة|القائمة\s+البريدية)"
    r"|^(?:الآراء|الاراء)\s+(?:الواردة|المنشورة)\s+.{0,40}(?:تعبر|تعبّر)\s+عن\s+(?:رأي|آراء)",
    re.IGNORECASE,
)
_NOT_TEXT_WHY = (
    "not article text (a photo credit, a «read also» link, tags, a newsletter box or the"
    " opinion page's disclaimer)"
)

_AUTHOR = re.compile(
    r"^(?:بقلم|كتب|كتبت|كتبه|تحرير|إعداد|اعداد|بواسطة|by)\s*[:：]?\s*(?P<name>.+)$",
    re.IGNORECASE,
)
_ARABIC_MONTHS = {
    "يناير": 1, "كانون الثاني": 1, "فبراير": 2, "شباط": 2, "مارس": 3, "آذار": 3, "اذار": 3,
    "أبريل": 4, "ابريل": 4, "إبريل": 4, "نيسان": 4, "مايو": 5, "أيار": 5, "ايار": 5,
    "يونيو": 6, "يونيه": 6, "حزيران": 6, "يوليو": 7, "يوليه": 7, "تموز": 7, "أغسطس": 8,
    "اغسطس": 8, "آب": 8, "سبتمبر": 9, "أيلول": 9, "ايلول": 9, "أكتوبر": 10, "اكتوبر": 10,
    "تشرين الأول": 10, "نوفمبر": 11, "تشرين الثاني": 11, "ديسمبر": 12, "كانون الأول": 12,
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
}  # fmt: skip
_MONTH_NAMES = "|".join(sorted(_ARABIC_MONTHS, key=len, reverse=True))
_NUMERIC_DATE = re.compile(r"(?P<a>\d{1,4})[/.\-](?P<b>\d{1,2})[/.\-](?P<c>\d{1,4})")
_NAMED_DATE = re.compile(
    rf"(?P<day>\d{{1,2}})\s+(?P<month>{_MONTH_NAMES})\s*,?\s+(?P<year>\d{{4}})"
)
_EASTERN_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_SEPARATORS = re.compile(r"\s+[|\-–—]\s+|\s*\|\s*")
_BYLINE_MAX_WORDS = 12
_PLACE_MAX_WORDS = 3
# «القاهرة - » or «الرباط (رويترز) - » at the start of the lead.
_PLACE_WORD = r"[^\s\d.،,:«»\"]+"
_DATELINE = re.compile(
    rf"^(?P<place>{_PLACE_WORD}(?:\s{_PLACE_WORD}){{0,2}})\s*(?:\([^)]{{1,30}}\))?\s*[-–—]\s+"
)


class CopyError(ValueError):
    """A convention that is there but broken (front matter never closed); says line and fix,
    as a problem of content.problems."""

    def __init__(self, line: int | None, problem: str, **values: object) -> None:
        self.line = line
        self.problem = problem
        self.values = values
        self.reason = english(problem, values)
        super().__init__(self.reason)


@dataclass(frozen=True, slots=True)
class ParseNote:
    """Something a reader of the preview should know: a line dropped, a guess made."""

    line: int
    message: str
    dropped: bool = False  # the line is not in the article


@dataclass(frozen=True, slots=True)
class CopyLine:
    """One non-blank line of the copy, stripped, with its 1-based number in the file."""

    number: int
    text: str


@dataclass
class Provenance:
    """Where the article comes from, as its copy says."""

    title: str = ""
    url: str = ""
    author: str = ""
    published: str = ""  # ISO date, when the copy states one
    image: str = ""
    tags: tuple[str, ...] = ()
    structure: str = ""  # MARKED, or "" for copy as editors write it
    dateline: str = ""
    notes: list[ParseNote] = field(default_factory=list)


def decode(data: bytes) -> tuple[str, str]:
    """The text of ``data`` and the encoding it was read in ("" for UTF-8).

    UTF-8 (with or without a BOM) first; then UTF-16 with a BOM; then Windows-1256 and the
    other Arabic encodings, only when charset-normalizer is sure. CopyError otherwise.
    """
    try:
        return data.decode("utf-8-sig"), ""
    except UnicodeDecodeError as error:
        utf8_error = error
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError:
            pass
    best = from_bytes(data).best()
    if best is not None and best.encoding in _ARABIC_ENCODINGS and best.chaos <= _MAX_CHAOS:
        text = str(best)
        letters = sum(character.isalpha() for character in text)
        if letters >= _MIN_LETTERS and arabic_share(text) >= _ARABIC_SHARE:
            return text, best.encoding.replace("_", "-").upper()
    line = data[: utf8_error.start].count(b"\n") + 1
    raise CopyError(line, "encoding", byte=f"{data[utf8_error.start]:02x}")


def arabic_share(text: str) -> float:
    """How much of ``text``'s letters are Arabic (0 with no letters): a guess at bytes that are
    not text decodes into symbols and stray letters, and an English page is not ours."""
    letters = [character for character in text if character.isalpha()]
    arabic = sum("\u0600" <= character <= "\u06ff" for character in letters)
    return arabic / len(letters) if letters else 0.0


def copy_lines(text: str) -> list[CopyLine]:
    """Non-blank lines, stripped, with their line numbers; any line ending."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return [CopyLine(number, line.strip()) for number, line in enumerate(lines, 1) if line.strip()]


def front_matter(lines: list[CopyLine], provenance: Provenance) -> list[CopyLine]:
    """Read a YAML block between two ``---`` lines at the top into ``provenance``; the lines
    after it. A block that is never closed is a CopyError naming its first line."""
    if not lines or lines[0].text != _FRONT_MATTER_FENCE:
        return lines
    end = next(
        (index for index, line in enumerate(lines[1:], 1) if line.text == _FRONT_MATTER_FENCE),
        None,
    )
    if end is None or end > _MAX_FRONT_MATTER_LINES:
        raise CopyError(lines[0].number, "front_matter_open")
    _read_front_matter(lines[1:end], lines[0].number, provenance)
    return lines[end + 1 :]


def _read_front_matter(lines: list[CopyLine], first: int, provenance: Provenance) -> None:
    try:
        data = yaml.safe_load("\n".join(line.text for line in lines)) or {}
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = first + 1 + (mark.line if mark is not None else 0)
        raise CopyError(line, "front_matter_yaml", detail=str(error)) from None
    if not isinstance(data, dict):
        raise CopyError(first, "front_matter_shape")
    for key, value in data.items():
        if key not in _FRONT_MATTER_KEYS:
            provenance.notes.append(ParseNote(first, f"front matter key «{key}» ignored"))
        elif key == "tags":
            items = value if isinstance(value, list) else str(value).split(",")
            provenance.tags = tuple(str(item).strip() for item in items if str(item).strip())
        elif key == "published":
            provenance.published = _iso_date(value)
        elif key == "structure" and value != MARKED:
            provenance.notes.append(ParseNote(first, f"structure «{value}» ignored"))
        else:
            setattr(provenance, key, str(value).strip())


def _iso_date(value: object) -> str:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return find_date(str(value)) or ""


def drop_not_text(lines: list[CopyLine], provenance: Provenance) -> list[CopyLine]:
    """``lines`` without photo credits, «read also» links, tags and share prompts."""
    kept = []
    for line in lines:
        if _NOT_TEXT.search(line.text.lstrip("#").strip()):  # a heading's words too
            provenance.notes.append(ParseNote(line.number, f"dropped: {_NOT_TEXT_WHY}", True))
        else:
            kept.append(line)
    return kept


def byline(line: CopyLine, provenance: Provenance) -> bool:
    """Read ``line`` as a byline or date line into ``provenance``, if it is one."""
    text = line.text
    if len(text.split()) > _BYLINE_MAX_WORDS or text.endswith((".", "؟", "?", "!")):
        return False
    author = _AUTHOR.match(text)
    published = find_date(text)
    if not (author or published):
        return False
    parts = [part.strip(" :،,") for part in _SEPARATORS.split(text) if part.strip(" :،,")]
    for part in parts:
        named = _AUTHOR.match(part)
        if named:
            provenance.author = provenance.author or named.group("name").strip()
        elif find_date(part):
            provenance.published = provenance.published or (find_date(part) or "")
        elif len(part.split()) <= _PLACE_MAX_WORDS and not provenance.dateline and len(parts) > 1:
            provenance.dateline = part
        elif not provenance.author:
            provenance.author = part
    provenance.notes.append(ParseNote(line.number, f"read as the byline: «{text}»"))
    return True


def find_date(text: str) -> str | None:
    """The first date in ``text`` as YYYY-MM-DD (Arabic, Levantine or English month names,
    day/month/year or year-month-day, any digits); None when there is none."""
    text = text.translate(_EASTERN_DIGITS)
    named = _NAMED_DATE.search(text)
    if named:
        month = _ARABIC_MONTHS[named.group("month").lower()]
        return _valid(int(named.group("year")), month, int(named.group("day")))
    numeric = _NUMERIC_DATE.search(text)
    if numeric:
        a, b, c = (int(numeric.group(key)) for key in "abc")
        return _valid(a, b, c) if a > 31 else _valid(c, b, a)
    return None


def _valid(year: int, month: int, day: int) -> str | None:
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def dateline(paragraph: str) -> str:
    """The place a lead paragraph opens with («القاهرة - …»), or ""."""
    found = _DATELINE.match(paragraph)
    return found.group("place") if found else ""
