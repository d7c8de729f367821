"""BM25 as SQLite's FTS5 computes it, so that both backends rank a question alike.

PostgreSQL's own ``ts_rank`` is no BM25: it ignores how rare a word is across paragraphs,
which is what tells the paragraph about a question from one that shares its common words.
The candidates come from a GIN index, each with its length and how often it holds each
word of the question (counted in the database, so no paragraph's terms cross the wire);
their score is worked out here from those, the same terms as SQLite's.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

# FTS5's defaults.
K1 = 1.2
B = 0.75
# FTS5 gives a term in more than half the paragraphs this IDF rather than a negative one.
_MIN_IDF = 1e-6


@dataclass(frozen=True, slots=True)
class Corpus:
    """What BM25 knows of all paragraphs: how many, their mean length, each term's spread."""

    paragraphs: int
    terms: int
    spread: dict[str, int]  # term → how many paragraphs hold it

    def idf(self, term: str) -> float:
        held = self.spread.get(term, 0)
        value = math.log((self.paragraphs - held + 0.5) / (held + 0.5))
        return value if value > 0 else _MIN_IDF

    @property
    def mean_length(self) -> float:
        return self.terms / self.paragraphs if self.paragraphs else 1.0


def bm25(corpus: Corpus, phrases: Sequence[str], counts: Mapping[str, int], length: int) -> float:
    """The rank for ``phrases`` of a paragraph of ``length`` terms, holding each phrase
    ``counts[phrase]`` times: lower is better, as in FTS5.

    A phrase given twice counts twice: that is how the rare words of a question weigh more.
    """
    norm = K1 * (1 - B + B * length / corpus.mean_length)
    score = 0.0
    for phrase in phrases:
        found = counts.get(phrase, 0)
        score += corpus.idf(phrase) * found * (K1 + 1) / (found + norm)
    return -score
