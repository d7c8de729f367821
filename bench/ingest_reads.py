"""Reads during a big ingest: do readers wait on it, and do they ever see it half-written?

Stores the seed, then ingests one very large article (by default 100 000 lines, about
650 KB) while a reader asks for summaries every few milliseconds, as handlers do. Prints,
measured in this one run:

* reader latency (p50, p95, max) when idle and during the ingest, and the longest wait ÷
  the ingest's duration (target ≤ 0.1; a reader queued behind the ingest scores 1);
* reads that saw the big article half-written (target 0);
* how long the ingest took.

    python bench/ingest_reads.py                # 100 000 lines
    python bench/ingest_reads.py --lines 20000  # a quick run
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.__main__ import GIL_SWITCH_SECONDS  # noqa: E402
from content.library import ingest_file  # noqa: E402
from content.models import ArticleInfo, IngestResult  # noqa: E402
from content.storage.sqlite.store import Store  # noqa: E402
from content.topics import load_lexicon  # noqa: E402

SEED = ROOT / "seeds" / "brics-kazan-summit.ar.txt"
PROBE_EVERY = 0.005  # seconds between two reads
IDLE_READS = 200
BIG_SLUG = "big-ar"
LINES_PER_SECTION = 10
BULLETS = 5


def big_article(lines: int) -> str:
    """An article of about ``lines`` short lines: a lead, headed sections and a summary."""
    out = ["افتتحت القمة أعمالها في عاصمة بعيدة اليوم."]
    sections = max(1, (lines - BULLETS - 2) // LINES_PER_SECTION)
    for number in range(sections):
        out.append(f"الجلسة {number}")
        out += ["نعم."] * (LINES_PER_SECTION - 1)
    out.append("خلاصة:")
    out += [f"نقطة {n} من الخلاصة." for n in range(BULLETS)]
    return "\n".join(out) + "\n"


async def read_once(store: Store, seed: ArticleInfo) -> tuple[float, bool]:
    """One reader's visit: (its latency, whether it saw the big article half-written)."""
    started = time.perf_counter()
    await store.summary(seed)
    torn = False
    for article in await store.articles():
        if article.slug == BIG_SLUG:
            torn = len((await store.summary(article)).bullets) != BULLETS
    return time.perf_counter() - started, torn


Visit = tuple[float, bool]  # (latency in seconds, saw a half-written article)


async def read_while(
    store: Store, seed: ArticleInfo, busy: asyncio.Task[IngestResult]
) -> list[Visit]:
    """Read every PROBE_EVERY seconds until ``busy`` is done."""
    visits = []
    while not busy.done():
        visits.append(await read_once(store, seed))
        await asyncio.sleep(PROBE_EVERY)
    return visits


def quantiles(latencies: list[float]) -> tuple[float, float, float]:
    cuts = statistics.quantiles(latencies, n=20)
    return statistics.median(latencies), cuts[18], max(latencies)


async def measure(lines: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        seeds = Path(folder) / "seeds"
        seeds.mkdir()
        big = seeds / f"{BIG_SLUG.removesuffix('-ar')}.ar.txt"
        size = big.write_bytes(big_article(lines).encode())
        async with await Store.open(Path(folder) / "bench.sqlite3", load_lexicon()) as store:
            await ingest_file(store, SEED)
            (seed,) = await store.articles()
            idle = [(await read_once(store, seed))[0] for _ in range(IDLE_READS)]
            started = time.perf_counter()
            ingest = asyncio.create_task(ingest_file(store, big, 2_000_000))
            visits = await read_while(store, seed, ingest)
            await ingest
            took = time.perf_counter() - started
    print(f"article: {lines:,} lines, {size / 1000:,.0f} KB; ingest took {took:.2f} s")
    report(idle, visits, took)


def report(idle: list[float], visits: list[Visit], took: float) -> None:
    busy = [latency for latency, _ in visits]
    idle_q, busy_q = quantiles(idle), quantiles(busy)
    print(f"{len(visits)} reads during the ingest")
    print("            p50 ms   p95 ms   max ms")
    print("idle      " + "".join(f"{q * 1000:9.1f}" for q in idle_q))
    print("ingesting " + "".join(f"{q * 1000:9.1f}" for q in busy_q))
    print(f"p95 ingesting / idle = {busy_q[1] / idle_q[1]:.0f}")
    print(
        f"longest wait / ingest time = {busy_q[2] / took:.3f}   (target <= 0.1; 1 = waits it all)"
    )
    print(f"half-written reads = {sum(torn for _, torn in visits)}   (target 0)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=100_000)
    sys.setswitchinterval(GIL_SWITCH_SECONDS)  # as python -m bot runs
    asyncio.run(measure(parser.parse_args().lines))


if __name__ == "__main__":
    main()
