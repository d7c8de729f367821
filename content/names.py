"""Any name in an article is a topic: what /topic NAME answers for a name no lexicon lists.

A person, company or place the lexicon lacks is found the way a word alert is: its words
read by the one analyzer, in order, in any of their forms (ميتا، لميتا، وميتا). The answer is
the article's paragraphs that name it, under their headings, and the bullets that do, as for
any topic. A name the article does not hold gets suggestions by meaning: the topics of the
paragraphs that search finds for it, never topics whose names merely look alike.
"""

from __future__ import annotations

from content.alerts import AlertPhraseError, ArticleWords, alert_terms, text_terms
from content.models import (
    ArticleInfo,
    SectionView,
    StoredBullet,
    StoredParagraph,
    TopicBriefing,
)
from content.ports import ArticleStore
from content.search import Analyzer

# Search hits read for suggestions: enough to find a name's company, few enough to be quick.
_HITS_READ = 10


async def name_briefing(
    store: ArticleStore, article: ArticleInfo, name: str, analyzer: Analyzer
) -> TopicBriefing:
    """The paragraphs and bullets of ``article`` that name ``name``; none when it has no word."""
    try:
        terms = alert_terms(analyzer, name).terms
    except AlertPhraseError:
        return TopicBriefing(article, "", (), ())

    def names_it(text: str) -> bool:
        return ArticleWords(text_terms(analyzer, [text])).has(terms)

    paragraphs = [
        StoredParagraph(0, section.number, section.heading, position, text, frozenset())
        for section in await _sections(store, article)
        for position, text in enumerate(section.paragraphs)
        if names_it(text)
    ]
    summary = await store.summary(article)
    bullets = [
        StoredBullet(number, text, frozenset())
        for number, text in enumerate(summary.bullets, start=1)
        if names_it(text)
    ]
    return TopicBriefing(article, "", tuple(paragraphs), tuple(bullets))


async def related_topics(
    store: ArticleStore, present: list[str], name: str, limit: int
) -> list[str]:
    """Of the article's topics ``present``, those of the paragraphs search finds for ``name``,
    best hit first."""
    wanted = set(present)
    found: dict[str, None] = {}
    for hit in await store.search(name, _HITS_READ):
        for topic in sorted(hit.paragraph.topics & wanted):
            found.setdefault(topic, None)
    return list(found)[:limit]


async def _sections(store: ArticleStore, article: ArticleInfo) -> list[SectionView]:
    """The lead, then each section, as the store shows them."""
    sections = [
        await store.section(article, number) for number, _ in await store.headings(article)
    ]
    return [section for section in sections if section is not None]
