"""A small news site the tests start on 127.0.0.1: pages shaped like Arabic news sites, and
their feeds. Never the internet."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from aiohttp import web

PARAGRAPHS = [
    "اختتمت قمة المناخ أعمالها فجر السبت باتفاق وصفه مراقبون بالهش بعد مفاوضات استمرت"
    " يومين إضافيين في مدينة بيليم البرازيلية وسط خلافات حادة بين الدول الغنية والفقيرة.",
    "وتطالب الدول الفقيرة بتمويل أكبر للتكيف مع الفيضانات والجفاف التي تضرب مناطق واسعة"
    " من العالم منذ سنوات، فيما تقول الدول الغنية إن ميزانياتها لا تسمح بالمزيد الآن.",
    "وقال وزير البيئة البرازيلي إن الاتفاق خطوة أولى فقط وإن العمل الحقيقي يبدأ الآن مع"
    " الدول المانحة والمؤسسات المالية الدولية التي تعهدت بمراجعة شروط القروض.",
]


def article_body(title: str) -> str:
    """The article alone, as a feed's content:encoded carries it."""
    lead = "".join(f"<p>{text}</p>" for text in PARAGRAPHS[:1])
    rest = "".join(f"<p>{text}</p>" for text in PARAGRAPHS[1:])
    return f"<h1>{title}</h1>{lead}<h2>خلفية الأزمة</h2>{rest}"


def article_page(title: str = "قمة المناخ تنتهي باتفاق هش") -> str:
    """A news page with what sites put around an article: menus, share bars, read-also."""
    body = "".join(f"<p>{text}</p>" for text in PARAGRAPHS[:1])
    rest = "".join(f"<p>{text}</p>" for text in PARAGRAPHS[1:])
    return f"""<!doctype html><html lang="ar" dir="rtl"><head><meta charset="utf-8">
<title>{title} | موقع الأخبار</title>
<meta name="author" content="سارة المنصوري">
<meta property="article:published_time" content="2025-03-12T08:00:00Z">
<meta property="og:image" content="https://news.example/img/cop.jpg">
</head><body>
<nav><a href="/">الرئيسية</a> <a href="/politics">سياسة</a> <a href="/economy">اقتصاد</a></nav>
<article><h1>{title}</h1>{body}
<div class="share">شارك على فيسبوك تويتر واتساب</div>
<h2>خلفية الأزمة</h2>{rest}
<aside class="related">اقرأ أيضا: قمة المناخ السابقة تنتهي بلا اتفاق</aside>
<h2>أبرز النقاط</h2><ul><li>اتفاق هش على تمويل التكيف.</li>
<li>الدول الفقيرة تطالب بالمزيد.</li></ul></article>
<footer>جميع الحقوق محفوظة</footer></body></html>"""


SECTION_FRONT = """<html><body><nav>الرئيسية</nav><ul><li><a href="/a">خبر أول</a></li>
<li><a href="/b">خبر ثان</a></li></ul></body></html>"""

ENGLISH_PAGE = (
    "<html><body><article><h1>Climate summit ends with a fragile deal</h1>"
    "<p>The climate summit ended with a fragile deal after two extra days of talks in the"
    " Brazilian city of Belem, amid sharp divisions between rich and poor countries.</p>"
    "<p>Poor countries demand more money to adapt to floods and droughts that have hit wide"
    " areas of the world for years, while rich ones say their budgets cannot stretch.</p>"
    "<p>Brazil's environment minister said the deal was only a first step and that the real"
    " work starts now with donors and the international lenders.</p>"
    "</article></body></html>"
)


def rss(items: list[tuple[str, str, str]]) -> str:
    """An RSS 2.0 feed of (guid, link, full html or "") items."""
    entries = "".join(
        f"<item><guid>{guid}</guid><title>خبر</title><link>{link}</link>"
        + (f"<content:encoded><![CDATA[{html}]]></content:encoded>" if html else "")
        + "<description>موجز قصير.</description></item>"
        for guid, link, html in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"'
        ' xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
        f"<title>موقع الأخبار</title><link>https://news.example/</link>{entries}</channel></rss>"
    )


@asynccontextmanager
async def news_site(routes: dict[str, tuple[str, str]]) -> AsyncIterator[str]:
    """Serve ``routes`` (path → (content type, text)) on 127.0.0.1; yields the base URL."""
    app = web.Application()
    for path, (kind, text) in routes.items():

        async def handler(
            _request: web.Request, kind: str = kind, text: str = text
        ) -> web.Response:
            return web.Response(text=text, content_type=kind)

        app.router.add_get(path, handler)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}"
    finally:
        await runner.cleanup()
