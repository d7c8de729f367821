"""The topic lexicon: which whole words name which topic, and tagging text with topics."""

from __future__ import annotations

import hashlib
import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from content.arabic import clitic_variants, tokens

# Endings of a nisba adjective after its final ي (ـي ـية ـيون ـيين ـيان ـيتان ـيات), written
# as they read after normalisation (ة → ه).
_NISBA_ENDINGS = ("", "ه", "ون", "ين", "ان", "تان", "ات")
_COMMAND_NAME = re.compile(r"[a-z0-9_]{1,32}")
_ARTICLE = "ال"


class LexiconError(ValueError):
    """The topic lexicon file is malformed."""


@dataclass(frozen=True, slots=True)
class Topic:
    """One topic: its command, its labels and the normalised words that name it."""

    command: str
    label_ar: str
    label_en: str
    words: frozenset[str]
    phrases: tuple[tuple[str, ...], ...]

    def label(self, language: str) -> str:
        """The topic's name in ``language`` (Arabic for "ar", English otherwise)."""
        return self.label_ar if language == "ar" else self.label_en


class Lexicon:
    """All topics, indexed for whole-word matching."""

    def __init__(self, topics: Sequence[Topic], fingerprint: str) -> None:
        self.topics: tuple[Topic, ...] = tuple(topics)
        self.fingerprint = fingerprint
        self._by_command = {topic.command: topic for topic in self.topics}
        self._word_topics: dict[str, set[str]] = {}
        # Phrases by their first word, so a text is scanned once, not once per phrase.
        self._phrases_by_first: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
        for topic in self.topics:
            for word in topic.words:
                self._word_topics.setdefault(word, set()).add(topic.command)
            for phrase in topic.phrases:
                self._phrases_by_first.setdefault(phrase[0], []).append((topic.command, phrase))
        self.protected_words = frozenset(self._word_topics) | {
            word for topic in self.topics for phrase in topic.phrases for word in phrase
        }

    def get(self, command: str) -> Topic | None:
        """The topic with this command name, if any."""
        return self._by_command.get(command)

    def ordered(self, commands: Iterable[str]) -> list[Topic]:
        """The topics named in ``commands``, in lexicon order."""
        wanted = set(commands)
        return [topic for topic in self.topics if topic.command in wanted]

    def topics_in(self, text: str) -> frozenset[str]:
        """Commands of the topics that ``text`` names, by whole words, never substrings."""
        readings = [set(clitic_variants(token)) for token in tokens(text)]
        found: set[str] = set()
        for start, token_readings in enumerate(readings):
            for reading in token_readings:
                found |= self._word_topics.get(reading, set())
                for command, phrase in self._phrases_by_first.get(reading, ()):
                    if command not in found and _phrase_at(readings, start, phrase):
                        found.add(command)
        return frozenset(found)


def _phrase_at(readings: list[set[str]], start: int, phrase: tuple[str, ...]) -> bool:
    """Whether ``phrase`` is read at ``start``, one of each word's readings per word."""
    window = readings[start : start + len(phrase)]
    return len(window) == len(phrase) and all(
        word in options for word, options in zip(phrase, window, strict=True)
    )


def load_lexicon(path: Path | None = None) -> Lexicon:
    """Read the lexicon from ``path``, or the one shipped with the package."""
    raw = (
        path.read_bytes()
        if path
        else resources.files("content").joinpath("topics.toml").read_bytes()
    )
    try:
        data = tomllib.loads(raw.decode("utf-8"))
        topics = [_topic_from_entry(entry) for entry in data["topic"]]
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, KeyError, TypeError) as error:
        raise LexiconError(f"topic lexicon is malformed: {error}") from error
    _check_unique([topic.command for topic in topics])
    return Lexicon(topics, hashlib.sha256(raw).hexdigest())


def _topic_from_entry(entry: dict[str, object]) -> Topic:
    command = str(entry["command"])
    if not _COMMAND_NAME.fullmatch(command):
        raise LexiconError(f"topic command {command!r} is not a valid Telegram command name")
    words: set[str] = set()
    phrases: list[tuple[str, ...]] = []
    for form in _strings(entry.get("names", [])) + _strings(entry.get("english", [])):
        _add_form(_form_words(form), words, phrases)
    for adjective in _strings(entry.get("adjectives", [])):
        for word in _form_words(adjective):
            words.update(word + ending for ending in _NISBA_ENDINGS)
    return Topic(
        command=command,
        label_ar=str(entry["label_ar"]),
        label_en=str(entry["label_en"]),
        words=frozenset(words),
        phrases=tuple(phrases),
    )


def _add_form(form: tuple[str, ...], words: set[str], phrases: list[tuple[str, ...]]) -> None:
    if len(form) == 1:
        words.add(form[0])
    elif form:
        phrases.append(form)


def _form_words(form: str) -> tuple[str, ...]:
    """A lexicon form as normalised words without the article, as text tokens are matched."""
    return tuple(_without_article(word) for word in tokens(form))


def _without_article(word: str) -> str:
    if word.startswith(_ARTICLE) and len(word) > len(_ARTICLE) + 1:
        return word[len(_ARTICLE) :]
    return word


def _strings(value: object) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise LexiconError(f"expected a list of strings, got {value!r}")
    return list(value)


def _check_unique(commands: list[str]) -> None:
    duplicates = {command for command in commands if commands.count(command) > 1}
    if duplicates:
        raise LexiconError(f"topic commands appear twice: {', '.join(sorted(duplicates))}")
