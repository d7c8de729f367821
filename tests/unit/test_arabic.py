"""Arabic normalisation, tokens, clitics and sentence boundaries."""

from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from content import arabic
from content.arabic import normalise, tokens
from content.sentences import split_sentences


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        ("إيران", "ايران"),  # not ءيران
        ("أوكرانيا", "اوكرانيا"),
        ("آسيا", "اسيا"),
        ("ٱلله", "الله"),
        ("مستوى", "مستوي"),  # ى → ي, never → ا
        ("القمة", "القمة"),  # ة is kept: حكومته is حكومة + ه, not حكومه
        ("قِبل", "قبل"),
        ("بيّن", "بين"),
        ("إيـــران", "ايران"),
        ("\u2068Iran\u2069", "iran"),
        ("ک", "ك"),
    ],
)
def test_normalise(raw: str, normal: str) -> None:
    assert normalise(raw) == normal


def test_tokens_are_whole_words_and_keep_digits() -> None:
    assert tokens("إن 32 دولةً، أكّدت «مشاركتها».") == ["ان", "32", "دولة", "اكدت", "مشاركتها"]


def test_tatweel_dash_is_no_token() -> None:
    assert tokens("الدولية ــ إلى") == ["الدولية", "الي"]


def test_every_invisible_format_character_is_inside_a_word_not_between_two() -> None:
    invisible = [chr(code) for code in range(0x110000) if unicodedata.category(chr(code)) == "Cf"]
    assert invisible  # soft hyphen, word joiner, zero-width (non-)joiner, bidi controls …
    for character in invisible:
        assert tokens(f"ال{character}نفط") == ["النفط"], hex(ord(character))


def test_arabic_indic_and_persian_digits_read_as_latin_ones() -> None:
    assert tokens("عام ٢٠٢٤ و۱۹۹۰") == ["عام", "2024", "و1990"]


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        ("أولى. ثانية.", ["أولى.", "ثانية."]),
        ("قال «هذا. وذاك» ثم مضى. انتهى", ["قال «هذا. وذاك» ثم مضى.", "انتهى"]),
        ("«أ «ب. ج» د.» هـ. و", ["«أ «ب. ج» د.» هـ.", "و"]),
        ("هنا.. ثم هناك", ["هنا..", "ثم هناك"]),
        ("«هنا.. ثم» هناك", ["«هنا.. ثم» هناك"]),
        ("النسبة 3.5 بالمئة. تمت", ["النسبة 3.5 بالمئة.", "تمت"]),
        ("أحقا؟ نعم! طبعا…", ["أحقا؟", "نعم!", "طبعا…"]),
        ("«غير مغلق. أبدا. هنا", ["«غير مغلق.", "أبدا.", "هنا"]),
        ("", []),
    ],
)
def test_split_sentences(text: str, sentences: list[str]) -> None:
    assert split_sentences(text) == sentences


def _reference_normalise(text: str) -> str:
    """normalise as it was first written, one character class and one table: the faster one
    must fold every text the same way."""
    invisible = "".join(sorted(chr(code) for code in arabic._INVISIBLE))
    text = re.sub(f"[{re.escape(invisible)}]", "", unicodedata.normalize("NFKC", text))
    text = text.translate({ord(d): str(v) for v, d in enumerate("٠١٢٣٤٥٦٧٨٩")})
    text = text.translate({ord(d): str(v) for v, d in enumerate("۰۱۲۳۴۵۶۷۸۹")})
    text = re.sub("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed]", "", text).replace(
        "\u0640", ""
    )
    table = str.maketrans(
        {"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ک": "ك", "ی": "ي", "ۀ": "ه"}
    )
    return text.translate(table).casefold()


_ALPHABET = (
    "ابتثجحخدذرزسشصضطظعغفقكلمنهويةءئؤأإآٱىکیۀ ٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹0123456789"
    "\u064b\u064e\u0650\u0651\u0652\u0670\u0640\u00ad\u200b\u200c\u200d\u2060\u2067\u2069"
    "\ufeff\U000e0001\U000e0041\U0001d173\U00013430ﻻﺍAbcİß\U0001f600"
)


@given(st.text(alphabet=_ALPHABET, max_size=60))
def test_the_fast_normalise_folds_as_the_reference_does(text: str) -> None:
    assert arabic.normalise(text) == _reference_normalise(text)
