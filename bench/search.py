"""Search benchmark: N generated articles in the seed's shape, ingested, then queried.

For each backend and N it prints ingest articles/s, p50/p95 query latency, database size
and peak memory, then p95(largest N) ÷ p95(smallest N), and with both backends PostgreSQL's
p95 ÷ SQLite's at each N. Each N runs in a fresh process, so peak memory is that N's own
(the bot's process; PostgreSQL's server is apart). PostgreSQL is a pgserver of its own.

    python bench/search.py                              # SQLite, N = 100, 1 000, 10 000
    python bench/search.py --backend both --sizes 10000 # PostgreSQL against SQLite (goal <= 1.5)
    python bench/search.py --sizes 100                  # the smoke run CI does
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from content.library import BATCH_FILES  # noqa: E402
from content.models import Incoming  # noqa: E402
from content.parser import parse_article, parse_file  # noqa: E402
from content.ports import ArticleStore  # noqa: E402
from content.storage.postgres.store import PostgresStore  # noqa: E402
from content.storage.sqlite.store import Store  # noqa: E402
from content.topics import load_lexicon  # noqa: E402

QUERIES = [
    q["text"]
    for q in tomllib.loads((ROOT / "tests/quality/eval/queries.toml").read_text())["query"]
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


async def run_one(size: int, url: str) -> dict[str, float]:
    """Ingest ``size`` articles, then time the query mix; the numbers for this N."""
    with tempfile.TemporaryDirectory() as folder:
        if url:
            store: ArticleStore = await PostgresStore.open(url, load_lexicon())
        else:
            store = await Store.open(Path(folder) / "bench.sqlite3", load_lexicon())
        try:
            ingest_seconds, latencies = await ingest_and_query(store, size)
            size_bytes = await postgres_size(store) if url else database_size(Path(folder))
        finally:
            await store.close()
    latencies.sort()
    return {
        "n": size,
        "ingest_per_s": size / ingest_seconds,
        "p50_ms": statistics.median(latencies) * 1000,
        "p95_ms": latencies[int(len(latencies) * 0.95) - 1] * 1000,
        "db_mb": size_bytes / 1e6,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


async def ingest_and_query(store: ArticleStore, size: int) -> tuple[float, list[float]]:
    """Seconds to ingest ``size`` generated articles; each query's seconds after that."""
    rng = random.Random(size)
    words = vocabulary()
    started = time.perf_counter()
    async with store.backfilling(size):  # as a folder is stored: in batches
        for first in range(0, size, BATCH_FILES):
            batch = []
            for number in range(first, min(first + BATCH_FILES, size)):
                name = f"generated-{number}.txt"
                batch.append(Incoming(parse_article(generate(number, rng, words), name), name))
            await store.ingest_many(batch)
    ingest_seconds = time.perf_counter() - started
    latencies = []
    for _ in range(ROUNDS):
        for query in QUERIES:
            begun = time.perf_counter()
            await store.search(query, limit=RESULTS)
            latencies.append(time.perf_counter() - begun)
    return ingest_seconds, latencies


async def postgres_size(store: ArticleStore) -> int:
    """Bytes of the PostgreSQL database, indexes included."""
    assert isinstance(store, PostgresStore)
    return await store.database_bytes()


def database_size(folder: Path) -> int:
    """Bytes of the database with its WAL and shared-memory files."""
    return sum(path.stat().st_size for path in folder.glob("bench.sqlite3*"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1_000, 10_000])
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="sqlite")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # a child run
    parser.add_argument("--url", default="", help=argparse.SUPPRESS)  # its PostgreSQL
    args = parser.parse_args()
    if args.one:
        print(json.dumps(asyncio.run(run_one(args.one, args.url))))
        return
    backends = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
    results = {backend: run_backend(backend, args.sizes) for backend in backends}
    print(f"{'backend':>8} {'N':>7} {'ingest/s':>9} {'p50 ms':>7} {'p95 ms':>7} {'DB MB':>7}"
          f" {'peak MB':>8}")  # fmt: skip
    for backend, rows in results.items():
        for row in rows:
            print(
                f"{backend:>8} {row['n']:>7,} {row['ingest_per_s']:>9.0f} {row['p50_ms']:>7.2f}"
                f" {row['p95_ms']:>7.2f} {row['db_mb']:>7.1f} {row['peak_mb']:>8.0f}"
            )
    for backend, rows in results.items():
        if len(rows) > 1:
            ratio = rows[-1]["p95_ms"] / rows[0]["p95_ms"]
            print(f"{backend}: p95({rows[-1]['n']:,}) / p95({rows[0]['n']:,}) = {ratio:.2f}"
                  f"   (target <= 3); p95 at {rows[-1]['n']:,} = {rows[-1]['p95_ms']:.1f} ms"
                  "   (target <= 20)")  # fmt: skip
    if len(results) == 2:
        for sqlite_row, postgres_row in zip(*results.values(), strict=True):
            ratio = postgres_row["p95_ms"] / sqlite_row["p95_ms"]
            print(f"PostgreSQL p95 / SQLite p95 at N = {sqlite_row['n']:,}: {ratio:.2f}"
                  "   (target <= 1.50)")  # fmt: skip


def run_backend(backend: str, sizes: list[int]) -> list[dict[str, float]]:
    """Each N in a child process of its own, on a PostgreSQL server of its own if asked."""
    with tempfile.TemporaryDirectory() as folder:
        server = start_postgres(Path(folder)) if backend == "postgres" else None
        try:
            rows = []
            for size in sizes:
                url = server.get_uri(f"bench_{size}") if server is not None else ""
                if server is not None:
                    server.psql(f"CREATE DATABASE bench_{size};")
                child = subprocess.run(  # noqa: S603 - this very script
                    [sys.executable, __file__, "--one", str(size), "--url", url],
                    capture_output=True, text=True, check=True,
                )  # fmt: skip
                rows.append(json.loads(child.stdout))
            return rows
        finally:
            if server is not None:
                server.cleanup()


def start_postgres(folder: Path) -> Any:
    """A PostgreSQL 16 of the benchmark's own, in ``folder`` (pgserver, no system packages)."""
    os.environ.setdefault("XDG_RUNTIME_DIR", tempfile.mkdtemp(prefix="runtime-"))
    from pgserver.postgres_server import get_server  # noqa: PLC0415 - only when asked for

    return get_server(folder / "postgres", cleanup_mode="stop")


if __name__ == "__main__":
    main()
