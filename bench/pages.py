"""Reading pages and polling feeds: how fast, how much memory, and what 200 idle feeds cost.

In one run:

1. Extraction: the labelled Arabic news pages (tests/quality/eval/pages*) read into articles
   (trafilatura, then our parser) ``--rounds`` times after a first round that loads what
   reading needs: pages per second, then the traced peak of memory over one more round (apart:
   tracing slows every allocation), and the ratio to what 200 feeds bringing 20 new items
   at every poll (every FEEDS_POLL_SECONDS, 300 s by default) would need.
2. Idle feeds: 200 followed feeds on a local server that answers each conditional GET with
   304 after ``--latency`` seconds (a server across the internet): the wall time of one
   round of polls against the poll interval, and the CPU time per feed.

    python bench/pages.py                      # 5 rounds, 200 feeds, 50 ms away
    python bench/pages.py --rounds 1 --feeds 40   # the smoke run CI does
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from aiohttp import web

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import bot.sync.feeds  # noqa: E402
from bot.sync.feeds import FeedPoller  # noqa: E402
from content.models import FeedPoll  # noqa: E402
from content.parser import read_article  # noqa: E402
from content.sources.fetch import Fetcher  # noqa: E402
from content.sources.page import NotAnArticleError, page_text  # noqa: E402
from content.storage.sqlite.store import Store  # noqa: E402
from content.topics import load_lexicon  # noqa: E402

PAGES = [ROOT / "tests" / "quality" / "eval" / name for name in ("pages", "pages_held_out")]
POLL_SECONDS = 300.0
# Far more than a newsroom publishes (a busy national site posts a story every few minutes):
# every poll of every feed brings a screenful of new items, and all are read in the interval.
NEW_ITEMS_PER_POLL = 20
ETAG = '"unchanged"'


def read_all(pages: list[bytes]) -> int:
    """Read every page into an article; how many gave one."""
    articles = 0
    for html in pages:
        try:
            read_article(page_text(html, "", "https://news.example/a").encode(), "a.txt")
        except (NotAnArticleError, ValueError):
            continue
        articles += 1
    return articles


def read_pages(pages: list[bytes], rounds: int) -> tuple[float, float, int]:
    """Seconds per page (after a first round that loads what reading needs), the traced peak
    of memory in MB over one more round, and how many pages gave an article."""
    articles = read_all(pages)
    started = time.perf_counter()
    for _ in range(rounds):
        read_all(pages)
    seconds = (time.perf_counter() - started) / (rounds * len(pages))
    tracemalloc.start()  # apart from the timing: tracing slows every allocation
    read_all(pages)
    peak = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    return seconds, peak, articles


async def idle_feeds(count: int, latency: float) -> tuple[float, float]:
    """Wall seconds for one round over ``count`` feeds that answer 304, and CPU ms per feed."""

    async def feed(request: web.Request) -> web.Response:
        await asyncio.sleep(latency)
        if request.headers.get("If-None-Match") == ETAG:
            return web.Response(status=304)
        return web.Response(status=500)

    server = web.Application()
    server.router.add_get("/feed/{n}", feed)
    runner = web.AppRunner(server, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    base = f"http://127.0.0.1:{runner.addresses[0][1]}"
    fetcher = Fetcher(1_000_000, trusted=frozenset({"127.0.0.1"}), per_host_seconds=0)
    with tempfile.TemporaryDirectory() as folder:
        store = await Store.open(Path(folder) / "feeds.sqlite3", load_lexicon(None))
        for number in range(count):
            url = f"{base}/feed/{number}"
            await store.feeds.add_feed(url, 0.0)
            await store.feeds.record_poll(url, FeedPoll(0.0, 0.0, "", ETAG, "", 10))
        poller = FeedPoller(store, fetcher, Path(folder), 1_000_000, POLL_SECONDS)
        cpu, wall = time.process_time(), time.perf_counter()
        while await store.feeds.due_feeds(time.time(), 1):
            await poller.poll_due()
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        failed = sum(feed.failures for feed in await store.feeds.feeds())
        await store.close()
    await fetcher.close()
    await runner.cleanup()
    if failed:
        raise SystemExit(f"{failed} feed(s) failed: the benchmark measured nothing")
    return wall, cpu / count * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--feeds", type=int, default=200)
    parser.add_argument("--latency", type=float, default=0.05)
    args = parser.parse_args()
    pages = [page.read_bytes() for folder in PAGES for page in sorted(folder.glob("*.html"))]
    per_page, peak, articles = read_pages(pages, args.rounds)
    needed = args.feeds * NEW_ITEMS_PER_POLL / POLL_SECONDS
    print(f"extraction: {len(pages)} pages ({articles} articles) × {args.rounds} rounds")
    print(f"  {1 / per_page:.1f} pages/s ({per_page * 1000:.1f} ms each)")
    print(f"  traced peak while reading them all once more: {peak:.1f} MB")
    print(
        f"  ratio to {args.feeds} feeds × {NEW_ITEMS_PER_POLL} new items per"
        f" {POLL_SECONDS:.0f} s ({needed:.1f} pages/s): {1 / per_page / needed:.2f}"
        " (target ≥ 1)"
    )
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  process peak RSS (the bot's code and word tables included): {rss:.0f} MB")
    wall, cpu_ms = asyncio.run(idle_feeds(args.feeds, args.latency))
    at_once = bot.sync.feeds.FEEDS_AT_ONCE
    bot.sync.feeds.FEEDS_AT_ONCE = 1
    one_by_one, _ = asyncio.run(idle_feeds(args.feeds, args.latency))
    print(f"idle feeds: {args.feeds} answering 304 after {args.latency * 1000:.0f} ms")
    print(f"  one round {wall:.2f} s ({at_once} at once), CPU {cpu_ms:.2f} ms per feed")
    print(f"  one at a time {one_by_one:.2f} s: {one_by_one / wall:.1f} × longer")
    print(
        f"  round ÷ poll interval: {wall / POLL_SECONDS:.4f} (target ≤ 0.5);"
        f" CPU ÷ interval: {cpu_ms * args.feeds / 1000 / POLL_SECONDS:.5f} of a core"
    )


if __name__ == "__main__":
    main()
