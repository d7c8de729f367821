"""Automatic summaries: three to five of the article's own sentences, for articles without one.

Extractive, never abstractive: every bullet is a sentence of the article exactly as written,
so nothing is rewritten or invented. A sentence is chosen for how central it is (how much of
the article's vocabulary it shares, by the one analyzer's terms, weighted by how rare each term
is across the article's sentences), for where it stands (news puts what matters first), and
against repeating what a chosen sentence already says. Measured against editors' bullets in
tests/quality/eval/summaries.py, beside Lead-3 and LexRank.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Sequence
from functools import cache

from content.analyzer import Morphology
from content.arabic import tokens
from content.sentences import split_sentences
from content.words import arabic_vocabulary

# How many bullets: by the article's length in sentences.
_FEWEST, _MOST = 3, 5
_SENTENCES_PER_BULLET = 8
# A sentence this short or long is no bullet (a dateline fragment; a whole paragraph's run-on).
_MIN_WORDS, _MAX_WORDS = 6, 60
_POSITION_WEIGHT = 0.1  # how much standing early counts beside centrality
_REDUNDANCY_WEIGHT = 0.6  # how much overlap with a chosen bullet counts against a sentence

Terms = Callable[[str], list[str]]


@cache
def _morphology() -> Morphology:
    return Morphology(arabic_vocabulary())


def analyzer_terms(text: str) -> list[str]:
    """Words as the one analyzer reads them (والنفط and نفطها are one word), without the
    lexicon's names: a summary is chosen before the article is tagged."""
    morphology = _morphology()
    return [morphology.term(token) for token in tokens(text)]


def summarise(paragraphs: Sequence[str], terms: Terms = analyzer_terms) -> tuple[str, ...]:
    """Three to five sentences of ``paragraphs``, in the order the article has them."""
    sentences = [
        sentence
        for paragraph in paragraphs
        for sentence in split_sentences(paragraph)
        if _MIN_WORDS <= len(sentence.split()) <= _MAX_WORDS
        and not sentence.endswith((":", "："))  # it introduces a quote: no bullet alone
    ]
    if not sentences:
        sentences = [paragraph for paragraph in paragraphs if paragraph.strip()][:_FEWEST]
        return tuple(sentences)
    wanted = max(_FEWEST, min(_MOST, math.ceil(len(sentences) / _SENTENCES_PER_BULLET)))
    bags = [Counter(terms(sentence)) for sentence in sentences]
    weights = _rarity(bags)
    centre = Counter[str]()
    for bag in bags:
        centre.update(bag)
    scores = [
        _cosine(bag, centre, weights) + _POSITION_WEIGHT / (1 + index)
        for index, bag in enumerate(bags)
    ]
    chosen: list[int] = []
    while len(chosen) < min(wanted, len(sentences)):
        best = max(
            (index for index in range(len(sentences)) if index not in chosen),
            key=lambda index: (
                scores[index]
                - _REDUNDANCY_WEIGHT
                * max(
                    (_cosine(bags[index], bags[other], weights) for other in chosen), default=0.0
                )
            ),
        )
        chosen.append(best)
    return tuple(sentences[index] for index in sorted(chosen))


def _rarity(bags: Sequence[Counter[str]]) -> dict[str, float]:
    """Inverse document frequency of each term over the article's sentences."""
    documents = Counter(term for bag in bags for term in bag)
    count = len(bags)
    return {term: math.log((1 + count) / (1 + seen)) + 1 for term, seen in documents.items()}


def _cosine(left: Counter[str], right: Counter[str], weights: dict[str, float]) -> float:
    shared = set(left) & set(right)
    if not shared:
        return 0.0
    dot = sum(left[term] * right[term] * weights[term] ** 2 for term in shared)
    norm_left = math.sqrt(sum((count * weights[term]) ** 2 for term, count in left.items()))
    norm_right = math.sqrt(sum((count * weights[term]) ** 2 for term, count in right.items()))
    return dot / (norm_left * norm_right)
