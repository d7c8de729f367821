"""Word-alert benchmark: one new article against 10 000 alerts, in each backend.

Ten thousand chats each get an alert on a word or two-word phrase of the seeds' text (not
one of its 300 commonest words, which nobody is alerted on), so that many of them match. A
new article is then ingested, its alerts matched and its deliveries queued in the same
transaction, ROUNDS times. The same articles are ingested into a store with the same chats
and no alert, and into one where every chat subscribes to every article. It prints the
median ingest time of each, the time the alerts add and its ratio to no alert, how many
deliveries an article queued, and the time of the in-order check alone, in memory. Queuing
a delivery costs the same whether an alert or a subscription made it: the "everything" row
tells that cost from the matching's.

    python bench/alerts.py                       # SQLite, 10 000 alerts
    python bench/alerts.py --backend both        # PostgreSQL too
    python bench/alerts.py --alerts 1000         # the smoke run CI does
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.search import generate, start_postgres, vocabulary  # noqa: E402
from content.alerts import AlertPhraseError, ArticleWords, alert_terms, matching  # noqa: E402
from content.arabic import tokens  # noqa: E402
from content.parser import parse_article  # noqa: E402
from content.ports import EVERYTHING, ArticleStore  # noqa: E402
from content.search import Analyzer  # noqa: E402
from content.storage.postgres.store import PostgresStore  # noqa: E402
from content.storage.rows import article_rows  # noqa: E402
from content.storage.sqlite.store import Store  # noqa: E402
from content.topics import Lexicon, load_lexicon  # noqa: E402

ROUNDS = 7
COMMONEST = 300
MODES = ("none", "alerts", "everything")  # what each chat has


def phrases(count: int, rng: random.Random) -> list[str]:
    """``count`` alert phrases: single words and word pairs of the seeds, as readers would
    choose them (a third of them pairs), none of the commonest words."""
    sentences = vocabulary()[0]
    counts = Counter(token for sentence in sentences for token in tokens(sentence))
    common = {word for word, _ in counts.most_common(COMMONEST)}
    words = [word for word in counts if word not in common and len(word) > 2]
    chosen = []
    for _ in range(count):
        sentence = tokens(rng.choice(sentences))
        start = rng.randrange(max(1, len(sentence) - 1))
        pair = sentence[start : start + 2]
        if rng.random() < 1 / 3 and len(pair) == 2 and not common.issuperset(pair):
            chosen.append(" ".join(pair))
        else:
            chosen.append(rng.choice(words))
    return chosen


async def prepared(store: ArticleStore, alerts: list[str], analyzer: Analyzer, mode: str) -> int:
    """A chat for each of ``alerts``, with nothing, its alert, or a subscription to every
    article (``mode``); how many alerts were added."""
    added = 0
    for chat_id, phrase in enumerate(alerts, 1):
        await store.chats.record(chat_id, "private", "", 0.0)
        if mode == "everything":
            await store.chats.subscribe(chat_id, EVERYTHING, 0.0)
        if mode != "alerts":
            continue
        try:
            terms = alert_terms(analyzer, phrase)
        except AlertPhraseError:
            continue
        await store.chats.add_alert(chat_id, phrase, terms, 0.0, limit=20)
        added += 1
    return added


async def ingest_times(store: ArticleStore, seed: int) -> tuple[list[float], int]:
    """Seconds to ingest each of ROUNDS new articles; the deliveries they queued."""
    rng = random.Random(seed)
    words = vocabulary()
    seconds = []
    for number in range(ROUNDS):
        name = f"article-{number}.txt"
        article = parse_article(generate(number, rng, words), name)
        begun = time.perf_counter()
        await store.ingest(article, name, now=1.0 + number)
        seconds.append(time.perf_counter() - begun)
    stats = await store.outbox.stats()
    return seconds, sum(count for _, count in stats.deliveries_by_state)


def matching_alone(alerts: list[str], analyzer: Analyzer, rng: random.Random) -> float:
    """Seconds to match one article against every alert in memory (no store)."""
    article = parse_article(generate(0, rng, vocabulary()), "alone.txt")
    words = ArticleWords(article_rows(article, analyzer).words)
    candidates = []
    for alert_id, phrase in enumerate(alerts):
        try:
            candidates.append((alert_id, alert_terms(analyzer, phrase).joined))
        except AlertPhraseError:
            continue
    begun = time.perf_counter()
    matching(words, candidates)
    return time.perf_counter() - begun


async def run(backend: str, count: int, folder: Path) -> dict[str, Any]:
    """The numbers of one backend."""
    lexicon = load_lexicon()
    analyzer = Analyzer(lexicon)
    alerts = phrases(count, random.Random(1))
    server = start_postgres(folder) if backend == "postgres" else None
    results: dict[str, Any] = {"backend": backend}
    try:
        for label in MODES:
            store = await _open(folder, label, server, lexicon)
            try:
                results[f"{label}_count"] = await prepared(store, alerts, analyzer, label)
                seconds, queued = await ingest_times(store, 7)
            finally:
                await store.close()
            results[f"{label}_ms"] = statistics.median(seconds) * 1000
            results[f"{label}_queued"] = queued / ROUNDS
    finally:
        if server is not None:
            server.cleanup()
    results["alone_ms"] = matching_alone(alerts, analyzer, random.Random(3)) * 1000
    return results


async def _open(folder: Path, label: str, server: Any, lexicon: Lexicon) -> ArticleStore:
    if server is None:
        return await Store.open(folder / f"{label}.sqlite3", lexicon)
    server.psql(f"CREATE DATABASE alerts_{label};")
    return await PostgresStore.open(server.get_uri(f"alerts_{label}"), lexicon)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--alerts", type=int, default=10_000)
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="sqlite")
    args = parser.parse_args()
    backends = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
    print(f"{'backend':>8} {'alerts':>7} {'none ms':>8} {'alerts ms':>10} {'added ms':>9}"
          f" {'ratio':>6} {'queued':>7} {'everything ms':>14} {'queued':>7}"
          f" {'check ms':>9}")  # fmt: skip
    for backend in backends:
        with tempfile.TemporaryDirectory() as folder:
            row = asyncio.run(run(backend, args.alerts, Path(folder)))
        print(
            f"{backend:>8} {row['alerts_count']:>7,} {row['none_ms']:>8.1f}"
            f" {row['alerts_ms']:>10.1f} {row['alerts_ms'] - row['none_ms']:>9.1f}"
            f" {row['alerts_ms'] / row['none_ms']:>6.2f} {row['alerts_queued']:>7.0f}"
            f" {row['everything_ms']:>14.1f} {row['everything_queued']:>7.0f}"
            f" {row['alone_ms']:>9.2f}"
        )


if __name__ == "__main__":
    main()
