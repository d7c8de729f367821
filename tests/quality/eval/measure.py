"""Search quality on the labelled questions: recall@3 and MRR for each way of making terms."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from content.library import ingest_directory
from content.ports import ArticleStore
from content.search import Analyzer, Stemming
from content.storage.sqlite.store import Store
from content.topics import Lexicon

QUERIES = Path(__file__).with_name("queries.toml")
SEEDS = Path(__file__).resolve().parents[3] / "seeds"
ARTICLES = {"brics": "brics-kazan-summit-ar", "egypt": "2024-03-egypt-imf-loan-ar",
            "grain": "2024-06-black-sea-grain-ar"}  # fmt: skip
DEPTH = 10


@dataclass(frozen=True)
class Quality:
    """How well one analyzer answers the labelled questions."""

    name: str
    recall_at_3: float
    mrr: float
    questions: int


def variants(lexicon: Lexicon) -> dict[str, Analyzer]:
    """The ways of making terms that were measured; the shipped one is "light + topics"."""
    return {
        "clitics only": Analyzer(lexicon, Stemming.CLITICS, topic_terms=False),
        "clitics + topics": Analyzer(lexicon, Stemming.CLITICS, topic_terms=True),
        "light": Analyzer(lexicon, Stemming.LIGHT, topic_terms=False),
        "light + topics": Analyzer(lexicon, Stemming.LIGHT, topic_terms=True),
    }


async def measure(name: str, analyzer: Analyzer, lexicon: Lexicon, folder: Path) -> Quality:
    """Ingest the seeds with ``analyzer`` into a SQLite store and score every question."""
    async with await Store.open(folder / f"{name}.sqlite3", lexicon, analyzer) as store:
        return await score(name, store)


async def score(name: str, store: ArticleStore) -> Quality:
    """Ingest the seeds into ``store``, of any backend, and score every labelled question."""
    questions = tomllib.loads(QUERIES.read_text(encoding="utf-8"))["query"]
    await ingest_directory(store, SEEDS)
    found_in_3, reciprocal = 0, 0.0
    for question in questions:
        wanted = {_key(item) for item in question["relevant"]}
        hits = await store.search(question["text"], limit=DEPTH)
        ranks = [
            rank
            for rank, hit in enumerate(hits, 1)
            if (hit.article.slug, hit.paragraph.section, hit.paragraph.position) in wanted
        ]
        found_in_3 += bool(ranks and ranks[0] <= 3)
        reciprocal += 1 / ranks[0] if ranks else 0.0
    count = len(questions)
    return Quality(name, found_in_3 / count, reciprocal / count, count)


def _key(item: str) -> tuple[str, int, int]:
    article, _, place = item.partition(":")
    section, _, position = place.partition(".")
    return ARTICLES[article], int(section), int(position)
