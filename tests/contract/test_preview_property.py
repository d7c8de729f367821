"""Whatever ``check`` accepts is stored exactly as it previewed it (property-based)."""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from content.models import Article
from content.parser import ArticleFormatError, read_article
from content.storage.sqlite.store import Store
from content.topics import Lexicon, load_lexicon

WORDS = st.sampled_from(
    ["الحكومة", "أعلنت", "اتفاقا", "جديدا", "في", "القاهرة", "مع", "تركيا", "حول", "الغاز",
     "وقال", "الوزير", "إن", "المحادثات", "ستستمر", "الأسبوع", "المقبل", "2025", "«الأمن»"]
)  # fmt: skip
SENTENCE = st.lists(WORDS, min_size=3, max_size=14).map(lambda words: " ".join(words) + ".")
HEADING = st.lists(WORDS, min_size=1, max_size=4).map(" ".join)
LINE = st.one_of(
    SENTENCE,
    HEADING,
    HEADING.map(lambda text: f"## {text}"),
    SENTENCE.map(lambda text: f"«{text}»"),
    st.just("(صورة: رويترز)"),
    st.just("اقرأ أيضا: خبر آخر"),
    st.just("بقلم: سارة المنصوري | 12 مارس 2025"),
    st.just(""),
)
SUMMARY: st.SearchStrategy[list[str]] = st.one_of(
    st.just([]),
    st.lists(SENTENCE, min_size=1, max_size=4).map(
        lambda bullets: ["أبرز النقاط:", *(f"- {bullet}" for bullet in bullets)]
    ),
)
LEXICON: Lexicon = load_lexicon()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(LINE, min_size=1, max_size=14),
    SUMMARY,
    st.sampled_from(["\n", "\r\n", "\n\n"]),
)
def test_what_check_accepts_is_stored_as_previewed(
    body: list[str], summary: list[str], newline: str
) -> None:
    data = newline.join([*body, *summary]).encode()
    try:
        previewed = read_article(data, "generated.txt").article
    except ArticleFormatError:
        return  # refused: nothing to store, and check says so
    assert asyncio.run(_stored(previewed)) == previewed


async def _stored(article: Article) -> Article:
    with tempfile.TemporaryDirectory() as folder:
        async with await Store.open(Path(folder) / "p.sqlite3", LEXICON) as store:
            result = await store.ingest(article, "generated.txt")
            stored = await store._records.stored_articles([result.article_id])
    _fingerprint, article = stored[result.article_id]
    return article
