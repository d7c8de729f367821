"""How common each Arabic word is: the evidence the analyzer reads words by.

The list is wordfreq's Arabic "large" list (news, Wikipedia, subtitles, books and the web),
folded with :func:`content.arabic.normalise` so that every spelling of one word counts as
that word. Frequencies are Zipf values: 7 for the commonest words (في، من), 3 for a word met
about once in a million, 0 for one the list does not have.

Only words at or above :data:`FLOOR` are kept (about 109 000), so the table costs a few
megabytes, not the hundred that the whole list takes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache
from importlib.metadata import version
from math import log10

from wordfreq import get_frequency_list

from content.arabic import normalise

FLOOR = 2.5  # Zipf; rarer words read as unknown, which is how the analyzer treats them
_LANGUAGE = "ar"
_LIST = "large"
# wordfreq's list is binned by centibels: bin i holds the words of frequency 10^(-i/100).
_BINS_PER_ZIPF = 100
_ZIPF_OF_BIN_ZERO = 9.0


class Vocabulary:
    """Word (normalised) → Zipf frequency; a word it lacks has 0."""

    def __init__(self, zipf: Mapping[str, float], source: str) -> None:
        self._zipf = dict(zipf)
        self.source = source

    def zipf(self, word: str) -> float:
        """How common ``word`` (already normalised) is; 0 when the list lacks it."""
        return self._zipf.get(word, 0.0)

    def __len__(self) -> int:
        return len(self._zipf)


def zipf_table(bins: list[list[str]], fold: Callable[[str], str]) -> dict[str, float]:
    """Zipf of each folded word of wordfreq's ``bins``, the spellings of one word summed."""
    frequency: dict[str, float] = {}
    last_bin = int((_ZIPF_OF_BIN_ZERO - FLOOR) * _BINS_PER_ZIPF)
    for index, words in enumerate(bins[: last_bin + 1]):
        share = 10 ** (-index / _BINS_PER_ZIPF)
        for word in words:
            key = fold(word)
            frequency[key] = frequency.get(key, 0.0) + share
    return {word: _zipf(share) for word, share in frequency.items()}


def _zipf(frequency: float) -> float:
    return round(log10(frequency) + _ZIPF_OF_BIN_ZERO, 2)


@cache
def arabic_vocabulary() -> Vocabulary:
    """The shipped Arabic vocabulary, read once per process (about half a second)."""
    bins = get_frequency_list(_LANGUAGE, _LIST)
    source = f"wordfreq {version('wordfreq')} {_LANGUAGE}/{_LIST} ≥{FLOOR}"
    vocabulary = Vocabulary(zipf_table(bins, normalise), source)
    get_frequency_list.cache_clear()  # its whole list is 70 MB: keep only our table
    return vocabulary
