"""The world lexicon against the 16 topics it replaced: ingest speed, memory, start-up.

In one run, for each lexicon: the time and memory to load it (what start-up pays), then
the same generated articles (sentences of the shipped and the evaluation articles,
recombined) ingested into a fresh store, articles per second. Prints each figure and the
ratios world ÷ 16; the targets are ingest ≥ 0.8 × and start-up + ≤ 1 s.

    python bench/lexicon.py                 # 400 articles, 3 rounds
    python bench/lexicon.py --articles 60   # the smoke run CI does
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from search import generate  # noqa: E402  (bench/search.py, beside this file)

from content.parser import parse_article, parse_file  # noqa: E402
from content.storage.sqlite.store import Store  # noqa: E402
from content.topics import Lexicon, load_lexicon  # noqa: E402
from content.words import arabic_vocabulary  # noqa: E402

HAND_LEXICON = ROOT / "tests" / "quality" / "eval" / "lexicon_16.toml"
SOURCES = [ROOT / "seeds", ROOT / "tests" / "quality" / "eval" / "topics"]


def sentences() -> tuple[list[str], list[str], list[str]]:
    """Paragraphs, headings and bullets of the shipped and the evaluation articles."""
    paragraphs, headings, bullets = [], [], []
    for folder in SOURCES:
        for path in sorted(folder.glob("*.txt")):
            article = parse_file(path)
            paragraphs += [*article.lead, *(p for s in article.sections for p in s.paragraphs)]
            headings += [section.heading for section in article.sections]
            bullets += list(article.bullets)
    return paragraphs, headings, bullets


def articles(count: int) -> list[bytes]:
    """``count`` articles in the seed's shape, as the search benchmark makes them."""
    rng = random.Random(count)
    words = sentences()
    return [generate(number, rng, words) for number in range(count)]


def load(path: Path | None) -> tuple[Lexicon, float, float]:
    """The lexicon, the seconds it took to load, and the MB it holds (traced)."""
    tracemalloc.start()
    started = time.perf_counter()
    lexicon = load_lexicon(path)
    seconds = time.perf_counter() - started
    size, _peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return lexicon, seconds, size / 1e6


async def ingest_rate(lexicon: Lexicon, texts: list[bytes]) -> float:
    """Articles per second ingested into a fresh store with ``lexicon``."""
    with tempfile.TemporaryDirectory() as folder:
        async with await Store.open(Path(folder) / "bench.sqlite3", lexicon) as store:
            started = time.perf_counter()
            for number, text in enumerate(texts):
                await store.ingest(parse_article(text, Path(f"a{number}.txt")), f"a{number}")
            return len(texts) / (time.perf_counter() - started)


async def main(count: int, rounds: int) -> None:
    """Measure both lexicons, alternating rounds so neither gets the warmer machine."""
    texts = articles(count)
    started = time.perf_counter()
    arabic_vocabulary()  # the analyzer's word list, shared by both lexicons: timed on its own
    vocabulary_seconds = time.perf_counter() - started
    lexicons = {"16 topics": load(HAND_LEXICON), "world": load(None)}
    rates: dict[str, list[float]] = {name: [] for name in lexicons}
    for _ in range(rounds):
        for name, (lexicon, _, _) in lexicons.items():
            rates[name].append(await ingest_rate(lexicon, texts))
    print(f"{count} articles, best of {rounds} rounds each")
    print(f"{'lexicon':<10} {'topics':>6} {'load s':>8} {'load MB':>8} {'ingest/s':>9}")
    for name, (lexicon, seconds, megabytes) in lexicons.items():
        topics = len(lexicon.topics)
        print(f"{name:<10} {topics:>6} {seconds:>8.3f} {megabytes:>8.1f} {max(rates[name]):>9.1f}")
    ratio = max(rates["world"]) / max(rates["16 topics"])
    extra = lexicons["world"][1] - lexicons["16 topics"][1]
    print(f"ingest world / 16 topics = {ratio:.2f}   (target >= 0.80)")
    print(f"start-up: lexicon load + {extra:.3f} s   (target <= 1 s)")
    print(
        f"start-up: the analyzer's word list {vocabulary_seconds:.3f} s (cached after the first)"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=400)
    parser.add_argument("--rounds", type=int, default=3)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.articles, arguments.rounds))
