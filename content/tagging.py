"""Tagging a whole article with its topics, and ranking them by how much it is about each."""

from __future__ import annotations

from dataclasses import dataclass, replace

from content.models import Article
from content.topics import PLACE_KINDS, Lexicon

# A main subject is named in at least this many blocks (and a third of them).
_MAIN_SUBJECT_MENTIONS = 3


@dataclass(frozen=True, slots=True)
class ArticleTopics:
    """The topics of an article's title, of each paragraph in reading order, of each bullet."""

    title: frozenset[str]
    paragraphs: tuple[frozenset[str], ...]
    bullets: tuple[frozenset[str], ...]

    def salience(self) -> list[str]:
        """Every topic, the article's main subjects first.

        Topics of the title come first, then those of the summary, then the rest; within
        each, the more paragraphs and bullets name a topic the sooner it comes, then the
        earlier it is first named.
        """
        blocks = (self.title, *self.bullets, *self.paragraphs)
        first: dict[str, int] = {}
        count: dict[str, int] = {}
        for index, topics in enumerate((*self.paragraphs, *self.bullets)):
            for topic in topics:
                first.setdefault(topic, index)
                count[topic] = count.get(topic, 0) + 1
        in_summary = frozenset().union(*self.bullets)

        def rank(topic: str) -> tuple[int, int, int, str]:
            tier = 0 if topic in self.title else 1 if topic in in_summary else 2
            return (tier, -count.get(topic, 0), first.get(topic, -1), topic)

        return sorted(frozenset().union(*blocks), key=rank)


def article_paragraphs(article: Article) -> list[str]:
    """The article's paragraphs in reading order: the lead's, then each section's."""
    return [*article.lead, *(text for section in article.sections for text in section.paragraphs)]


def tag_article(lexicon: Lexicon, article: Article) -> ArticleTopics:
    """Tag every part of ``article``; a confirm-guarded name is decided by the article as a whole.

    Headings count towards that decision, though a briefing shows paragraphs, not headings.
    """
    paragraphs = article_paragraphs(article)
    headings = [section.heading for section in article.sections]
    blocks = [article.title, *paragraphs, *article.bullets, *headings]
    tags = lexicon.tag_blocks(blocks)
    after_paragraphs = 1 + len(paragraphs)
    topics = ArticleTopics(
        title=tags[0],
        paragraphs=tuple(tags[1:after_paragraphs]),
        bullets=tuple(tags[after_paragraphs : after_paragraphs + len(article.bullets)]),
    )
    if not lexicon.rules.main_subject:
        return topics
    places = frozenset(t.command for t in lexicon.topics if t.kind in PLACE_KINDS)
    return with_main_subject(topics, places)


def main_subject(topics: ArticleTopics) -> frozenset[str]:
    """What the article is about as a whole: of the topics its title names (its first
    paragraph's, when it has no title), those that most of its paragraphs come back to."""
    opening = topics.title or (topics.paragraphs[0] if topics.paragraphs else frozenset())
    blocks = (*topics.paragraphs, *topics.bullets)
    needed = max(_MAIN_SUBJECT_MENTIONS, len(blocks) // 3)
    return frozenset(
        topic for topic in opening if sum(topic in block for block in blocks) >= needed
    )


def with_main_subject(topics: ArticleTopics, places: frozenset[str]) -> ArticleTopics:
    """A paragraph or bullet that names no place carries on the article's main subject: in
    a story on Kenya's election, the opposition's rallies are about Kenya, and so is what
    the IMF said of its budget."""
    main = main_subject(topics)
    if not main:
        return topics

    def carried(blocks: tuple[frozenset[str], ...]) -> tuple[frozenset[str], ...]:
        return tuple(
            block if block & places else block | (main & places if block else main)
            for block in blocks
        )

    return replace(topics, paragraphs=carried(topics.paragraphs), bullets=carried(topics.bullets))
