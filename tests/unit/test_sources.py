"""Pages and feeds read into articles, from a local news site (never the internet)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from content.parser import read_article
from content.sources.feed import NotAFeedError, read_feed
from content.sources.fetch import Fetcher
from content.sources.page import canonical, file_name, page_text
from content.sources.web import Copy, Refusal, articles_at
from tests.support.news_site import (
    ENGLISH_PAGE,
    PARAGRAPHS,
    SECTION_FRONT,
    article_body,
    article_page,
    news_site,
    rss,
)

HTML = "text/html"


@pytest.fixture
async def fetcher() -> AsyncIterator[Fetcher]:
    fetching = Fetcher(max_bytes=1_000_000, trusted=frozenset({"127.0.0.1"}), per_host_seconds=0)
    yield fetching
    await fetching.close()


async def test_a_page_is_read_into_the_article_without_what_surrounds_it(
    fetcher: Fetcher,
) -> None:
    async with news_site({"/news/cop": (HTML, article_page())}) as site:
        (found,) = await articles_at(f"{site}/news/cop?utm_source=x", fetcher)
    assert isinstance(found, Copy)
    article = read_article(found.text.encode(), found.name).article
    assert article.title == "قمة المناخ تنتهي باتفاق هش"
    assert article.lead == (PARAGRAPHS[0],)
    assert [s.heading for s in article.sections] == ["خلفية الأزمة"]
    assert article.sections[0].paragraphs == tuple(PARAGRAPHS[1:])
    assert article.bullets == ("اتفاق هش على تمويل التكيف.", "الدول الفقيرة تطالب بالمزيد.")
    assert not article.automatic_summary
    assert (article.author, article.published) == ("سارة المنصوري", "2025-03-12")
    assert "utm_source" not in article.url  # the canonical link
    text = found.text
    for chrome in ("شارك", "اقرأ أيضا", "الرئيسية", "جميع الحقوق"):
        assert chrome not in text


async def test_a_feed_gives_one_article_an_item_whole_text_or_page(fetcher: Fetcher) -> None:
    async with news_site({"/a": (HTML, article_page("خبر الصفحة الأولى"))}) as pages:
        feed = rss([
            ("g1", f"{pages}/a", ""),  # a teaser: the page is fetched
            ("g2", "https://news.example/b", article_body("خبر من نص الخلاصة")),  # whole text
        ])  # fmt: skip
        async with news_site({"/feed": ("application/rss+xml", feed)}) as site:
            found = await articles_at(f"{site}/feed", fetcher)
    titles = [
        read_article(c.text.encode(), c.name).article.title for c in found if isinstance(c, Copy)
    ]
    assert titles == ["خبر الصفحة الأولى", "خبر من نص الخلاصة"]


@pytest.mark.parametrize(
    ("page", "reason"),
    [(SECTION_FRONT, "not an article"), (ENGLISH_PAGE, "not in Arabic")],
)
async def test_a_page_that_is_no_arabic_article_is_refused_with_why(
    fetcher: Fetcher, page: str, reason: str
) -> None:
    async with news_site({"/x": (HTML, page)}) as site:
        (found,) = await articles_at(f"{site}/x", fetcher)
    assert isinstance(found, Refusal)
    assert reason in found.reason


async def test_a_feed_pointing_into_our_network_is_refused_item_by_item(fetcher: Fetcher) -> None:
    feed = rss([("g1", "http://10.0.0.7/internal", "")])
    async with news_site({"/feed": ("application/rss+xml", feed)}) as site:
        (found,) = await articles_at(f"{site}/feed", fetcher)
    assert isinstance(found, Refusal)
    assert "10.0.0.7 is a private address" in found.reason


def test_one_story_has_one_address_and_one_file() -> None:
    same = [
        "http://www.news.example/world/cop30/?utm_source=tg&id=7#top",
        "https://news.example/world/cop30?id=7&fbclid=abc",
    ]
    assert len({canonical(url) for url in same}) == 1
    assert len({file_name(url) for url in same}) == 1
    assert file_name(same[0]).endswith(".txt")


LAUGHS = "".join(
    f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10)
)  # lol9 is 10⁹ times lol0


@pytest.mark.parametrize(
    "subset",
    [
        f'<!ENTITY lol0 "lol">{LAUGHS}',
        '<!ENTITY xxe SYSTEM "file:///etc/passwd">',
        '<!entity  local "x">',
    ],
    ids=["billion-laughs", "external-entity", "lower-case"],
)
def test_a_feed_that_declares_entities_is_refused_unread(subset: str) -> None:
    feed = rss([("g1", "https://news.example/1", "")]).replace(
        '<?xml version="1.0" encoding="utf-8"?>',
        f'<?xml version="1.0" encoding="utf-8"?><!DOCTYPE rss [{subset}]>',
    )
    with pytest.raises(NotAFeedError, match="declares XML entities"):
        read_feed(feed.encode())


def test_a_feed_may_quote_an_entity_in_its_text() -> None:
    """Only the document type declares entities: an article about XML may mention one."""
    html = "<p>" + "كلمة " * 90 + "<!ENTITY x> في نص المقال.</p>"
    (item,) = read_feed(rss([("g1", "https://news.example/1", html)]).encode())
    assert item.guid == "g1"


def test_a_page_is_decoded_with_the_charset_it_declares() -> None:
    """Windows-1256 declared only by the page (no server said): the page's word counts."""
    page = article_page().replace('<meta charset="utf-8">', '<meta charset="windows-1256">')
    text = page_text(page.encode("cp1256"), "", "https://news.example/cop")
    assert "اختتمت قمة المناخ أعمالها" in text
    header_wrong = page_text(page.encode("cp1256"), "utf-8", "https://news.example/cop")
    assert "اختتمت قمة المناخ أعمالها" in header_wrong  # a charset that fails is not trusted
