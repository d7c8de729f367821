"""What the bot says in its own words, in each language (article text is never here).

The strings live in ``locales/<language>.toml`` beside this module, one file a language
with the same keys and the same {placeholders} (a test checks). To add a language, add its
file and its code to LANGUAGES.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from functools import cache
from importlib import resources

from handlers.presentation.bidi import isolate

LANGUAGES = ("ar", "en")
DEFAULT_LANGUAGE = "ar"  # the articles are Arabic: so is a chat that has said nothing


class Texts:
    """The strings of one language, as attributes: ``texts.START``."""

    def __init__(self, language: str, entries: dict[str, str]) -> None:
        self.language = language
        self._entries = entries

    def __getattr__(self, key: str) -> str:
        try:
            return self._entries[key]
        except KeyError:
            raise AttributeError(f"no text {key!r} in the {self.language} catalogue") from None

    def say(self, key: str, **values: object) -> str:
        """The text ``key`` with ``values`` filled in, opposite-direction runs isolated.

        For the bot's own lines only: article text keeps its own direction and is never
        passed through here, except as a value quoted inside such a line.
        """
        return isolate(self._entries[key].format(**values), self.rtl)

    def join(self, items: Iterable[str]) -> str:
        """Items as a list in this language: the Arabic comma in Arabic, ", " otherwise."""
        return ("، " if self.rtl else ", ").join(items)

    @property
    def rtl(self) -> bool:
        """Whether this language is written right to left."""
        return self.language == "ar"


@cache
def catalogue() -> dict[str, dict[str, str]]:
    """Every language's strings, read once from the package's locale files."""
    folder = resources.files("handlers.presentation").joinpath("locales")
    entries = {}
    for language in LANGUAGES:
        data = tomllib.loads(folder.joinpath(f"{language}.toml").read_text(encoding="utf-8"))
        entries[language] = {str(key): str(value) for key, value in data.items()}
    return entries


def texts_for(language: str | None) -> Texts:
    """The strings of ``language``; the default language's when it is not one we speak."""
    chosen = language if language in LANGUAGES else DEFAULT_LANGUAGE
    return Texts(chosen, catalogue()[chosen])


def language_of_user(language_code: str | None) -> str:
    """Arabic for a Telegram user whose app is in Arabic, English for everyone else."""
    return "ar" if (language_code or "").lower().startswith("ar") else "en"
