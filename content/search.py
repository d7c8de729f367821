"""Search terms: the normalised, clitic-stripped form text is indexed and queried under."""

from __future__ import annotations

import re

from content.arabic import base_form, tokens

# A word as written, tashkeel and tatweel included, so that spans point into the original.
_WRITTEN_WORD = re.compile(r"[\w\u0610-\u061a\u064b-\u065f\u0670\u0640]+")


def terms(text: str, protected: frozenset[str]) -> list[str]:
    """The search terms of ``text``, in order; ``protected`` names are never cut shorter."""
    return [base_form(token, protected) for token in tokens(text)]


def match_spans(
    text: str, wanted: frozenset[str], protected: frozenset[str]
) -> tuple[tuple[int, int], ...]:
    """(start, end) of each written word in ``text`` whose term is in ``wanted``."""
    return tuple(
        match.span()
        for match in _WRITTEN_WORD.finditer(text)
        if wanted.intersection(terms(match.group(), protected))
    )
