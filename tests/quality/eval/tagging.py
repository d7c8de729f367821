"""Topic tagging on the labelled articles: paragraph- and bullet-level precision and recall.

``python -m tests.quality.eval.tagging`` prints the table of name sources and trap rules that the
README quotes; tests/quality/test_tagging_quality.py holds the shipped lexicon to its floor.
"""

from __future__ import annotations

import hashlib
import sys
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from content.gazetteer.build import build_specs
from content.parser import parse_file
from content.tagging import article_paragraphs, tag_article
from content.topics import Lexicon, MatchRules, load_lexicon, parse_lexicon

FOLDER = Path(__file__).with_name("topics")
HELD_OUT = FOLDER / "held_out"  # written and labelled after the rules were frozen
HAND_LEXICON = Path(__file__).with_name("lexicon_16.toml")  # the 16 topics before the world
# These labels say what each block *names*; carrying an article's main subject into a block
# that names nothing is measured on the news sets (news.py), whose labels say what it is about.
NAMING = MatchRules(main_subject=False)


@dataclass(frozen=True)
class Block:
    """One labelled paragraph or bullet."""

    article: Path
    text: str
    expected: frozenset[str]


@dataclass(frozen=True)
class Score:
    """Micro-averaged over (block, topic) pairs."""

    true_positives: int
    false_positives: int
    false_negatives: int
    misses: tuple[str, ...]

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 0.0

    @property
    def recall(self) -> float:
        wanted = self.true_positives + self.false_negatives
        return self.true_positives / wanted if wanted else 0.0


def labelled_blocks(folder: Path = FOLDER) -> list[Block]:
    """Every labelled block, each label checked against the words its block starts with."""
    labels = tomllib.loads(folder.joinpath("labels.toml").read_text(encoding="utf-8"))
    blocks = []
    for name, entry in labels.items():
        path = folder / f"{name}.ar.txt"
        article = parse_file(path)
        texts = {"paragraphs": article_paragraphs(article), "bullets": list(article.bullets)}
        for part, lines in texts.items():
            if len(entry[part]) != len(lines):
                raise ValueError(f"{name}: {len(entry[part])} labels for {len(lines)} {part}")
            for label, text in zip(entry[part], lines, strict=True):
                start, _, topics = str(label).partition("|")
                if not text.startswith(start.strip()):
                    raise ValueError(f"{name}: label {label!r} is not for {text[:40]!r}")
                blocks.append(Block(path, text, frozenset(topics.split())))
    return blocks


def score(lexicon: Lexicon, blocks: Iterable[Block] | None = None) -> Score:
    """How well ``lexicon`` tags the labelled blocks, each article tagged as a whole."""
    chosen = list(blocks if blocks is not None else labelled_blocks())
    found = _tags_by_text(lexicon, {block.article for block in chosen})
    true_positives = false_positives = false_negatives = 0
    misses = []
    for block in chosen:
        tagged = found[(block.article, block.text)]
        true_positives += len(tagged & block.expected)
        false_positives += len(tagged - block.expected)
        false_negatives += len(block.expected - tagged)
        if tagged != block.expected:
            extra, missing = sorted(tagged - block.expected), sorted(block.expected - tagged)
            misses.append(f"{block.article.name}: {block.text[:30]}… +{extra} -{missing}")
    return Score(true_positives, false_positives, false_negatives, tuple(misses))


def _tags_by_text(lexicon: Lexicon, articles: set[Path]) -> dict[tuple[Path, str], frozenset[str]]:
    tags = {}
    for name in sorted(articles):
        article = parse_file(name)
        tagged = tag_article(lexicon, article)
        texts = [*article_paragraphs(article), *article.bullets]
        for text, topics in zip(texts, (*tagged.paragraphs, *tagged.bullets), strict=True):
            tags[(name, text)] = topics
    return tags


def source_variants() -> dict[str, Lexicon]:
    """The lexicon built from each source alone, from some together, and as shipped."""
    variants = {"today's 16 topics (hand list)": load_lexicon(HAND_LEXICON, rules=NAMING)}
    for label, sources in (
        ("CLDR names only", {"cldr"}),
        ("iso-codes (pycountry) only", {"pycountry"}),
        ("CLDR + iso-codes + zone cities", {"cldr", "pycountry", "zones"}),
        ("curated only", {"curated"}),
        ("all sources (shipped)", {"cldr", "pycountry", "zones", "curated"}),
    ):
        specs = build_specs(sources)
        variants[label] = Lexicon(specs, hashlib.sha256(label.encode()).hexdigest(), NAMING)
    return variants


def rule_variants() -> dict[str, Lexicon]:
    """The shipped lexicon with each trap rule switched off in turn."""
    specs = parse_lexicon(_shipped_bytes(), "content/topics.toml")
    variants = {}
    for label, rules in (
        ("all rules (shipped)", NAMING),
        ("without: names keep their article", replace(NAMING, definite=False)),
        ("without: longest name wins", replace(NAMING, longest=False)),
        ("without: guarded names", replace(NAMING, guards=False)),
        ("without: not-phrases", replace(NAMING, shadows=False)),
    ):
        variants[label] = Lexicon(specs, label, rules)
    return variants


def _shipped_bytes() -> bytes:
    return (Path(__file__).resolve().parents[3] / "content" / "topics.toml").read_bytes()


def table(variants: dict[str, Lexicon], blocks: list[Block]) -> list[str]:
    """A Markdown table of precision and recall for each variant."""
    rows = ["| lexicon | topics | precision | recall |", "|---|---|---|---|"]
    for label, lexicon in variants.items():
        result = score(lexicon, blocks)
        rows.append(
            f"| {label} | {len(lexicon.topics)} | {result.precision:.3f} | {result.recall:.3f} |"
        )
    return rows


def main() -> int:
    """Print both tables and the shipped lexicon's misses, for each set."""
    out = []
    for label, folder in (("development set", FOLDER), ("held-out set", HELD_OUT)):
        blocks = labelled_blocks(folder)
        topics = {topic for block in blocks for topic in block.expected}
        out += [f"{label}: {len(blocks)} labelled blocks naming {len(topics)} topics", ""]
        out += [*table(source_variants(), blocks), "", *table(rule_variants(), blocks), ""]
        out += [*score(load_lexicon(), blocks).misses, ""]
    sys.stdout.write("\n".join(out) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
