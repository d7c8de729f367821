"""Search benchmark: N generated articles in the seed's shape, ingested, then queried.

For each N it prints ingest articles/s, p50/p95 query latency, database size and peak memory,
then p95(largest N) ÷ p95(smallest N). Each N runs in a fresh process, so peak memory is that
N's own.

    python bench/search.py                  # N = 100, 1 000, 10 000
    python bench/search.py --sizes 100      # the smoke run CI does
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from content.parser import parse_article, parse_file  # noqa: E402
from content.store import Store  # noqa: E402
from content.topics import load_lexicon  # noqa: E402

QUERIES = [
    q["text"] for q in tomllib.loads((ROOT / "tests/eval/queries.toml").read_text())["query"]
]
ROUNDS = 5  # each query this many times
RESULTS = 5  # as /search asks
Words = tuple[list[str], list[str], list[str]]  # sentences, headings, bullets


def vocabulary() -> Words:
    """Sentences, headings and bullets of the shipped seeds, to recombine."""
    sentences, headings, bullets = [], [], []
    for path in sorted((ROOT / "seeds").glob("*.txt")):
        article = parse_file(path)
        sentences += [p for section in article.sections for p in section.paragraphs]
        sentences += list(article.lead)
        headings += [section.heading for section in article.sections]
        bullets += list(article.bullets)
    return sentences, headings, bullets


def generate(
    number: int, rng: random.Random, words: tuple[list[str], list[str], list[str]]
) -> bytes:
    """One article: a lead, four sections of three to nine paragraphs, a six-bullet summary."""
    sentences, headings, bullets = words
    lines = [rng.choice(sentences)]
    for _ in range(4):
        lines.append(f"{rng.choice(headings)} {number}")
        lines += [rng.choice(sentences) for _ in range(rng.randint(3, 9))]
    lines.append(f"خلاصة المقال {number}:")
    lines += [f"- {rng.choice(bullets)}" for _ in range(6)]
    return "\n".join(lines).encode()


async def run_one(size: int) -> dict[str, float]:
    """Ingest ``size`` articles, then time the query mix; the numbers for this N."""
    rng = random.Random(size)
    words = vocabulary()
    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / "bench.sqlite3"
        async with await Store.open(database, load_lexicon()) as store:
            started = time.perf_counter()
            for number in range(size):
                article = parse_article(generate(number, rng, words), f"generated-{number}.txt")
                await store.ingest(article, f"generated-{number}.txt")
            ingest_seconds = time.perf_counter() - started
            latencies = []
            for _ in range(ROUNDS):
                for query in QUERIES:
                    begun = time.perf_counter()
                    await store.search(query, limit=RESULTS)
                    latencies.append(time.perf_counter() - begun)
        size_bytes = database_size(Path(folder))
    latencies.sort()
    return {
        "n": size,
        "ingest_per_s": size / ingest_seconds,
        "p50_ms": statistics.median(latencies) * 1000,
        "p95_ms": latencies[int(len(latencies) * 0.95) - 1] * 1000,
        "db_mb": size_bytes / 1e6,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def database_size(folder: Path) -> int:
    """Bytes of the database with its WAL and shared-memory files."""
    return sum(path.stat().st_size for path in folder.glob("bench.sqlite3*"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1_000, 10_000])
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # a child run
    args = parser.parse_args()
    if args.one:
        print(json.dumps(asyncio.run(run_one(args.one))))
        return
    rows = []
    for size in args.sizes:
        child = subprocess.run(  # noqa: S603 - this very script
            [sys.executable, __file__, "--one", str(size)],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        rows.append(json.loads(child.stdout))
    print(f"{'N':>7} {'ingest/s':>9} {'p50 ms':>7} {'p95 ms':>7} {'DB MB':>7} {'peak MB':>8}")
    for row in rows:
        print(
            f"{row['n']:>7,} {row['ingest_per_s']:>9.0f} {row['p50_ms']:>7.2f}"
            f" {row['p95_ms']:>7.2f} {row['db_mb']:>7.1f} {row['peak_mb']:>8.0f}"
        )
    if len(rows) > 1:
        ratio = rows[-1]["p95_ms"] / rows[0]["p95_ms"]
        print(f"p95({rows[-1]['n']:,}) / p95({rows[0]['n']:,}) = {ratio:.2f}   (target <= 3)")
        print(f"p95 at {rows[-1]['n']:,} = {rows[-1]['p95_ms']:.1f} ms   (target <= 20)")


if __name__ == "__main__":
    main()
