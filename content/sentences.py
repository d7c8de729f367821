"""Sentence boundaries in Arabic and English text that quotes «…» may nest inside."""

from __future__ import annotations

from collections.abc import Iterator

_TERMINALS = frozenset(".!?؟…")
_OPENERS = {"«": "»", "“": "”"}
_CLOSERS = frozenset(_OPENERS.values())
_TOGGLES = frozenset('"')


def split_sentences(text: str) -> list[str]:
    """Split ``text`` into sentences, never inside a quotation.

    A sentence ends at a run of ``. ! ? ؟ …`` that stands outside every quotation and is
    followed by white space or the end of the text, so «… 20 دولة. وأضاف …» stays whole,
    ``..`` inside a quote is no boundary, and 3.5 is no boundary either. When the quotes of
    the text do not balance, quotation is ignored rather than letting one stray « swallow
    the rest of the text.
    """
    ends = list(_boundaries(text, honour_quotes=True))
    if ends and ends[-1] < 0:
        ends = list(_boundaries(text, honour_quotes=False))
    pieces: list[str] = []
    start = 0
    for end in ends:
        pieces.append(text[start:end].strip())
        start = end
    pieces.append(text[start:].strip())
    return [piece for piece in pieces if piece]


def _boundaries(text: str, *, honour_quotes: bool) -> Iterator[int]:
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
        elif char in _TERMINALS and depth == 0 and not toggled:
            end = _end_of_run(text, index)
            if end == len(text) or text[end].isspace():
                yield end
            index = end
            continue
        index += 1
    if depth or toggled:
        yield -1


def _end_of_run(text: str, index: int) -> int:
    while index < len(text) and text[index] in _TERMINALS:
        index += 1
    return index
