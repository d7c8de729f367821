"""Topics on news nobody tuned for (tests/quality/eval/news): the figures the README reports.

The floors sit just under what was measured (docs/topics.md), so a change that makes tagging
worse on any set fails here; the goals (0.97 / 0.95) are not yet met, and the README says so.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from content.topics import Lexicon, MatchRules, load_lexicon
from tests.quality.eval.news import DEV, HELD_OUT, HELD_OUT_2, by_trap, news_blocks, overall

FLOORS = {DEV: (0.89, 0.87), HELD_OUT: (0.86, 0.84), HELD_OUT_2: (0.88, 0.76)}


@pytest.mark.parametrize(
    "folder", [DEV, HELD_OUT, HELD_OUT_2], ids=["development", "held-out", "held-out 2"]
)
def test_topics_hold_up_on_unseen_news(lexicon: Lexicon, folder: Path) -> None:
    blocks = news_blocks(lexicon, folder)
    result = overall(blocks)
    precision_floor, recall_floor = FLOORS[folder]
    assert result.precision >= precision_floor, result.wrong
    assert result.recall >= recall_floor, result.wrong


def test_the_sets_are_as_wide_as_promised(lexicon: Lexicon) -> None:
    dev = news_blocks(lexicon, DEV)
    held_out = news_blocks(lexicon, HELD_OUT) + news_blocks(lexicon, HELD_OUT_2)
    assert len({block.article for block in dev}) >= 40
    assert len({block.article for block in held_out}) >= 24
    assert len({block.kind for block in dev}) >= 8
    labelled = {topic for block in dev + held_out for topic in block.expected}
    assert labelled <= set(lexicon.commands)


@pytest.mark.parametrize(
    ("rule", "trap"),
    [
        ("back_references", "back_reference"),
        ("variants", "transliteration"),
        ("main_subject", "main_subject"),
    ],
)
def test_each_class_rule_earns_its_place_on_the_development_set(
    lexicon: Lexicon, rule: str, trap: str
) -> None:
    without = load_lexicon(rules=replace(MatchRules(), **{rule: False}))
    shipped = by_trap(news_blocks(lexicon, DEV))[trap]
    assert by_trap(news_blocks(without, DEV))[trap].recall < shipped.recall
