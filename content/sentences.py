"""Sentence boundaries in Arabic and English text that quotes «…» may nest inside."""

from __future__ import annotations

from collections.abc import Iterator

SENTENCE_ENDS = frozenset(".!?؟…")
# Where a too-long paragraph may be cut: sentence ends, and the Arabic semicolon ؛ too.
CLAUSE_ENDS = SENTENCE_ENDS | {"؛"}
_OPENERS = {"«": "»", "“": "”"}
_CLOSERS = frozenset(_OPENERS.values())
_TOGGLES = frozenset('"')


def split_sentences(text: str, ends: frozenset[str] = SENTENCE_ENDS) -> list[str]:
    """Split ``text`` into sentences, never inside a quotation.

    A sentence ends at a run of ``. ! ? ؟ …`` that stands outside every quotation and is
    followed by white space or the end of the text, so «… 20 دولة. وأضاف …» stays whole,
    ``..`` inside a quote is no boundary, and 3.5 is no boundary either. When the quotes of
    the text do not balance, quotation is ignored rather than letting one stray « swallow
    the rest of the text.
    """
    cuts = list(_boundaries(text, ends, honour_quotes=True))
    if cuts and cuts[-1] < 0:
        cuts = list(_boundaries(text, ends, honour_quotes=False))
    pieces: list[str] = []
    start = 0
    for end in cuts:
        pieces.append(text[start:end].strip())
        start = end
    pieces.append(text[start:].strip())
    return [piece for piece in pieces if piece]


def _boundaries(text: str, ends: frozenset[str], *, honour_quotes: bool) -> Iterator[int]:
    """Yield the index after each sentence end; a final -1 means the quotes did not balance."""
    depth = 0
    toggled = False
    index = 0
    while index < len(text):
        char = text[index]
        if honour_quotes and char in _OPENERS:
            depth += 1
        elif honour_quotes and char in _CLOSERS:
            depth -= 1
            if depth < 0:
                yield -1
                return
        elif honour_quotes and char in _TOGGLES:
            toggled = not toggled
        elif char in ends and depth == 0 and not toggled:
            end = _end_of_run(text, index, ends)
            if end == len(text) or text[end].isspace():
                yield end
            index = end
            continue
        index += 1
    if depth or toggled:
        yield -1


def _end_of_run(text: str, index: int, ends: frozenset[str]) -> int:
    while index < len(text) and text[index] in ends:
        index += 1
    return index
