"""The word list's folded table: built from wordfreq once, then read from the cache."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

from content import words

BINS = [[], [], ["في", "إلى"], ["الأردن", "الاردن"]]


@pytest.fixture
def small_list(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[list[int]]:
    """wordfreq's list replaced by four bins, counting how often it is read."""
    reads: list[int] = []

    @cache
    def frequency_list(_language: str, _list: str) -> list[list[str]]:
        reads.append(1)
        return BINS

    monkeypatch.setattr("wordfreq.get_frequency_list", frequency_list)  # imported when built
    monkeypatch.setenv("MOJAZ_CACHE_DIR", str(tmp_path / "cache"))
    words.arabic_vocabulary.cache_clear()
    yield reads
    words.arabic_vocabulary.cache_clear()


def fresh() -> words.Vocabulary:
    words.arabic_vocabulary.cache_clear()
    return words.arabic_vocabulary()


def test_spellings_of_one_word_are_summed_and_the_table_is_cached(
    small_list: list[int], tmp_path: Path
) -> None:
    built = fresh()
    assert built.zipf("الاردن") > built.zipf("في") - 0.02 > 0  # two spellings, one word
    assert built.zipf("غائب") == 0
    read_back = fresh()
    assert len(small_list) == 1  # the second start read the cache, not wordfreq
    assert read_back.zipf("الاردن") == built.zipf("الاردن")
    assert len(list((tmp_path / "cache").glob("words-*.tsv"))) == 1


@pytest.mark.parametrize("content", [b"{not ours", b"word\thigh\n", b"\xff\t1.5\n", b""])
def test_a_cache_that_is_not_ours_is_rebuilt_and_written_over(
    small_list: list[int], tmp_path: Path, content: bytes
) -> None:
    fresh()
    (cached,) = (tmp_path / "cache").glob("words-*.tsv")
    cached.write_bytes(content)
    assert fresh().zipf("في") > 0
    assert len(small_list) == 2
    assert cached.read_bytes() != content


def test_a_cache_folder_that_cannot_be_written_leaves_the_bot_working(
    small_list: list[int], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    monkeypatch.setenv("MOJAZ_CACHE_DIR", str(blocked / "cache"))
    assert fresh().zipf("في") > 0
    assert fresh().zipf("في") > 0
    assert len(small_list) == 2  # folded each time, as nothing could be kept
