"""A newsroom's backfill: a folder of article files ingested, then re-tagged, on SQLite.

In one run, on the same generated articles (the search benchmark's, in the seed's shape):

- the folder ingested as start-up and ``python -m bot ingest`` do (``ingest_directory``:
  files read and stored in batches, one transaction each), against the same files stored
  one at a time (``ingest_file`` for each, one transaction each: the path before batches);
- every article re-tagged after a lexicon change (``retag_stale``), against ``retag`` one
  article at a time.

Prints articles per second and each against the target of 200 a second.

    python bench/ingest.py                  # 1 500 articles
    python bench/ingest.py --articles 60    # the smoke run CI does
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from lexicon import articles  # noqa: E402  (bench/lexicon.py, beside this file)

from bot.sync.lexicon import retag_stale  # noqa: E402
from content.library import article_files, ingest_directory, ingest_file  # noqa: E402
from content.storage.sqlite.store import Store  # noqa: E402
from content.topics import Lexicon, load_lexicon  # noqa: E402

TARGET = 200.0  # articles a second, ingest and re-tag alike


async def timed(work: Callable[[], Awaitable[object]]) -> float:
    started = time.perf_counter()
    await work()
    return time.perf_counter() - started


async def one_store(folder: Path, lexicon: Lexicon, batched: bool) -> tuple[float, float]:
    """Seconds to ingest the folder into a fresh store, and to re-tag it all."""
    relabelled = Lexicon(lexicon.specs, "bench: every article stale", lexicon.rules)
    with tempfile.TemporaryDirectory() as scratch:
        async with await Store.open(Path(scratch) / "bench.sqlite3", lexicon) as store:
            paths = article_files(folder) or []

            async def one_by_one() -> None:
                for path in paths:
                    await ingest_file(store, path)

            async def retag_one_by_one() -> None:
                for article_id in await store.stale_articles():
                    await store.retag(article_id)

            ingest = await timed(
                (lambda: ingest_directory(store, folder)) if batched else one_by_one
            )
            store.use_lexicon(relabelled)
            retag = await timed((lambda: retag_stale(store)) if batched else retag_one_by_one)
            assert not await store.stale_articles()
            return ingest, retag


async def main(count: int) -> None:
    lexicon = load_lexicon(None)

    with tempfile.TemporaryDirectory() as seeds:
        folder = Path(seeds)
        for number, text in enumerate(articles(count)):
            (folder / f"a{number:05d}.txt").write_bytes(text)
        before = await one_store(folder, lexicon, batched=False)
        after = await one_store(folder, lexicon, batched=True)
    print(f"{count} articles, SQLite, the world lexicon")
    print(f"{'':<10} {'one by one/s':>13} {'batched/s':>10} {'÷ target':>9}")
    for name, old, new in (("ingest", before[0], after[0]), ("re-tag", before[1], after[1])):
        rate_old, rate_new = count / old, count / new
        print(f"{name:<10} {rate_old:>13.1f} {rate_new:>10.1f} {rate_new / TARGET:>9.2f}")
    print(f"target: >= {TARGET:.0f} articles/s each (÷ target >= 1.00)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1500)
    asyncio.run(main(parser.parse_args().articles))
