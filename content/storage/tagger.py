"""Where articles are tagged: in a thread, or, while backfilling, in a process of its own.

Tagging is pure Python, so in a thread it shares one core with everything else the process
does, the store's own work included. A backfill (a folder of thousands of files, or every
article after a lexicon change) is tagged in a child process instead, on the machine's
other core, while the parent writes the batch tagged before: the child gets the analyzer
once, the articles of each batch, and hands back their rows.

A single upload, or a small batch, is still tagged in a thread: a process's start (about a
second) would cost more than it saves.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import pickle
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from content.models import Article, ArticleRows
from content.search import Analyzer
from content.storage.rows import article_rows

logger = logging.getLogger(__name__)

# A backfill of fewer articles is tagged in threads: the process's start (about a second)
# would cost more than the other core gives back.
PROCESS_BACKFILL = 256
# Fewer articles than this are tagged in a thread even while backfilling.
PROCESS_BATCH = 8

_child_analyzer: Analyzer | None = None  # the analyzer, in the child process


def _install(analyzer: bytes) -> None:
    """The child's start: keep the analyzer it tags with."""
    global _child_analyzer  # noqa: PLW0603  (the child's one piece of state)
    _child_analyzer = pickle.loads(analyzer)  # noqa: S301  (our own process's bytes)


def _rows_in_child(articles: Sequence[Article]) -> list[ArticleRows]:
    if _child_analyzer is None:
        raise RuntimeError("the tagging process was started without its analyzer")
    return [article_rows(article, _child_analyzer) for article in articles]


class Tagger:
    """Works out articles' rows with one analyzer; in a child process between ``start``
    and ``stop``, else in a thread."""

    def __init__(self) -> None:
        self._pool: ProcessPoolExecutor | None = None
        self._pool_analyzer: Analyzer | None = None

    @property
    def started(self) -> bool:
        """Whether big batches go to a child process now."""
        return self._pool is not None

    def start(self, analyzer: Analyzer) -> None:
        """Tag big batches with ``analyzer`` in a child process from now on. The process
        itself starts with the first batch it is given."""
        if self._pool is not None and self._pool_analyzer is analyzer:
            return
        # What the old child was given it still tags, and hands back: batches tagged with
        # the analyzer they were taken with are stored with its key, and re-tagged later.
        self._let_go(cancel=False)
        self._pool = ProcessPoolExecutor(
            max_workers=1,
            # Not forked: the parent's threads (the database's, the event loop's helpers)
            # may hold locks that a forked child would find held forever.
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_install,
            initargs=(pickle.dumps(analyzer),),
        )
        self._pool_analyzer = analyzer

    async def stop(self) -> None:
        """Stop the child process, if any, and wait for it to end; tagging goes back to
        threads."""
        pool = self._let_go(cancel=True)
        if pool is not None:
            await asyncio.to_thread(pool.shutdown, wait=True, cancel_futures=True)

    def _let_go(self, cancel: bool) -> ProcessPoolExecutor | None:
        """Give no more work to the child process; it is shut down without waiting, with
        the work it was given but has not begun dropped (``cancel``) or done."""
        pool, self._pool, self._pool_analyzer = self._pool, None, None
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=cancel)
        return pool

    async def rows(self, articles: Sequence[Article], analyzer: Analyzer) -> list[ArticleRows]:
        """The rows of each of ``articles``, tagged and indexed with ``analyzer``."""
        pool = self._pool
        if pool is not None and self._pool_analyzer is analyzer and len(articles) >= PROCESS_BATCH:
            try:
                return await asyncio.wrap_future(pool.submit(_rows_in_child, list(articles)))
            except BrokenProcessPool:  # the child died (out of memory, killed): go on here
                logger.warning("The tagging process stopped; tagging in a thread instead")
                await self.stop()
        return await asyncio.to_thread(lambda: [article_rows(a, analyzer) for a in articles])
