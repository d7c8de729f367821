"""FTS5 against a BM25 library (bm25s), on the same terms: quality and speed, in one run.

Quality: recall@3 and MRR on the labelled questions over the shipped seeds. Speed: index build
and p95 query latency over N generated articles. Needs the bench extra (pip install -e
'.[bench]'); the bot itself keeps FTS5, which these numbers chose.

    python bench/bm25_library.py --size 10000
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import time
import tomllib
from pathlib import Path

import bm25s

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.search import QUERIES, generate, vocabulary  # noqa: E402
from content.parser import parse_article  # noqa: E402
from content.search import Analyzer  # noqa: E402
from content.topics import load_lexicon  # noqa: E402
from tests.quality.eval.measure import ARTICLES, SEEDS, measure  # noqa: E402
from tests.quality.eval.measure import QUERIES as LABELLED  # noqa: E402


def paragraphs(path_texts: list[tuple[str, bytes]]) -> list[tuple[tuple[str, int, int], str]]:
    """(article slug, section, position) and text of every paragraph of the given files."""
    found = []
    for name, data in path_texts:
        article = parse_article(data, name)
        found += [((article.slug, 0, n), text) for n, text in enumerate(article.lead, 1)]
        for number, section in enumerate(article.sections, 1):
            found += [
                ((article.slug, number, n), text) for n, text in enumerate(section.paragraphs, 1)
            ]
    return found


def library_quality(analyzer: Analyzer) -> tuple[float, float]:
    """recall@3 and MRR of bm25s over the seeds' paragraphs, with the shipped terms."""
    found = paragraphs([(p.name, p.read_bytes()) for p in sorted(SEEDS.glob("*.txt"))])
    index = bm25s.BM25()
    index.index([analyzer.index_terms(text) for _, text in found], show_progress=False)
    questions = tomllib.loads(LABELLED.read_text(encoding="utf-8"))["query"]
    in_3, reciprocal = 0, 0.0
    for question in questions:
        wanted = set()
        for item in question["relevant"]:
            article, _, place = item.partition(":")
            section, _, position = place.partition(".")
            wanted.add((ARTICLES[article], int(section), int(position)))
        terms = analyzer.query_terms(question["text"]) or ["-"]
        ids, scores = index.retrieve([terms], k=10, show_progress=False)
        ranked = [int(i) for i, s in zip(ids[0], scores[0], strict=True) if s > 0]
        ranks = [rank for rank, i in enumerate(ranked, 1) if found[i][0] in wanted]
        in_3 += bool(ranks and ranks[0] <= 3)
        reciprocal += 1 / ranks[0] if ranks else 0.0
    return in_3 / len(questions), reciprocal / len(questions)


def library_speed(analyzer: Analyzer, size: int) -> tuple[float, float]:
    """Seconds to index ``size`` generated articles, and p95 query milliseconds."""
    rng, words = random.Random(size), vocabulary()
    generated = [(f"g{n}.txt", generate(n, rng, words)) for n in range(size)]
    corpus = [analyzer.index_terms(text) for _, text in paragraphs(generated)]
    started = time.perf_counter()
    index = bm25s.BM25()
    index.index(corpus, show_progress=False)
    build = time.perf_counter() - started
    latencies = []
    for _ in range(5):
        for question in QUERIES:
            begun = time.perf_counter()
            index.retrieve([analyzer.query_terms(question) or ["-"]], k=5, show_progress=False)
            latencies.append(time.perf_counter() - begun)
    latencies.sort()
    return build, latencies[int(len(latencies) * 0.95) - 1] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=10_000)
    args = parser.parse_args()
    lexicon = load_lexicon()
    analyzer = Analyzer(lexicon)
    with tempfile.TemporaryDirectory() as folder:
        fts5 = asyncio.run(measure("fts5", analyzer, lexicon, Path(folder)))
    recall, mrr = library_quality(analyzer)
    build, p95 = library_speed(analyzer, args.size)
    print(f"{'engine':<8} {'recall@3':>9} {'MRR':>6}")
    print(f"{'FTS5':<8} {fts5.recall_at_3:>9.3f} {fts5.mrr:>6.3f}")
    print(f"{'bm25s':<8} {recall:>9.3f} {mrr:>6.3f}")
    print(
        f"bm25s at {args.size:,} articles: index {build:.1f} s (in memory), query p95 {p95:.1f} ms"
    )
    print("FTS5 at the same size: see bench/search.py (persistent, incremental, in SQLite)")


if __name__ == "__main__":
    main()
