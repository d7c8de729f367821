"""Rendering: escaping, packing under Telegram's limit, cutting long paragraphs."""

from __future__ import annotations

import html
import re
from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from content.models import ArticleInfo, SearchHit, SectionView, StoredParagraph, Summary
from handlers.presentation import render, views
from handlers.presentation.buttons import CALLBACK_DATA_LIMIT, Action, decode, encode
from handlers.presentation.texts import texts_for

AR = texts_for("ar")
ARTICLE = ArticleInfo(1, "slug", "<عنوان & مقال>", "<عنوان & مقال>")


def visible(chunk: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", chunk))


def test_article_text_is_escaped() -> None:
    (chunk,) = render.summary(Summary(ARTICLE, ARTICLE.summary_title, ("a < b & c > d",)), AR)
    assert "<b>&lt;عنوان &amp; مقال&gt;</b>" in chunk
    assert "• a &lt; b &amp; c &gt; d" in chunk


def test_utf16_length_counts_astral_characters_twice() -> None:
    assert render.utf16_length("ab") == 2
    assert render.utf16_length("😀") == 2
    assert render.visible_length("<b>&amp;😀</b>") == 3


def test_pack_keeps_blocks_whole_and_under_the_limit() -> None:
    blocks = [f"<b>{n}</b> " + "ك" * 1000 for n in range(10)]
    chunks = render.pack(blocks)
    assert len(chunks) > 1
    assert all(render.visible_length(chunk) <= render.MESSAGE_LIMIT for chunk in chunks)
    assert "\n\n".join(chunks) == "\n\n".join(blocks)


def test_a_long_paragraph_is_cut_at_sentences() -> None:
    sentence = "هذه جملة عربية طويلة نسبيا تتكرر. "
    paragraph = (sentence * 400).strip()
    blocks = render.paragraph_blocks(paragraph)
    assert len(blocks) > 1
    assert all(block.endswith("تتكرر.") for block in blocks)
    assert " ".join(blocks) == paragraph


def test_a_word_longer_than_a_message_is_cut_too() -> None:
    blocks = render.paragraph_blocks("😀" * 5000)
    assert "".join(blocks) == "😀" * 5000
    assert all(render.utf16_length(block) <= render.MESSAGE_LIMIT for block in blocks)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(min_size=0, max_size=3000), min_size=1, max_size=8))
def test_any_paragraphs_fit_and_lose_nothing(paragraphs: list[str]) -> None:
    blocks = [block for text in paragraphs for block in render.paragraph_blocks(text)]
    chunks = render.pack(blocks)
    assert all(render.visible_length(chunk) <= render.MESSAGE_LIMIT for chunk in chunks)
    joined = re.sub(r"\s+", "", "".join(visible(chunk) for chunk in chunks))
    assert joined == re.sub(r"\s+", "", "".join(paragraphs))


def test_a_long_section_is_split_between_paragraphs() -> None:
    paragraphs = tuple(f"فقرة {n}: " + "كلمة " * 300 for n in range(12))
    view = SectionView(ARTICLE, 2, "القسم", paragraphs, 3, 5, 1, 3)
    chunks = render.section(view, AR)
    assert len(chunks) > 1
    assert all(render.visible_length(chunk) <= render.MESSAGE_LIMIT for chunk in chunks)
    shown = [visible(chunk) for chunk in chunks]
    for paragraph in paragraphs:  # every paragraph whole, in exactly one message
        assert sum(paragraph.strip() in text for text in shown) == 1
    assert AR.say("SECTION_POSITION", number=3, count=5) in shown[-1]
    # Each message after the first says again which article and section it belongs to.
    for number, chunk in enumerate(chunks[1:], 2):
        assert chunk.startswith(f"<i>&lt;عنوان &amp; مقال&gt; القسم ({number}/{len(chunks)})</i>")


def test_search_hits_bold_the_matched_words() -> None:
    paragraph = StoredParagraph(7, 1, "القسم", 1, "قال <أحد> إن العقوبات مؤلمة.", frozenset())
    hit = SearchHit(ARTICLE, paragraph, -1.0, ((13, 21),))
    (chunk,) = render.search("عقوبات", [hit], AR)
    assert "قال &lt;أحد&gt; إن <b>العقوبات</b> مؤلمة." in chunk
    assert "<b>القسم</b>" in chunk


def test_callback_data_round_trips_within_64_bytes() -> None:
    data = encode(Action.TOPIC, 10**17, "x" * 32)
    assert len(data.encode()) <= CALLBACK_DATA_LIMIT
    decoded = decode(data)
    assert decoded is not None
    assert (decoded.action, decoded.article_id, decoded.arg) == (Action.TOPIC, 10**17, "x" * 32)


def test_foreign_callback_data_decodes_to_nothing() -> None:
    assert decode(None) is None
    assert decode("") is None
    assert decode("zzz:1:") is None
    assert decode("sec:abc:1") is None
    assert decode("إيران") is None


def test_an_automatic_summary_says_so_and_the_editors_does_not() -> None:
    tr = texts_for("en")
    automatic = replace(ARTICLE, summary_title="", automatic_summary=True)
    shown = "\n".join(render.summary(Summary(automatic, "", ("جملة من المقال.",)), tr))
    assert tr.say("AUTOMATIC_SUMMARY") in shown
    editors = "\n".join(render.summary(Summary(ARTICLE, ARTICLE.title, ("نقطة.",)), tr))
    assert tr.say("AUTOMATIC_SUMMARY") not in editors


def test_the_original_is_one_button_away_when_its_link_is_a_web_link() -> None:
    tr = texts_for("ar")
    linked = replace(ARTICLE, url="https://news.example.com/a/1")
    (row,) = views.original_row(linked, tr)
    assert row[0].url == "https://news.example.com/a/1"
    for url in ("", "javascript:alert(1)", "ftp://x/y", "https://" + "x" * 3000, "https:// x"):
        assert views.original_row(replace(ARTICLE, url=url), tr) == []
