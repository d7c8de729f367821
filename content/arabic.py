"""Arabic text for matching: normalise and tokenise (content.analyzer reads the words).

Everything here is for *matching only*. Text shown to readers always keeps its original
spelling, tashkeel included.
"""

from __future__ import annotations

import re
import unicodedata

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
_INVISIBLE_CHARACTER = re.compile(
    "[" + "".join(re.escape(chr(code)) for code in sorted(_INVISIBLE)) + "]"
)
# Arabic-Indic and Persian digits read as the digits they are: ٢٠٢٤ is 2024.
_DIGITS = {ord(digit): str(value) for value, digit in enumerate("٠١٢٣٤٥٦٧٨٩")} | {
    ord(digit): str(value) for value, digit in enumerate("۰۱۲۳۴۵۶۷۸۹")
}
_EASTERN_DIGIT = re.compile("[٠-٩۰-۹]")
_LETTER_MAP = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ى": "ي",
        # Persian and Urdu code points that look the same as their Arabic letters.
        "ک": "ك",
        "ی": "ي",
        "ۀ": "ه",
    }
)
_WORD = re.compile(r"\w+")


def normalise(text: str) -> str:
    """Fold the spellings of one word into one form: for matching only, never for display."""
    # str.translate walks every character; these are rare, so they are looked for first.
    text = _INVISIBLE_CHARACTER.sub("", unicodedata.normalize("NFKC", text))
    if _EASTERN_DIGIT.search(text):
        text = text.translate(_DIGITS)
    text = _TASHKEEL.sub("", text).replace(_TATWEEL, "")
    return text.translate(_LETTER_MAP).casefold()


def tokens(text: str) -> list[str]:
    """Normalised whole-word tokens of ``text``, in order."""
    return _WORD.findall(normalise(text))
