"""Topic tagging on articles the bot never shipped with: precision and recall, sources, rules."""

from __future__ import annotations

from pathlib import Path

import pytest

from content.arabic import tokens
from content.gazetteer.build import build_specs, render_lexicon
from content.topics import Lexicon
from tests.quality.eval.tagging import (
    FOLDER,
    HELD_OUT,
    NAMING,
    Block,
    Score,
    labelled_blocks,
    rule_variants,
    score,
    source_variants,
)

SHIPPED = Path(__file__).resolve().parents[2] / "content" / "topics.toml"
FLOOR = 0.95
# Every trap the lexicon must decide, as it is written somewhere in the labelled articles.
TRAPS = (
    "دعم مالي", "ومالي", "عمان", "سلطنة عمان", "جزائر", "الجزائر", "صلاة المغرب",
    "المغرب العربي", "البحرين الأحمر", "قطر الأنبوب", "ولاية جورجيا", "جورجيا",
    "جنوب السودان", "كوريا الشمالية", "كوريا الجنوبية", "جنوب أفريقيا", "جنوب إفريقيا",
    "مسقط رأسه", "القوة القاهرة", "بحماس كبير", "تنظيم القاعدة", "القاعدة الجوية", "سيول",
    "رياض الأطفال", "خرطوم المياه", "نهر النيجر", "دلتا النيجر", "المحيط الأطلسي",
)  # fmt: skip


def all_blocks() -> list[Block]:
    return labelled_blocks(FOLDER) + labelled_blocks(HELD_OUT)


@pytest.mark.parametrize("folder", [FOLDER, HELD_OUT], ids=["development", "held-out"])
def test_shipped_lexicon_tags_paragraphs_precisely_and_completely(
    lexicon: Lexicon, folder: Path
) -> None:
    naming = Lexicon(lexicon.specs, lexicon.fingerprint, NAMING)
    result = score(naming, labelled_blocks(folder))
    assert result.precision >= FLOOR, result.misses
    assert result.recall >= FLOOR, result.misses


def test_the_set_is_wide_enough_and_every_label_is_a_topic(lexicon: Lexicon) -> None:
    blocks = all_blocks()
    topics = {topic for block in blocks for topic in block.expected}
    assert len({block.article for block in blocks}) >= 8
    assert len(topics) >= 40
    assert topics <= set(lexicon.commands)


def test_every_trap_is_in_the_labelled_articles() -> None:
    corpus = " ".join(" ".join(tokens(block.text)) for block in all_blocks())
    missing = [trap for trap in TRAPS if " ".join(tokens(trap)) not in corpus]
    assert missing == []


def _f1(result: Score) -> float:
    return 2 * result.precision * result.recall / (result.precision + result.recall)


def test_each_trap_rule_earns_its_place() -> None:
    blocks = all_blocks()
    scores = {label: score(lexicon, blocks) for label, lexicon in rule_variants().items()}
    shipped = scores.pop("all rules (shipped)")
    for label, result in scores.items():  # without any one, tagging is worse (F1)
        assert _f1(result) < _f1(shipped), label


def test_the_shipped_sources_beat_each_source_alone() -> None:
    blocks = all_blocks()
    scores = {label: score(lexicon, blocks) for label, lexicon in source_variants().items()}
    shipped = scores.pop("all sources (shipped)")
    for label, result in scores.items():
        assert result.recall < shipped.recall, label
        assert result.precision <= shipped.precision, label


def test_the_shipped_lexicon_is_what_its_sources_generate() -> None:
    """content/topics.toml is generated: edit content/gazetteer/curated.toml, then regenerate."""
    assert render_lexicon(build_specs()) == SHIPPED.read_text(encoding="utf-8")
