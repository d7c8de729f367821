"""Arabic normalisation, tokens, clitics and sentence boundaries."""

from __future__ import annotations

import pytest

from content.arabic import base_form, clitic_variants, normalise, tokens
from content.sentences import split_sentences


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        ("إيران", "ايران"),  # not ءيران
        ("أوكرانيا", "اوكرانيا"),
        ("آسيا", "اسيا"),
        ("ٱلله", "الله"),
        ("مستوى", "مستوي"),  # ى → ي, never → ا
        ("القمة", "القمه"),
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
    assert tokens("إن 32 دولةً، أكّدت «مشاركتها».") == ["ان", "32", "دوله", "اكدت", "مشاركتها"]


def test_tatweel_dash_is_no_token() -> None:
    assert tokens("الدولية ــ إلى") == ["الدوليه", "الي"]


@pytest.mark.parametrize(
    ("token", "reading"),
    [
        ("وايران", "ايران"),
        ("فبالصين", "صين"),
        ("للصين", "صين"),
        ("والصين", "الصين"),
        ("لشي", "شي"),
        ("كالهند", "هند"),
    ],
)
def test_clitic_variants_offer_the_stem(token: str, reading: str) -> None:
    assert reading in set(clitic_variants(token))


def test_clitic_variants_never_leave_a_one_letter_stem() -> None:
    assert all(len(reading) >= 2 for reading in clitic_variants("وله"))


def test_base_form_keeps_protected_names_whole() -> None:
    assert base_form("بكين") == "كين"  # what a blind stripper does …
    assert base_form("بكين", frozenset({"بكين"})) == "بكين"  # … and why names are protected
    assert base_form("العقوبات") == base_form("عقوبات") == "عقوبات"


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
