"""Arabic text for matching: normalise and tokenise (content.analyzer reads the words).

Everything here is for *matching only*. Text shown to readers always keeps its original
spelling, tashkeel included.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Harakat, tanween, shadda, sukun, superscript alef and Quranic marks: they change how a word
# is read, not which word it is.
_TASHKEEL = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed]")
_TATWEEL = "\u0640"
# Invisible format characters (Unicode's Cf: soft hyphen, zero-width joiners, word joiner,
# bidi controls, BOM …) that copy-paste and typesetting leave inside words: they never split
# one. Every Cf character lies in these planes.
_FORMAT_PLANES = (range(0x10000), range(0x10000, 0x20000), range(0xE0000, 0xE0080))
_INVISIBLE = frozenset(
    code for plane in _FORMAT_PLANES for code in plane if unicodedata.category(chr(code)) == "Cf"
)


def _ranges(codes: frozenset[int]) -> str:
    """A character class's body for ``codes``, consecutive ones as ranges: a class of single
    characters from several planes is matched one by one (300 ns a character, measured),
    one of ranges in a few nanoseconds."""
    parts, ordered = [], sorted(codes)
    start = previous = ordered[0]
    for code in [*ordered[1:], -1]:
        if code != previous + 1:
            first, last = re.escape(chr(start)), re.escape(chr(previous))
            parts.append(first if start == previous else f"{first}-{last}")
            start = code
        previous = code
    return "".join(parts)


# Apart: a class of the basic plane alone is matched through a bitmap, one with characters
# beyond it range by range; text rarely has any character beyond it (one range tells).
_INVISIBLE_BASIC = re.compile(f"[{_ranges(frozenset(c for c in _INVISIBLE if c < 0x10000))}]")
_INVISIBLE_BEYOND = re.compile(f"[{_ranges(frozenset(c for c in _INVISIBLE if c >= 0x10000))}]")
_BEYOND_BASIC = re.compile("[\U00010000-\U0010ffff]")
# Arabic-Indic and Persian digits read as the digits they are: ٢٠٢٤ is 2024.
_DIGITS = {ord(digit): str(value) for value, digit in enumerate("٠١٢٣٤٥٦٧٨٩")} | {
    ord(digit): str(value) for value, digit in enumerate("۰۱۲۳۴۵۶۷۸۹")
}
_EASTERN_DIGIT = re.compile("[٠-٩۰-۹]")
# Replaced one by one: str.replace scans in C, where str.translate looks every character of
# Arabic text up in a dict (ten times slower, measured on the seed).
_LETTER_MAP = (
    ("أ", "ا"),
    ("إ", "ا"),
    ("آ", "ا"),
    ("ٱ", "ا"),
    ("ى", "ي"),
    # Persian and Urdu code points that look the same as their Arabic letters.
    ("ک", "ك"),
    ("ی", "ي"),
    ("ۀ", "ه"),
)
_WORD = re.compile(r"\w+")


def normalise(text: str) -> str:
    """Fold the spellings of one word into one form: for matching only, never for display."""
    # str.translate walks every character; these are rare, so they are looked for first.
    text = _INVISIBLE_BASIC.sub("", unicodedata.normalize("NFKC", text))
    if _BEYOND_BASIC.search(text):
        text = _INVISIBLE_BEYOND.sub("", text)
    if _EASTERN_DIGIT.search(text):
        text = text.translate(_DIGITS)
    text = _TASHKEEL.sub("", text).replace(_TATWEEL, "")
    for spelling, letter in _LETTER_MAP:
        text = text.replace(spelling, letter)
    return text.casefold()


def tokens(text: str) -> list[str]:
    """Normalised whole-word tokens of ``text``, in order."""
    return list(_tokens_of(text))


# An article's paragraphs are read for topics, search terms and alert terms in turn: each
# is normalised once. Small, so a long article's texts stay while it is being stored.
@lru_cache(maxsize=256)
def _tokens_of(text: str) -> tuple[str, ...]:
    return tuple(_WORD.findall(normalise(text)))
