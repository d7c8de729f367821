"""An article as the rows the store writes, worked out before the write transaction.

Tagging and indexing a long article is CPU work that takes seconds. Done here, in a worker
thread and before the write lock is taken, it neither holds the lock nor stalls the event
loop, and the transaction itself is a handful of bulk inserts.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from content.models import Article
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
    )
