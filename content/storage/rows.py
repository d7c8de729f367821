"""An article as the rows the store writes, worked out before the write transaction.

Tagging and indexing a long article is CPU work that takes seconds. Done here, in a worker
thread and before the write lock is taken, it neither holds the lock nor stalls the event
loop, and the transaction itself is a handful of bulk inserts.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from content.alerts import text_terms
from content.models import Article, ArticleInfo, Section, SectionView
from content.ports import IdTakenError
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


@dataclass(frozen=True, slots=True)
class ParagraphRow:
    """One paragraph: where it stands, its text, its search terms and its topics."""

    section: int
    position: int
    text: str
    terms: str
    topics: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ArticleRows:
    """Everything the store writes for one article, in the order it is read back."""

    sections: tuple[tuple[int, str], ...]
    paragraphs: tuple[ParagraphRow, ...]
    bullets: tuple[tuple[str, tuple[str, ...]], ...]
    topics: tuple[str, ...]  # the article's topics, most salient first
    # The terms of its title, paragraphs and bullets in order, which word alerts match.
    words: tuple[tuple[str, ...], ...] = ()


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


@dataclass(frozen=True, slots=True)
class StoredSlug:
    """What the store holds under an article's id: its row, its fingerprint, its file."""

    slug: str
    article_id: int
    fingerprint: str
    source: str


def ingest_outcome(
    stored: StoredSlug | None,
    fingerprint: str,
    source: str,
    owner_present: Callable[[str], bool],
) -> str:
    """What storing an article does, given what its id holds now, decided alike in every
    backend: ``added``, ``renamed`` (the same article from a new file name) or ``replaced``.

    Raises IdTakenError when another file that is still there owns the id.
    """
    if stored is None:
        return "added"
    if stored.source != source and owner_present(stored.source):
        raise IdTakenError(stored.slug, stored.source)
    return "renamed" if stored.fingerprint == fingerprint else "replaced"


def article_from_rows(
    heads: tuple[str, str, str],
    paragraphs: Iterable[tuple[int, str]],
    sections: Iterable[tuple[int, str]],
    bullets: Iterable[str],
) -> Article:
    """An article rebuilt from its stored rows: (slug, title, summary title), its paragraphs
    as (section, text) in reading order, its headed sections and its bullets."""
    by_section: dict[int, list[str]] = {}
    for number, text in paragraphs:
        by_section.setdefault(number, []).append(text)
    slug, title, summary_title = heads
    return Article(
        slug=slug,
        title=title,
        lead=tuple(by_section.get(0, ())),
        sections=tuple(
            Section(heading, tuple(by_section.get(number, ())))
            for number, heading in sections
            if number > 0
        ),
        summary_title=summary_title,
        bullets=tuple(bullets),
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
