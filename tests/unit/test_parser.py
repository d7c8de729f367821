"""The article parser: the seed, every format variation, and every bad input."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from content.models import Article
from content.parser import ArticleFormatError, parse_article, parse_file, slug_for
from content.problems import ENGLISH
from handlers.presentation.texts import texts_for
from tests.support.harness import SEED

LETTERS = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"
BASIC = """\
مقدمة الخبر هنا.
القسم الأول
فقرة أولى.
فقرة ثانية.
القسم الثاني
فقرة ثالثة.
الخلاصة:
جملة أولى. جملة ثانية.
"""


def parse(text: str | bytes, name: str = "test.ar.txt") -> Article:
    data = text.encode() if isinstance(text, str) else text
    return parse_article(data, name)


def test_seed_has_its_known_shape() -> None:
    article = parse_file(SEED)
    assert len(article.lead) == 1
    assert [len(section.paragraphs) for section in article.sections] == [3, 3, 4, 9]
    assert [section.heading for section in article.sections] == [
        "النظام العالمي",
        "صفقات الكرملين",
        "لاعبون رئيسيون",
        "إيران والصين",
    ]
    assert article.summary_title == "قمة بوتين"
    assert article.title == "قمة بوتين"  # no title line: the summary heading stands in
    assert len(article.bullets) == 6
    assert article.bullets[0] == "تجمع زعماء دول، مثل الصين والهند وتركيا وإيران."
    assert article.slug == "brics-kazan-summit-ar"


def test_seed_keeps_its_traps_whole() -> None:
    article = parse_file(SEED)
    paragraphs = [p for section in article.sections for p in section.paragraphs]
    # A quote with full stops inside, a mid-line colon, `..` in a quote, ــ as a dash,
    # nested guillemets: each stays one paragraph, spelled as written.
    assert any("20 دولة رؤساءها. وأضاف" in p for p in paragraphs)
    assert any("الغربية.. هذه هي روايته" in p for p in paragraphs)
    assert any("الدولية ــ إلى جانب" in p for p in paragraphs)
    assert paragraphs[-1].endswith("لموسكو».")
    assert "«محايدة»" in paragraphs[-1]


def test_basic_article() -> None:
    article = parse(BASIC)
    assert article.lead == ("مقدمة الخبر هنا.",)
    assert [(s.heading, s.paragraphs) for s in article.sections] == [
        ("القسم الأول", ("فقرة أولى.", "فقرة ثانية.")),
        ("القسم الثاني", ("فقرة ثالثة.",)),
    ]
    assert article.summary_title == "الخلاصة"
    assert article.bullets == ("جملة أولى.", "جملة ثانية.")


@pytest.mark.parametrize(
    ("variant", "description"),
    [
        ("\ufeff" + BASIC, "UTF-8 BOM"),
        (BASIC.replace("\n", "\r\n"), "CRLF line endings"),
        (BASIC.replace("\n", "\r"), "old Mac line endings"),
        (BASIC.replace("\n", "\n\n"), "blank lines between blocks"),
        (BASIC.replace("\n", "   \n"), "trailing spaces"),
        (BASIC.rstrip("\n"), "no final newline"),
    ],
)
def test_layout_variations_parse_the_same(variant: str, description: str) -> None:
    assert parse(variant) == parse(BASIC), description


def test_tashkeel_is_kept_and_does_not_change_the_shape() -> None:
    text = BASIC.replace("القسم الأول", "القِسْمُ الأوَّل").replace("الخلاصة:", "الخُلاصة:")
    article = parse(text)
    assert article.sections[0].heading == "القِسْمُ الأوَّل"
    assert article.summary_title == "الخُلاصة"


@pytest.mark.parametrize(
    "bullets",
    [
        "- جملة أولى.\n- جملة ثانية.",
        "• جملة أولى.\n• جملة ثانية.",
        "* جملة أولى.\n* جملة ثانية.",
        "1. جملة أولى.\n2. جملة ثانية.",
        "١. جملة أولى.\n٢. جملة ثانية.",
        "جملة أولى.\nجملة ثانية.",
    ],
)
def test_summary_one_bullet_per_line(bullets: str) -> None:
    text = BASIC.replace("جملة أولى. جملة ثانية.", bullets)
    assert parse(text).bullets == ("جملة أولى.", "جملة ثانية.")


def test_bullet_lines_may_hold_several_sentences() -> None:
    text = BASIC.replace("جملة أولى. جملة ثانية.", "- جملة أولى. وتتمة لها.\n- جملة ثانية.")
    assert parse(text).bullets == ("جملة أولى. وتتمة لها.", "جملة ثانية.")


def test_summary_sentences_keep_quotes_whole() -> None:
    line = "قال: «هذا. وذاك.. «وهنا» أيضا». ثم انتهى؟ نعم!"
    text = BASIC.replace("جملة أولى. جملة ثانية.", line)
    assert parse(text).bullets == ("قال: «هذا. وذاك.. «وهنا» أيضا».", "ثم انتهى؟", "نعم!")


def test_mid_line_colon_is_not_a_summary_heading() -> None:
    text = BASIC.replace("فقرة أولى.", "وقال: «كلام مهم».")
    article = parse(text)
    assert article.sections[0].paragraphs[0] == "وقال: «كلام مهم»."
    assert article.summary_title == "الخلاصة"


def test_a_short_colon_line_in_the_body_stays_a_paragraph() -> None:
    text = BASIC.replace("فقرة أولى.", "وقال المتحدث:\n«كلام طويل في سطره».")
    article = parse(text)
    assert article.sections[0].paragraphs[:2] == ("وقال المتحدث:", "«كلام طويل في سطره».")
    assert article.summary_title == "الخلاصة"


def test_heading_may_ask_a_question() -> None:
    article = parse(BASIC.replace("القسم الثاني", "ماذا بعد؟"))
    assert article.sections[1].heading == "ماذا بعد؟"


def test_tatweel_dash_stays_in_the_paragraph() -> None:
    article = parse(BASIC.replace("فقرة ثالثة.", "منظمات دولية ــ مثل شنغهاي ــ تعمل."))
    assert article.sections[1].paragraphs == ("منظمات دولية ــ مثل شنغهاي ــ تعمل.",)


def test_a_title_line_before_the_lead() -> None:
    article = parse("قمة قازان\n" + BASIC)
    assert article.title == "قمة قازان"
    assert article.lead == ("مقدمة الخبر هنا.",)


def test_an_article_without_sections_is_all_lead() -> None:
    article = parse("فقرة أولى.\nفقرة ثانية.\nالخلاصة:\nجملة.")
    assert article.lead == ("فقرة أولى.", "فقرة ثانية.")
    assert article.sections == ()


@pytest.mark.parametrize(
    ("data", "line", "reason"),
    [
        (b"", 1, "empty"),
        (b"  \n\n \r\n", 1, "empty"),
        ("فقرة.\nسطر\xff".encode("latin-1", "ignore") + b"\n\xff\xfe", 2, "not UTF-8"),
        (b"first line.\n\x00binary", 2, "binary"),
        ("الخلاصة:\nجملة.".encode(), 1, "no body"),
        ("فقرة.\nالخلاصة:".encode(), 2, "no bullets"),
        ("فقرة.\nعنوان بلا فقرات\nعنوان آخر\nفقرة.\nالخلاصة:\nجملة.".encode(), 2, "no paragraphs"),
        ("فقرة.\nعنوان أخير\nالخلاصة:\nجملة.".encode(), 2, "no paragraphs"),
    ],
)
def test_bad_input_names_file_line_and_reason(data: bytes, line: int, reason: str) -> None:
    with pytest.raises(ArticleFormatError) as caught:
        parse_article(data, "bad.txt")
    assert caught.value.path == "bad.txt"
    assert caught.value.line == line
    assert reason in caught.value.reason
    assert str(caught.value).startswith(f"bad.txt:{line}: ")


def test_a_file_over_the_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_bytes(BASIC.encode() + b"x" * 2000)
    with pytest.raises(ArticleFormatError) as caught:
        parse_file(path, max_bytes=1000)
    assert caught.value.path == str(path)
    assert "over the limit of 1,000 bytes" in caught.value.reason


def test_a_missing_file_is_an_article_error(tmp_path: Path) -> None:
    with pytest.raises(ArticleFormatError, match="cannot be read"):
        parse_file(tmp_path / "gone.txt")


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("brics-kazan-summit.ar.txt", "brics-kazan-summit-ar"),
        ("Some File Name.txt", "some-file-name"),
        ("/a/b/x_y.txt", "x-y"),
    ],
)
def test_slugs_are_safe_and_stable(name: str, slug: str) -> None:
    assert slug_for(name) == slug


def test_a_name_without_latin_letters_gets_a_hashed_slug() -> None:
    slug = slug_for("قمة.txt")
    assert slug.startswith("article-")
    assert slug == slug_for("قمة.txt")
    assert slug != slug_for("خبر.txt")


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400) | st.text(max_size=400).map(str.encode))
def test_any_bytes_parse_or_raise_an_article_error(data: bytes) -> None:
    try:
        article = parse_article(data, "fuzz.txt")
    except ArticleFormatError as error:
        article, reason = None, error.reason
    if article is None:
        assert reason
    else:
        assert article.bullets
        assert article.lead or article.sections


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.text(LETTERS, min_size=2, max_size=10),
            st.lists(
                st.text("ابتثجحخدذرزسشصضطظعغفقكلمنهوي ", min_size=1, max_size=60),
                min_size=1,
                max_size=4,
            ),
        ),
        min_size=1,
        max_size=5,
    )
)
def test_generated_articles_round_trip(sections: list[tuple[str, list[str]]]) -> None:
    lines = ["مقدمة."]
    for heading, paragraphs in sections:
        lines.append(heading)
        lines.extend(f"{p.strip() or 'فقرة'}." for p in paragraphs)
    lines += ["الخلاصة:", "- أولى.", "- ثانية."]
    article = parse("\n".join(lines))
    assert [s.heading for s in article.sections] == [h for h, _ in sections]
    assert [len(s.paragraphs) for s in article.sections] == [len(ps) for _, ps in sections]
    assert article.bullets == ("أولى.", "ثانية.")


def test_every_problem_the_parser_names_is_said_in_both_languages() -> None:
    for language in ("ar", "en"):
        tr = texts_for(language)
        for key in ENGLISH:
            values = dict.fromkeys(re.findall(r"{(\w+)}", ENGLISH[key]), "x")
            assert tr.say(f"PARSE_{key}", **values)


def test_a_rejection_carries_its_problem_for_the_readers_language() -> None:
    with pytest.raises(ArticleFormatError) as caught:
        parse_article("فقرة.\nأبرز النقاط:".encode(), "bad.txt")
    assert (caught.value.problem, caught.value.values) == (
        "summary_no_bullets", {"heading": "أبرز النقاط:"},
    )  # fmt: skip
    arabic = texts_for("ar").say("PARSE_summary_no_bullets", **caught.value.values)
    assert "«أبرز النقاط:» لا نقاط بعده" in arabic


MARKED = """\
---
title: عنوان الخبر
structure: marked
---
# عنوان الخبر
سطر بلا نقطة في آخره
## خلفية
فقرة: تبدأ كعنوان قصير
## اقرأ المزيد
فقرة أخيرة.
## أبرز ما جاء:
- النقطة الأولى.
- النقطة الثانية.
"""


def test_marked_copy_has_only_the_headings_and_summary_it_marks() -> None:
    """A page read into our format marks its structure: a short line is a paragraph, a box's
    title marked as a heading («اقرأ المزيد») is dropped, a closing ## over - lines is the
    summary whatever its words."""
    article = parse_article(MARKED.encode(), "page.txt")
    assert article.lead == ("سطر بلا نقطة في آخره",)
    assert [(s.heading, s.paragraphs) for s in article.sections] == [
        ("خلفية", ("فقرة: تبدأ كعنوان قصير", "فقرة أخيرة.")),
    ]
    assert article.bullets == ("النقطة الأولى.", "النقطة الثانية.")
    assert not article.automatic_summary
