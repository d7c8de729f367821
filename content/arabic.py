"""Arabic text for matching: normalise, tokenise and strip clitics.

Everything here is for *matching only*. Text shown to readers always keeps its original
spelling, tashkeel included.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

# Harakat, tanween, shadda, sukun, superscript alef and Quranic marks: they change how a word
# is read, not which word it is.
_TASHKEEL = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed]")
_TATWEEL = "\u0640"
# Bidi controls and zero-width characters that copy-paste leaves inside words.
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_LETTER_MAP = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ى": "ي",
        "ة": "ه",
        # Persian and Urdu code points that look the same as their Arabic letters.
        "ک": "ك",
        "ی": "ي",
        "ۀ": "ه",
    }
)
_WORD = re.compile(r"\w+")

# Proclitics, tried longest first. A conjunction (و ف) may precede a preposition (ب ل ك),
# which may precede the article (ال); لل is ل + ال with the alef dropped.
_CONJUNCTIONS = ("و", "ف")
_PREPOSITIONS = ("ب", "ل", "ك")
_ARTICLES = ("ال", "لل")
# A stem shorter than this after stripping is more likely a short word than a clitic + stem
# (e.g. "وقد" is not و + "قد" for our purposes, but it does not matter: short stems are
# never topic forms).
_MIN_STEM = 2


def normalise(text: str) -> str:
    """Fold the spellings of one word into one form: for matching only, never for display."""
    text = unicodedata.normalize("NFKC", text)
    text = _INVISIBLE.sub("", text)
    text = _TASHKEEL.sub("", text).replace(_TATWEEL, "")
    return text.translate(_LETTER_MAP).casefold()


def tokens(text: str) -> list[str]:
    """Normalised whole-word tokens of ``text``, in order."""
    return _WORD.findall(normalise(text))


def clitic_variants(token: str) -> Iterator[str]:
    """Yield ``token`` and each distinct reading of it with proclitics removed.

    A reading is only offered while the remaining stem stays at least two letters long, so
    that short words are not reduced to nothing. The caller decides which reading is a word
    it knows (a topic form, a search term): stripping alone never decides meaning, which is
    why بكين stays بكين when بكين is what the lexicon lists.
    """
    seen: set[str] = set()
    for stem in _strip_all(token):
        if stem not in seen:
            seen.add(stem)
            yield stem


def _strip_all(token: str) -> Iterator[str]:
    yield token
    for after_conj in _strip(token, _CONJUNCTIONS):
        for after_prep in _strip(after_conj, _PREPOSITIONS):
            yield from _strip(after_prep, _ARTICLES)


def _strip(token: str, prefixes: tuple[str, ...]) -> Iterator[str]:
    """Yield ``token`` unchanged, then with each prefix in ``prefixes`` removed."""
    yield token
    for prefix in prefixes:
        if token.startswith(prefix) and len(token) - len(prefix) >= _MIN_STEM:
            yield token[len(prefix) :]


def readings(token: str) -> Iterator[tuple[str, bool]]:
    """Yield each distinct (stem, definite) reading of ``token``, proclitics removed.

    ``definite`` says whether an article (ال, or لل after ل) was removed. Proper names keep
    the article they are written with (الخرطوم, not خرطوم "a hose"; قطر, not القطر "the
    diameter"), so the topic lexicon compares both parts.
    """
    seen: set[tuple[str, bool]] = set()
    for after_conj in _strip(token, _CONJUNCTIONS):
        for after_prep in _strip(after_conj, _PREPOSITIONS):
            for reading in _article_readings(after_prep):
                if reading not in seen:
                    seen.add(reading)
                    yield reading


def _article_readings(word: str) -> Iterator[tuple[str, bool]]:
    yield word, False
    for article in _ARTICLES:
        if word.startswith(article) and len(word) - len(article) >= _MIN_STEM:
            yield word[len(article) :], True


def base_form(token: str, protected: frozenset[str] = frozenset()) -> str:
    """The term a token is indexed and searched under.

    A reading that is a protected word (a known name such as بكين) wins, longest first, so
    that a name is never cut into a shorter word; otherwise the shortest reading is used.
    """
    readings = list(clitic_variants(token))
    known = [reading for reading in readings if reading in protected]
    if known:
        return max(known, key=len)
    return min(readings, key=len)
