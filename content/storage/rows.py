"""An article as the rows the store writes, worked out before the write transaction.

Tagging and indexing a long article is CPU work that takes seconds. Done here, in a worker
thread and before the write lock is taken, it neither holds the lock nor stalls the event
loop, and the transaction itself is a handful of bulk inserts.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from typing import Any

from content.alerts import text_terms
from content.models import (
    Article,
    ArticleInfo,
    ArticleRows,
    ParagraphRow,
    Section,
    SectionView,
)
from content.search import Analyzer
from content.tagging import tag_article

# Raised whenever the way text becomes search terms changes, so articles are re-indexed.
SEARCH_INDEX_VERSION = 2


def tagging_key(analyzer: Analyzer) -> str:
    """What tags and terms depend on: the lexicon and how text is indexed.

    Every backend stores it beside an article, so a new lexicon finds the stale ones.
    """
    key = repr((SEARCH_INDEX_VERSION, analyzer.stemming, analyzer.topic_terms))
    return hashlib.sha256((analyzer.lexicon.fingerprint + key).encode()).hexdigest()


def article_fingerprint(article: Article, tagged_with: str) -> str:
    """The same article tagged the same way gives the same fingerprint: ingesting it again
    changes nothing, in any backend."""
    digest = hashlib.sha256(repr(article).encode())
    digest.update(tagged_with.encode())
    return digest.hexdigest()


def article_rows(article: Article, analyzer: Analyzer) -> ArticleRows:
    """The rows of ``article``, tagged and indexed with ``analyzer``'s lexicon."""
    tags = tag_article(analyzer.lexicon, article)
    blocks = [("", article.lead)] if article.lead else []
    blocks += [(section.heading, section.paragraphs) for section in article.sections]
    first = 0 if article.lead else 1
    paragraph_tags = iter(tags.paragraphs)
    paragraphs = []
    for number, (_heading, texts) in enumerate(blocks, first):
        for position, text in enumerate(texts, 1):
            topics = next(paragraph_tags)
            terms = " ".join(analyzer.index_terms(text, topics))
            paragraphs.append(ParagraphRow(number, position, text, terms, tuple(sorted(topics))))
    return ArticleRows(
        sections=tuple((number, heading) for number, (heading, _) in enumerate(blocks, first)),
        paragraphs=tuple(paragraphs),
        bullets=tuple(
            (text, tuple(sorted(topics)))
            for text, topics in zip(article.bullets, tags.bullets, strict=True)
        ),
        topics=tuple(tags.salience()),
        words=text_terms(
            analyzer,
            [article.title, *(p.text for p in paragraphs), *article.bullets],
        ),
    )


# An article's head as every backend reads it: ArticleInfo's fields, in order.
ARTICLE_HEAD = (
    "id", "slug", "title", "summary_title", "url", "author", "published", "image",
    "automatic_summary",
)  # fmt: skip
# Newest first, by publication date where the copy gave one, else by the day it arrived.
ARTICLE_ORDER_SQLITE = (
    "CASE WHEN a.published != '' THEN a.published"
    " ELSE strftime('%Y-%m-%d', a.added_ts, 'unixepoch') END DESC, a.added_ts DESC, a.id DESC"
)
ARTICLE_ORDER_POSTGRES = (
    "CASE WHEN a.published <> '' THEN a.published"
    " ELSE to_char(to_timestamp(a.added_ts) AT TIME ZONE 'UTC', 'YYYY-MM-DD') END DESC,"
    " a.added_ts DESC, a.id DESC"
)


def article_columns(table: str = "a") -> str:
    """The SELECT list of an article's head."""
    return ", ".join(f"{table}.{column}" for column in ARTICLE_HEAD)


def article_info(values: Sequence[Any]) -> ArticleInfo:
    """An ArticleInfo from the head's values, in ARTICLE_HEAD's order."""
    id_, slug, title, summary_title, url, author, published, image, automatic = values
    return ArticleInfo(
        int(id_), str(slug), str(title), str(summary_title), str(url), str(author),
        str(published), str(image), bool(automatic),
    )  # fmt: skip


def provenance(article: Article) -> tuple[str, str, str, str, bool]:
    """What an article's head stores beside its title: link, author, date, image, and
    whether its summary is automatic."""
    return (article.url, article.author, article.published, article.image,
            article.automatic_summary)  # fmt: skip


def articles_from_rows(
    heads: Iterable[Sequence[Any]],
    paragraphs: Iterable[Sequence[Any]],
    sections: Iterable[Sequence[Any]],
    bullets: Iterable[Sequence[Any]],
) -> dict[int, tuple[str, Article]]:
    """Stored articles rebuilt from the rows of several, as any backend reads them: each
    head as (id, fingerprint, then as ``article_from_rows``), each other row led by its
    article's id, in reading order. Each article's fingerprint and the article, by id."""
    by_article: dict[int, tuple[list[Any], list[Any], list[Any]]] = {}
    for rows, at in ((paragraphs, 0), (sections, 1), (bullets, 2)):
        for row in rows:
            by_article.setdefault(int(row[0]), ([], [], []))[at].append(tuple(row)[1:])
    found = {}
    for head in heads:
        article_id, fingerprint, *rest = tuple(head)
        own = by_article.get(int(article_id), ([], [], []))
        found[int(article_id)] = (str(fingerprint), article_from_rows(rest, *own))
    return found


def article_from_rows(
    head: Sequence[Any],
    paragraphs: Iterable[Sequence[Any]],
    sections: Iterable[Sequence[Any]],
    bullets: Iterable[Sequence[Any]],
) -> Article:
    """An article rebuilt from its stored rows, as any backend reads them: its head
    (ARTICLE_HEAD without the id), its paragraphs as (section, text) in reading order, its
    sections as (number, heading), and its bullets as (text,)."""
    by_section: dict[int, list[str]] = {}
    for number, text in paragraphs:
        by_section.setdefault(int(number), []).append(str(text))
    slug, title, summary_title, url, author, published, image, automatic = head
    return Article(
        slug=str(slug),
        title=str(title),
        lead=tuple(by_section.get(0, ())),
        sections=tuple(
            Section(str(heading), tuple(by_section.get(int(number), ())))
            for number, heading in sections
            if int(number) > 0
        ),
        summary_title=str(summary_title),
        bullets=tuple(str(bullet[0]) for bullet in bullets),
        url=str(url),
        author=str(author),
        published=str(published),
        image=str(image),
        automatic_summary=bool(automatic),
    )


def section_view(
    article: ArticleInfo, numbers: list[int], number: int, heading: str, paragraphs: list[str]
) -> SectionView:
    """Section ``number`` of an article whose sections are ``numbers``, with its neighbours."""
    index = numbers.index(number)
    return SectionView(
        article=article,
        number=number,
        heading=heading,
        paragraphs=tuple(paragraphs),
        index=index + 1,
        count=len(numbers),
        previous=numbers[index - 1] if index > 0 else None,
        next=numbers[index + 1] if index + 1 < len(numbers) else None,
    )
