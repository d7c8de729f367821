"""Topics on news nobody tuned for: the labelled articles of tests/quality/eval/news/.

Each article ``<slug>.ar.txt`` has a label file ``<slug>.toml`` written by the reader who wrote
it: every title, paragraph and bullet in order with the topics it is *about*, and the traps it
holds, each with its class (a place name that is an ordinary word, a place inside another name,
a nickname …). ``dev/`` is what the rules were developed on; ``held_out/`` was written after
they were frozen, once (``held_out/``) and again after a second round on the development set
(``held_out_2/``). ``python -m tests.quality.eval.news`` prints the report the README quotes.
"""

from __future__ import annotations

import sys
import tomllib
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from content.parser import parse_file
from content.tagging import article_paragraphs, tag_article
from content.topics import Lexicon, load_lexicon

NEWS = Path(__file__).with_name("news")
DEV = NEWS / "dev"
HELD_OUT = NEWS / "held_out"  # written after the first freeze (975a80c)
HELD_OUT_2 = NEWS / "held_out_2"  # written after the second (ac65f3b), measured once


@dataclass(frozen=True)
class Trap:
    """A phrase of a block that stands, or does not stand, for a topic."""

    kind: str
    text: str
    topic: str
    refers: bool


@dataclass(frozen=True)
class NewsBlock:
    """One labelled block of one article, with the topics the tagger gave it."""

    article: str
    kind: str  # of news: sports, economy …
    text: str
    expected: frozenset[str]
    found: frozenset[str]
    traps: tuple[Trap, ...]


@dataclass
class Tally:
    """Micro-averaged counts over (block, topic) pairs."""

    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0
    true_negatives: int = 0
    wrong: list[str] = field(default_factory=list)

    def add(self, expected: bool, found: bool, what: str) -> None:
        self.true_negatives += not (expected or found)
        self.true_positives += expected and found
        self.false_positives += found and not expected
        self.false_negatives += expected and not found
        if expected != found:
            self.wrong.append(("missed " if expected else "false ") + what)

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        wanted = self.true_positives + self.false_negatives
        return self.true_positives / wanted if wanted else 1.0


def news_blocks(lexicon: Lexicon, folder: Path) -> list[NewsBlock]:
    """Every labelled block of ``folder``, each article tagged as a whole."""
    blocks: list[NewsBlock] = []
    for path in sorted(folder.glob("*.ar.txt")):
        labels = tomllib.loads(path.with_name(path.name[: -len(".ar.txt")] + ".toml").read_text())
        article = parse_file(path)
        tags = tag_article(lexicon, article)
        texts = [*article_paragraphs(article), *article.bullets]
        found = [*tags.paragraphs, *tags.bullets]
        # Without a title line the parser names the article by its summary's heading; a
        # headline too long to be a title is read as the lead's first paragraph instead.
        if article.title != article.summary_title:
            texts.insert(0, article.title)
            found.insert(0, tags.title)
        entries = labels["block"]
        if len(entries) != len(texts):
            raise ValueError(f"{path.name}: {len(entries)} labels for {len(texts)} blocks")
        for entry, text, topics in zip(entries, texts, found, strict=True):
            if not text.startswith(entry["start"]):
                raise ValueError(f"{path.name}: label {entry['start']!r} is not for {text[:40]!r}")
            traps = tuple(
                Trap(trap["class"], trap["text"], trap["topic"], trap["refers"])
                for trap in entry.get("traps", ())
            )
            blocks.append(
                NewsBlock(
                    path.name, labels["kind"], text, frozenset(entry["about"]), topics, traps
                )
            )
    return blocks


def overall(blocks: list[NewsBlock]) -> Tally:
    """Every (block, topic) pair either side names."""
    tally = Tally()
    for block in blocks:
        for topic in sorted(block.expected | block.found):
            what = f"{topic} in {block.article}: {block.text[:50]}"
            tally.add(topic in block.expected, topic in block.found, what)
    return tally


def by_trap(blocks: list[NewsBlock]) -> dict[str, Tally]:
    """Per class of trap: each trap's (block, topic) pair, as labelled against as tagged."""
    tallies: dict[str, Tally] = defaultdict(Tally)
    for block in blocks:
        for trap in block.traps:
            what = f"{trap.topic} «{trap.text}» in {block.article}"
            tallies[trap.kind].add(trap.topic in block.expected, trap.topic in block.found, what)
    return dict(sorted(tallies.items()))


def false_article_topics(blocks: list[NewsBlock]) -> list[str]:
    """Topics an article's /topics list would show that no block of it is about."""
    expected: dict[str, set[str]] = defaultdict(set)
    found: dict[str, set[str]] = defaultdict(set)
    for block in blocks:
        expected[block.article] |= block.expected
        found[block.article] |= block.found
    return [
        f"{article}: {topic}"
        for article in sorted(found)
        for topic in sorted(found[article] - expected[article])
    ]


def report(lexicon: Lexicon, folder: Path) -> str:
    blocks = news_blocks(lexicon, folder)
    lines = [f"{folder.name}: {len({b.article for b in blocks})} articles, {len(blocks)} blocks"]
    total = overall(blocks)
    lines.append(f"  all pairs        P {total.precision:.3f}  R {total.recall:.3f}")
    for kind, tally in by_trap(blocks).items():
        traps = tally.true_positives + tally.false_positives + tally.false_negatives
        traps += tally.true_negatives
        lines.append(
            f"  {kind:16} P {tally.precision:.3f}  R {tally.recall:.3f}"
            f"  ({traps} traps, {len(tally.wrong)} decided wrong)"
        )
    lines.append(f"  false topics in /topics lists: {len(false_article_topics(blocks))}")
    return "\n".join(lines)


if __name__ == "__main__":
    shipped = load_lexicon()
    folders = [Path(arg) for arg in sys.argv[1:]] or [DEV, HELD_OUT, HELD_OUT_2]
    print("\n".join(report(shipped, folder) for folder in folders if folder.is_dir()))
