"""Newsroom copy as it really is: every file of the set is read as its writer said it must be."""

from __future__ import annotations

import pytest

from tests.quality.eval.newsroom import differences, expectations

ENTRIES = expectations()


def test_the_set_covers_every_shape() -> None:
    assert len(ENTRIES) >= 30
    assert sum(entry["rejected"] for entry in ENTRIES) >= 6
    assert sum(entry.get("summary") == "automatic" for entry in ENTRIES) >= 2


@pytest.mark.parametrize("entry", ENTRIES, ids=[entry["name"] for entry in ENTRIES])
def test_each_file_is_read_as_its_writer_expects(entry: dict[str, object]) -> None:
    assert differences(entry) == []
