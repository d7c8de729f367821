"""Topic tagging: whole normalised words after clitic stripping, never substrings."""

from __future__ import annotations

from pathlib import Path

import pytest

from content.parser import parse_file
from content.topics import Lexicon, LexiconError, load_lexicon
from tests.support.harness import SEED

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


_GOOD = '[[topic]]\ncommand = "x"\nlabel_ar = "س"\nlabel_en = "X"\nnames = ["سين"]\n'


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            _GOOD + '[[topic]]\ncommand = "Bad-Name"\nlabel_ar = "س"\nlabel_en = "X"\n',
            ":6: command",
        ),
        (_GOOD + '\n[[topic]]\nlabel_ar = "س"\n', ":7: command None"),
        (
            _GOOD + '[[topic]]\ncommand = "y"\nlabel_ar = "س"\nlabel_en = "Y"\nnames = "سين"\n',
            ":6: names",
        ),
        (
            _GOOD + '[[topic]]\ncommand = "y"\nlabel_ar = "س"\nlabel_en = "Y"\nname = ["سين"]\n',
            ":6: unknown key",
        ),
        (_GOOD + '[[topic]]\ncommand = "x"\nlabel_ar = "ص"\nlabel_en = "Y"\n', ":6: /x is taken"),
        (
            _GOOD + '[[topic]]\ncommand = "y"\naliases = ["x"]\nlabel_ar = "ص"\nlabel_en = "Y"\n',
            ":6: /x is taken",
        ),
        (_GOOD + '[[topic]]\ncommand = "y"\nlabel_ar = "ص"\n', ":6: topic 'y' needs labels"),
        (
            _GOOD + '[[topic]]\ncommand = "y"\nkind = "planet"\nlabel_ar = "ص"\nlabel_en = "Y"\n',
            ":6: kind",
        ),
        ("not toml [", "at line 1"),
        (_GOOD.replace("[[topic]]", "[topics]"), ":1: no \\[\\[topic\\]\\]"),
    ],
)
def test_malformed_lexicon_is_refused_with_file_and_line(
    tmp_path: Path, body: str, message: str
) -> None:
    path = tmp_path / "topics.toml"
    path.write_text(body)
    with pytest.raises(LexiconError, match=f"topics.toml.*{message}"):
        load_lexicon(path)


def test_not_utf8_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "topics.toml"
    path.write_bytes(b"\xff\xfe[[topic]]")
    with pytest.raises(LexiconError, match="not UTF-8"):
        load_lexicon(path)


def test_a_topic_may_not_take_a_command_of_the_bot(tmp_path: Path) -> None:
    path = tmp_path / "topics.toml"
    path.write_text(_GOOD.replace('"x"', '"start"'))
    with pytest.raises(LexiconError, match="/start is one of the bot's own"):
        load_lexicon(path, reserved={"start"})


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("انفصل جنوب السودان عن السودان", {"south_sudan", "sudan"}),
        ("زار جنوب السودان", {"south_sudan"}),  # the longest name wins
        ("كوريا الشمالية تطلق صاروخا", {"north_korea"}),
        ("في جنوب أفريقيا وجنوب إفريقيا", {"south_africa"}),
        ("الاتحاد الأفريقي يجتمع", {"african_union"}),
        ("خرطوم المياه", set()),  # the article is part of الخرطوم
        ("وصل إلى الخرطوم", set()),  # a city names its country where the article does too
        ("مدارس رياض الأطفال", set()),
        ("يبلغ نصف قطر الدائرة", set()),
        ("أنبوب بقطر 48 بوصة", set()),
        ("زيارة أمير قطر", {"qatar"}),
        ("دعم مالي كبير", set()),
        ("انقلاب في مالي", {"mali"}),
        ("النيجر ومالي", {"niger", "mali"}),
        ("بعد صلاة المغرب", set()),
        ("ملك المغرب", {"morocco"}),
        ("دول المغرب العربي", {"maghreb"}),
        ("بين البحرين الأحمر والمتوسط", set()),
        ("بين البحرين وقطر", {"bahrain", "qatar"}),
        ("في ولاية جورجيا", {"usa"}),
        ("رئيس جورجيا", {"georgia"}),
        ("مسقط رأسه", set()),
        ("القوة القاهرة", set()),
        ("استقبلوه بحماس كبير", set()),
        ("قالت حماس", {"hamas"}),
        ("القاعدة العسكرية", set()),
        ("تنظيم القاعدة", {"al_qaeda"}),
        ("مجلس الأمن القومي", set()),
        ("مجلس الأمن الدولي", {"un"}),
        ("وفي مدينة وجدة", set()),  # a city: only with its country named
        ("دول أمريكا اللاتينية", {"latin_america"}),
    ],
)
def test_traps_are_decided(lexicon: Lexicon, text: str, expected: set[str]) -> None:
    assert lexicon.topics_in(text, confirmed=frozenset()) == expected


def test_a_city_names_its_country_where_the_article_names_the_country(lexicon: Lexicon) -> None:
    assert lexicon.tag_blocks(["أزمة في السودان", "وصل إلى الخرطوم"])[1] == {"sudan"}
    # وجدة is read whole (Oujda), not و + جدة (Jeddah)
    assert lexicon.tag_blocks(["زار المغرب", "وفي مدينة وجدة"])[1] == {"morocco"}
    assert lexicon.tag_blocks(["عقدت محكمة العدل الدولية جلستها في لاهاي"])[0] == {"icj"}


def test_a_confirm_guarded_name_follows_the_article(lexicon: Lexicon) -> None:
    about_jordan = ["الأردن يستضيف اللاجئين", "قال مسؤولون في عمان"]
    about_oman = ["سلطنة عمان توقع اتفاقا", "قال مسؤولون في عمان"]
    neither = ["قال مسؤولون في عمان"]
    assert lexicon.tag_blocks(about_jordan)[1] == {"jordan"}
    assert lexicon.tag_blocks(about_oman)[1] == {"oman"}
    assert lexicon.tag_blocks(neither)[0] == frozenset()


def test_commands_aliases_and_names_find_their_topic(lexicon: Lexicon) -> None:
    uk = lexicon.get("uk")
    assert uk is not None
    assert lexicon.get("britain") is uk
    for name in ("uk", "/britain", "بريطانيا", "United Kingdom", "المملكة المتحدة", "لندن"):
        assert lexicon.find(name) is uk, name
    for name, command in (("السودان", "sudan"), ("south sudan", "south_sudan"),
                          ("جنوب السودان", "south_sudan"), ("حزب الله", "hezbollah"),
                          ("/gaza", "gaza"), ("nato", "nato"), ("الناتو", "nato")):  # fmt: skip
        found = lexicon.find(name)
        assert found is not None, name
        assert found.command == command, name
    assert lexicon.find("atlantis") is None


def test_closest_topics_rank_by_likeness(lexicon: Lexicon) -> None:
    among = lexicon.ordered(["sudan", "chad", "libya", "egypt"])
    assert lexicon.closest("سودان", among, limit=1)[0].command == "sudan"
    assert lexicon.closest("lybia", among, limit=1)[0].command == "libya"


def test_a_newsroom_file_adds_topics_and_names(tmp_path: Path) -> None:
    overlay = tmp_path / "newsroom.toml"
    overlay.write_text(
        '[[topic]]\ncommand = "sudan"\nnames = ["بورتسودان الجديدة", "كوستي"]\n'
        '[[topic]]\ncommand = "wheat"\nlabel_ar = "القمح"\nlabel_en = "Wheat"\n'
        'names = ["القمح"]\n'
    )
    merged = load_lexicon(overlay=overlay)
    assert merged.topics_in("وصل القمح إلى كوستي") == {"wheat", "sudan"}
    assert merged.topics_in("الخرطوم") == {"sudan"}  # the built-in names stay
    assert len(merged.topics) == len(load_lexicon().topics) + 1


def test_a_new_newsroom_topic_needs_labels(tmp_path: Path) -> None:
    overlay = tmp_path / "newsroom.toml"
    overlay.write_text('\n[[topic]]\ncommand = "wheat"\nnames = ["القمح"]\n')
    with pytest.raises(LexiconError, match=r"newsroom\.toml:2: new topic 'wheat' needs"):
        load_lexicon(overlay=overlay)
