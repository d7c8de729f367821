"""Tagging in a process of its own while backfilling: the same rows as in a thread, and a
child that dies leaves the backfill to go on in a thread."""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import shutil
import signal
import sqlite3
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from content.library import BATCH_FILES, ingest_directory
from content.models import Article
from content.parser import parse_file
from content.search import Analyzer
from content.storage import rules
from content.storage.rows import article_rows
from content.storage.sqlite.store import Store
from content.storage.tagger import PROCESS_BATCH, Tagger
from content.topics import Lexicon
from tests.quality.eval.tagging import FOLDER as WORLD


def world_articles() -> list[Article]:
    paths = sorted(WORLD.glob("*.txt"))
    return [parse_file(paths[n % len(paths)]) for n in range(PROCESS_BATCH + 2)]


async def test_a_big_batch_is_tagged_in_a_child_as_in_a_thread(lexicon: Lexicon) -> None:
    analyzer = Analyzer(lexicon=lexicon)
    articles = world_articles()
    tagger = Tagger()
    tagger.start(analyzer)
    try:
        in_child = await tagger.rows(articles, analyzer)
        assert len(multiprocessing.active_children()) == 1
    finally:
        await tagger.stop()
    assert in_child == [article_rows(article, analyzer) for article in articles]


async def test_a_small_batch_or_another_analyzer_stays_in_a_thread(lexicon: Lexicon) -> None:
    analyzer = Analyzer(lexicon=lexicon)
    tagger = Tagger()
    tagger.start(analyzer)
    try:
        few = world_articles()[: PROCESS_BATCH - 1]
        assert await tagger.rows(few, analyzer) == [article_rows(a, analyzer) for a in few]
        other = Analyzer(lexicon=lexicon, topic_terms=False)
        many = world_articles()
        assert await tagger.rows(many, other) == [article_rows(a, other) for a in many]
        assert multiprocessing.active_children() == []  # neither started the child
    finally:
        await tagger.stop()


async def test_a_child_that_dies_leaves_the_work_to_a_thread(
    lexicon: Lexicon, caplog: pytest.LogCaptureFixture
) -> None:
    analyzer = Analyzer(lexicon=lexicon)
    articles = world_articles()
    tagger = Tagger()
    tagger.start(analyzer)
    try:
        await tagger.rows(articles, analyzer)  # the child is up
        [child] = multiprocessing.active_children()
        assert child.pid is not None
        os.kill(child.pid, signal.SIGKILL)  # as the kernel's OOM killer would
        await asyncio.sleep(0.2)
        with caplog.at_level(logging.WARNING):
            rows = await tagger.rows(articles, analyzer)
    finally:
        await tagger.stop()
    assert rows == [article_rows(article, analyzer) for article in articles]
    assert "tagging in a thread instead" in caplog.text


async def test_a_big_backfill_stores_what_threads_would(
    lexicon: Lexicon, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    sources = sorted(WORLD.glob("*.txt"))
    count = BATCH_FILES + PROCESS_BATCH  # two batches, each big enough for the child
    for number in range(count):
        shutil.copy(sources[number % len(sources)], seeds / f"w{number:02d}.txt")
    sent_to_child: list[int] = []
    submit = ProcessPoolExecutor.submit

    def counted(pool: ProcessPoolExecutor, job: Any, articles: list[Article]) -> Any:
        sent_to_child.append(len(articles))
        return submit(pool, job, articles)

    monkeypatch.setattr(ProcessPoolExecutor, "submit", counted)
    stored = []
    for threshold in (count + 1, count):  # threads only, then the child for every batch
        monkeypatch.setattr(rules, "PROCESS_BACKFILL", threshold)
        database = tmp_path / f"{threshold}.sqlite3"
        async with await Store.open(database, lexicon) as store:
            assert (await ingest_directory(store, seeds)).errors == ()
        stored.append(tagged_rows(database))
    # Both batches went to the child, in whichever order they were ready (two in flight).
    assert sorted(sent_to_child) == [PROCESS_BATCH, BATCH_FILES]
    assert stored[0] == stored[1]
    assert stored[0]["article_topics"]  # there was something to compare


def tagged_rows(database: Path) -> dict[str, list[tuple[object, ...]]]:
    """What tagging and indexing wrote, table by table, read from outside the store."""
    with sqlite3.connect(database) as db:
        found = {
            table: db.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall()  # noqa: S608
            for table in ("paragraph_topics", "bullet_topics", "article_topics")
        }
        found["terms"] = db.execute(
            "SELECT rowid, terms FROM paragraph_terms ORDER BY 1"
        ).fetchall()
    return found


async def test_a_new_lexicon_midway_lets_the_batches_given_come_back(lexicon: Lexicon) -> None:
    old, new = Analyzer(lexicon=lexicon), Analyzer(lexicon=lexicon, topic_terms=False)
    articles = world_articles()
    tagger = Tagger()
    tagger.start(old)
    try:
        given = [asyncio.create_task(tagger.rows(articles, old)) for _ in range(4)]
        await asyncio.sleep(0)  # each batch is handed to the child
        tagger.start(new)  # as a TOPICS_FILE changing during a backfill does
        tagged = await asyncio.gather(*given)
    finally:
        await tagger.stop()
    assert tagged == [[article_rows(article, old) for article in articles]] * 4
