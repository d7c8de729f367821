"""Topic tagging: whole normalised words after clitic stripping, never substrings."""

from __future__ import annotations

from pathlib import Path

import pytest

from content.parser import parse_file
from content.topics import Lexicon, LexiconError, load_lexicon
from tests.conftest import SEED

REQUIRED = {"iran", "china", "russia", "india", "brics", "ukraine", "usa", "turkey", "israel"}


def tagged(lexicon: Lexicon, topic: str) -> tuple[list[tuple[int, int]], list[int]]:
    """(section, paragraph) pairs (1-based) and bullet numbers of the seed naming ``topic``."""
    article = parse_file(SEED)
    paragraphs = [
        (number, position)
        for number, section in enumerate(article.sections, 1)
        for position, text in enumerate(section.paragraphs, 1)
        if topic in lexicon.topics_in(text)
    ]
    bullets = [n for n, text in enumerate(article.bullets, 1) if topic in lexicon.topics_in(text)]
    return paragraphs, bullets


def test_lexicon_has_the_required_topics(lexicon: Lexicon) -> None:
    commands = {topic.command for topic in lexicon.topics}
    assert REQUIRED | {"brazil", "europe"} <= commands


def test_iran_in_the_seed(lexicon: Lexicon) -> None:
    paragraphs, bullets = tagged(lexicon, "iran")
    assert paragraphs == [(4, 1), (4, 2), (4, 3), (4, 4)]
    assert bullets == [1, 5]


def test_china_in_the_seed(lexicon: Lexicon) -> None:
    paragraphs, bullets = tagged(lexicon, "china")
    assert paragraphs == [(1, 1), (3, 1), (3, 2), (3, 4), (4, 6), (4, 7), (4, 8), (4, 9)]
    assert bullets == [1, 4, 6]


def test_the_lead_names_russia_only(lexicon: Lexicon) -> None:
    assert lexicon.topics_in(parse_file(SEED).lead[0]) == {"russia"}


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("وإيران", "iran"),
        ("الإيرانية", "iran"),
        ("الإيرانيون", "iran"),
        ("بطهران", "iran"),
        ("إيـــران", "iran"),  # tatweel
        ("إِيرَان", "iran"),  # tashkeel
        ("للصين", "china"),
        ("لشي", "china"),
        ("بكين", "china"),
        ("والبرازيل", "brazil"),
        ("للبرازيل", "brazil"),
        ("في الولايات المتحدة", "usa"),
        ("للولايات المتحدة", "usa"),
        ("كييف", "ukraine"),
        ("Iran and China", "iran"),
    ],
)
def test_forms_that_name_a_topic(lexicon: Lexicon, text: str, topic: str) -> None:
    assert topic in lexicon.topics_in(text)


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("لا شيء", "china"),  # شي inside شيء
        ("الشيخ", "china"),
        ("الهندسة", "india"),  # الهند inside الهندسة
        ("المغرب", "europe"),
        ("كيف حالك", "ukraine"),  # كيف is not كييف
        ("لاعبون رئيسيون", "iran"),  # رئيسي (Raisi) also means main
        ("لولا ذلك", "brazil"),  # Lula is also "were it not for"
        ("الولايات الأخرى", "usa"),  # only the whole phrase names the USA
        ("بكينغ", "china"),
        ("ايرانشهر", "iran"),
    ],
)
def test_substrings_never_match(lexicon: Lexicon, text: str, topic: str) -> None:
    assert topic not in lexicon.topics_in(text)


def test_no_topic_in_plain_words(lexicon: Lexicon) -> None:
    assert lexicon.topics_in("تهدف إلى تعزيز العلاقات الاقتصادية") == frozenset()


def test_lexicon_fingerprint_follows_its_content(tmp_path: Path) -> None:
    first = tmp_path / "a.toml"
    first.write_text('[[topic]]\ncommand = "x"\nlabel_ar = "س"\nlabel_en = "X"\nnames = ["سين"]\n')
    second = tmp_path / "b.toml"
    second.write_text(first.read_text().replace("سين", "صاد"))
    assert load_lexicon(first).fingerprint != load_lexicon(second).fingerprint


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('[[topic]]\ncommand = "Bad-Name"\nlabel_ar = "س"\nlabel_en = "X"\n', "valid Telegram"),
        ('[[topic]]\nlabel_ar = "س"\n', "malformed"),
        ('[[topic]]\ncommand = "x"\nlabel_ar = "س"\nlabel_en = "X"\nnames = "سين"\n', "list"),
        (
            '[[topic]]\ncommand = "x"\nlabel_ar = "س"\nlabel_en = "X"\n'
            '[[topic]]\ncommand = "x"\nlabel_ar = "ص"\nlabel_en = "Y"\n',
            "twice",
        ),
        ("not toml [", "malformed"),
    ],
)
def test_malformed_lexicon_is_refused(tmp_path: Path, body: str, message: str) -> None:
    path = tmp_path / "topics.toml"
    path.write_text(body)
    with pytest.raises(LexiconError, match=message):
        load_lexicon(path)
