"""How common each Arabic word is: the evidence the analyzer reads words by.

The list is wordfreq's Arabic "large" list (news, Wikipedia, subtitles, books and the web),
folded with :func:`content.arabic.normalise` so that every spelling of one word counts as
that word. Frequencies are Zipf values: 7 for the commonest words (في، من), 3 for a word met
about once in a million, 0 for one the list does not have.

Only words at or above :data:`FLOOR` are kept (about 109 000), so the table costs a few
megabytes, not the hundred that the whole list takes.
"""

from __future__ import annotations

import contextlib
import hashlib
import inspect
import io
import logging
import os
import tempfile
from collections.abc import Callable, Mapping
from functools import cache
from importlib.metadata import version
from math import log10
from pathlib import Path

from content import arabic as normalise_module
from content.arabic import normalise
from content.files import UnreadableFileError, read_regular_file

logger = logging.getLogger(__name__)

FLOOR = 2.5  # Zipf; rarer words read as unknown, which is how the analyzer treats them
_LANGUAGE = "ar"
_LIST = "large"
# wordfreq's list is binned by centibels: bin i holds the words of frequency 10^(-i/100).
_BINS_PER_ZIPF = 100
_ZIPF_OF_BIN_ZERO = 9.0
_MAX_CACHE_BYTES = 16 * 1024 * 1024  # the table is about 3 MB


class Vocabulary:
    """Word (normalised) → Zipf frequency; a word it lacks has 0."""

    def __init__(self, zipf: Mapping[str, float], source: str) -> None:
        # Kept as given when it is a dict already: a second copy of 100 000 words is 4 MB
        # more at every worker's start.
        self._zipf = zipf if isinstance(zipf, dict) else dict(zipf)
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
    """The Arabic vocabulary, read once per process.

    Folding wordfreq's whole list takes about three seconds and 100 MB at its peak, so the
    folded table is kept in the cache folder (MOJAZ_CACHE_DIR, else XDG_CACHE_HOME/mojaz,
    else ~/.cache/mojaz) under a name that changes with wordfreq's version and with how
    words are folded; from there it loads in a tenth of a second. A cache that cannot be
    read or written is rebuilt from wordfreq and the bot goes on.
    """
    source = f"wordfreq {version('wordfreq')} {_LANGUAGE}/{_LIST} ≥{FLOOR}"
    path = _cache_folder() / f"words-{_cache_key(source)}.tsv"
    table = _read_cache(path)
    if table is None:
        # Imported here: wordfreq and what it brings hold 15 MB in every worker otherwise,
        # and it is needed only on a machine's first start (or a new wordfreq).
        from wordfreq import get_frequency_list  # noqa: PLC0415

        table = zipf_table(get_frequency_list(_LANGUAGE, _LIST), normalise)
        get_frequency_list.cache_clear()  # its whole list is 70 MB: keep only our table
        _write_cache(path, table)
    return Vocabulary(table, source)


def _cache_folder() -> Path:
    explicit = os.environ.get("MOJAZ_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "mojaz"


def _cache_key(source: str) -> str:
    """Changes with the list and with the folding (content/arabic.py's source)."""
    folding = inspect.getsource(normalise_module).encode()
    return hashlib.sha256(source.encode() + folding).hexdigest()[:16]


def _read_cache(path: Path) -> dict[str, float] | None:
    """The table a worker wrote before: a word and its Zipf value a line, read a line at a
    time, so that a start holds the table and the file's bytes, no copy of either."""
    try:
        data = read_regular_file(path, _MAX_CACHE_BYTES)
    except UnreadableFileError:
        return None
    values: dict[float, float] = {}  # the words share a few hundred values: one object each
    table: dict[str, float] = {}
    try:
        for line in io.BytesIO(data):
            word, _, zipf = line.decode().rstrip("\n").partition("\t")
            value = float(zipf)
            table[word] = values.setdefault(value, value)
    except ValueError:  # a line that is not ours (UnicodeDecodeError is one): rebuilt
        return None
    return table or None  # an empty file is no table


def _write_cache(path: Path, table: dict[str, float]) -> None:
    """Write the table whole or not at all (a temporary file renamed into place)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    except OSError as error:
        logger.info("The word list is not cached (%s): it is folded again next start", error)
        return
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            file.writelines(f"{word}\t{zipf}\n" for word, zipf in table.items())
        os.replace(temporary, path)
    except OSError as error:
        logger.info("The word list is not cached (%s): it is folded again next start", error)
        with contextlib.suppress(OSError):
            os.unlink(temporary)
