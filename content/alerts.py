"""Word alerts: which new articles a word or short phrase a reader chose matches.

A phrase is matched the way /search reads text: each word normalised, its clitics and one
light suffix stripped (``content.search.Analyzer.term``), and compared whole, in order. So
"النفط" matches "ونفطها" and "بالنفط" but not "نفطة…" cut differently, and never a part of a
longer word. No reader's text is ever a regular expression.

Matching is two steps, so that ten thousand alerts cost little more than ten: the store
keeps each alert's first term in an index and fetches only the alerts whose first term the
article has; :func:`matching` then checks that the rest of each follows in order.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from content.arabic import tokens
from content.search import TOPIC_PREFIX, Analyzer

# Longer than this is not a word alert but a search.
MAX_ALERT_WORDS = 4
MAX_ALERT_CHARS = 64


class AlertPhraseError(ValueError):
    """A phrase that cannot be an alert: empty once read, or too long."""


@dataclass(frozen=True, slots=True)
class AlertTerms:
    """An alert's terms in order; ``first`` is what the store indexes it by."""

    terms: tuple[str, ...]
    read_with: str = ""  # the analyzer that read them (Analyzer.reads_with)

    @property
    def first(self) -> str:
        """The term the store looks the alert up by."""
        return self.terms[0]

    @property
    def joined(self) -> str:
        """The terms as stored: one string, a space between terms."""
        return " ".join(self.terms)


def alert_terms(analyzer: Analyzer, phrase: str) -> AlertTerms:
    """The terms ``phrase`` is matched by; AlertPhraseError when it has none or too many."""
    if len(phrase) > MAX_ALERT_CHARS:
        raise AlertPhraseError(f"longer than {MAX_ALERT_CHARS} characters")
    terms = tuple(
        analyzer.term(token) for token in tokens(phrase) if not token.startswith(TOPIC_PREFIX)
    )
    if not terms:
        raise AlertPhraseError("no word in it")
    if len(terms) > MAX_ALERT_WORDS:
        raise AlertPhraseError(f"more than {MAX_ALERT_WORDS} words")
    return AlertTerms(terms, analyzer.reads_with)


def text_terms(analyzer: Analyzer, texts: Iterable[str]) -> tuple[tuple[str, ...], ...]:
    """Each text's terms in order, as alerts are matched against them."""
    return tuple(tuple(analyzer.terms(tokens(text))) for text in texts)


class ArticleWords:
    """An article's terms and where each stands, to match alerts against."""

    def __init__(self, texts: Sequence[Sequence[str]]) -> None:
        self._texts = texts
        self._at: dict[str, list[tuple[int, int]]] = {}
        for number, terms in enumerate(texts):
            for position, term in enumerate(terms):
                self._at.setdefault(term, []).append((number, position))

    @property
    def terms(self) -> list[str]:
        """Every distinct term, for the store's lookup by first term."""
        return sorted(self._at)

    def has(self, terms: Sequence[str]) -> bool:
        """Whether ``terms`` stand one after another in one of the texts."""
        for number, position in self._at.get(terms[0], ()):
            text = self._texts[number]
            if tuple(text[position : position + len(terms)]) == tuple(terms):
                return True
        return False


def matching(words: ArticleWords, candidates: Iterable[tuple[int, str]]) -> list[int]:
    """The ids of the ``(id, joined terms)`` candidates whose phrase the article has."""
    return [alert_id for alert_id, joined in candidates if words.has(joined.split(" "))]
