"""Typed models of the domain: parsed articles and what the store returns."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Section:
    """A heading and the paragraphs under it."""

    heading: str
    paragraphs: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Article:
    """An article as parsed from its file, before it is stored."""

    slug: str
    title: str
    lead: tuple[str, ...]
    sections: tuple[Section, ...]
    summary_title: str
    bullets: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ArticleInfo:
    """A stored article's identity and headline facts."""

    id: int
    slug: str
    title: str
    summary_title: str


@dataclass(frozen=True, slots=True)
class StoredParagraph:
    """A stored paragraph with where it stands and which topics it names.

    ``section`` is 0 for the lead, then 1, 2 … for the sections in order; ``heading`` is
    empty for the lead.
    """

    id: int
    section: int
    heading: str
    position: int
    text: str
    topics: frozenset[str]


@dataclass(frozen=True, slots=True)
class StoredBullet:
    """A summary bullet, numbered from 1, with the topics it names."""

    number: int
    text: str
    topics: frozenset[str]


@dataclass(frozen=True, slots=True)
class SectionView:
    """One section of a stored article, ready to show: 0 is the lead."""

    article: ArticleInfo
    number: int
    heading: str
    paragraphs: tuple[str, ...]
    count: int


@dataclass(frozen=True, slots=True)
class Summary:
    """The closing summary of a stored article."""

    article: ArticleInfo
    title: str
    bullets: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class TopicBriefing:
    """What an article says about one topic: its paragraphs by section, and its bullets."""

    article: ArticleInfo
    topic: str
    paragraphs: tuple[StoredParagraph, ...]
    bullets: tuple[StoredBullet, ...]


@dataclass(frozen=True, slots=True)
class SearchHit:
    """A paragraph that matched a search, with its rank (lower is better)."""

    article: ArticleInfo
    paragraph: StoredParagraph
    rank: float


@dataclass(frozen=True, slots=True)
class IngestResult:
    """What an ingest did: ``added``, ``replaced`` or ``unchanged``."""

    article_id: int
    slug: str
    outcome: str
