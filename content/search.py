"""Search terms: what a text is indexed under, and what a question is looked up by.

A word becomes its term through the one analyzer (content.analyzer), the same that alerts
and topics read words with: normalised, its proclitics and one suffix taken off only where
the language says they are clitics (فقد stays فقد; والنفط and نفطها are نفط). A text that
names a topic is also indexed under the topic itself (t_iran), which is how الإيرانية and طهران
answer a search for إيران, and how English words reach Arabic text: the lexicon's English
forms name topics, and a small
glossary (content/glossary.toml) maps other English words to Arabic ones.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from importlib import resources

from content.arabic import tokens
from content.topics import Lexicon

# A word as written, tashkeel and tatweel included, so that spans point into the original.
_WRITTEN_WORD = re.compile(r"[\w\u0610-\u061a\u064b-\u065f\u0670\u0640]+")
TOPIC_PREFIX = "t_"


@cache
def load_glossary() -> dict[str, str]:
    """English word → the Arabic it stands for, from the shipped glossary."""
    raw = resources.files("content").joinpath("glossary.toml").read_text(encoding="utf-8")
    return {str(key).casefold(): str(value) for key, value in tomllib.loads(raw)["words"].items()}


class Stemming(StrEnum):
    """How far words are cut before they are compared."""

    CLITICS = "clitics"  # proclitics only
    LIGHT = "light"  # proclitics, then one common suffix


@dataclass(frozen=True)
class Analyzer:
    """Turns text into search terms, the same way for the index and for questions."""

    lexicon: Lexicon
    stemming: Stemming = Stemming.LIGHT
    topic_terms: bool = True
    glossary: dict[str, str] = field(default_factory=load_glossary)

    def index_terms(self, text: str, topics: frozenset[str] | None = None) -> list[str]:
        """The terms ``text`` is indexed under; ``topics`` spares finding its topics again.

        A word of the text that looks like a topic term is left out: only the lexicon makes
        topic terms, so no paragraph or question can forge or type one.
        """
        found = self.terms(token for token in tokens(text) if not token.startswith(TOPIC_PREFIX))
        if self.topic_terms:
            named = self.lexicon.topics_in(text) if topics is None else topics
            found += [TOPIC_PREFIX + topic for topic in sorted(named)]
        return found

    def query_terms(self, question: str) -> list[str]:
        """The terms a question looks for: its words, English ones through the glossary."""
        words = [self.glossary.get(token, token) for token in tokens(question)]
        return sorted(set(self.index_terms(" ".join(words))) | set(self.index_terms(question)))

    @property
    def reads_with(self) -> str:
        """What a word's term depends on: the lexicon (its names, the analyzer, the word list
        are in its fingerprint) and how far words are cut. Stored alerts keep it."""
        key = f"{self.lexicon.fingerprint} {self.stemming}"
        return hashlib.sha256(key.encode()).hexdigest()[:32]

    def term(self, token: str) -> str:
        """One token's term, as the lexicon's analyzer reads it (content.analyzer)."""
        return self.lexicon.morphology.term(token, suffixes=self.stemming is Stemming.LIGHT)

    def terms(self, words: Iterable[str]) -> list[str]:
        """``term`` of each of ``words``, in order."""
        if self.stemming is Stemming.LIGHT:
            return self.lexicon.morphology.terms(words)
        return [self.term(word) for word in words]

    def match_spans(self, text: str, wanted: frozenset[str]) -> tuple[tuple[int, int], ...]:
        """(start, end) of each written word in ``text`` that one of ``wanted`` terms found.

        Every hit of every search comes through here, word by word: a word's topics are
        looked up only when a topic term is wanted, and then from the lexicon's cache.
        """
        topics_wanted = any(term.startswith(TOPIC_PREFIX) for term in wanted)
        spans = []
        for match in _WRITTEN_WORD.finditer(text):
            words = tokens(match.group())
            found = {self.term(word) for word in words if not word.startswith(TOPIC_PREFIX)}
            if self.topic_terms and topics_wanted:
                found |= {
                    TOPIC_PREFIX + topic for topic in self.lexicon.word_topics(match.group())
                }
            if wanted & found:
                spans.append(match.span())
        return tuple(spans)
