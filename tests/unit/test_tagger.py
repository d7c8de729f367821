"""Tagging in a process of its own while backfilling: the same rows as in a thread, and a
child that dies leaves the backfill to go on in a thread."""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import signal

import pytest

from content.models import Article
from content.parser import parse_file
from content.search import Analyzer
from content.storage.rows import article_rows
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
