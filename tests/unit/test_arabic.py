"""Arabic normalisation, tokens, clitics and sentence boundaries."""

from __future__ import annotations

import unicodedata

import pytest

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
