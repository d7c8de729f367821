"""The topic lexicon in force: the built-in world lexicon with a newsroom's TOPICS_FILE over it.

The file is read at start-up and again whenever it changes while the bot runs. A malformed
file is logged with its file, line and reason, and the lexicon in force stays as it was.
Stored articles are re-tagged with a new lexicon in the background, a batch of them per
transaction, so readers keep being answered meanwhile.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import aclosing
from pathlib import Path

from content.alerts import MAX_ALERT_WORDS, AlertPhraseError, AlertTerms, alert_terms
from content.arabic import tokens
from content.library import in_batches, two_at_once
from content.ports import ArticleStore, ChatStore
from content.search import Analyzer
from content.topics import Lexicon, LexiconError, load_lexicon

logger = logging.getLogger(__name__)
Signature = tuple[float, int] | None


def read_lexicon(topics_file: Path | None, reserved: frozenset[str]) -> Lexicon:
    """The built-in lexicon with ``topics_file`` merged over it, when it is given and valid.

    No topic may take one of the ``reserved`` command names (the bot's own commands).
    """
    if topics_file is not None:
        try:
            return load_lexicon(overlay=topics_file, reserved=reserved)
        except LexiconError as error:
            logger.error("Ignored TOPICS_FILE, using the built-in topics: %s", error)
    return load_lexicon(reserved=reserved)


class LexiconWatcher:
    """Reloads TOPICS_FILE when it changes, and brings the store and the handlers up to it."""

    def __init__(
        self,
        topics_file: Path,
        install: Callable[[Lexicon], Awaitable[None]],
        reserved: frozenset[str],
    ) -> None:
        self._file = topics_file
        self._reserved = reserved
        self._install = install
        self._seen: Signature = _signature(topics_file)

    async def scan(self, _context: object) -> None:
        """Job callback: check the file."""
        await self.check()

    async def check(self) -> bool:
        """Load the file if it changed since last time; whether a new lexicon is in force."""
        signature = await asyncio.to_thread(_signature, self._file)
        if signature == self._seen:
            return False
        self._seen = signature
        if signature is None:
            logger.warning("TOPICS_FILE %s is gone: its topics stay until it returns", self._file)
            return False
        try:
            lexicon = await asyncio.to_thread(load_lexicon, None, self._file, self._reserved)
        except LexiconError as error:
            logger.error("Rejected the new TOPICS_FILE; the topics in force stay: %s", error)
            return False
        await self._install(lexicon)
        logger.info("Loaded %d topics from the lexicon and %s", len(lexicon.topics), self._file)
        return True


async def retag_stale(store: ArticleStore) -> int:
    """Re-tag every article tagged with another lexicon; how many were re-tagged."""
    count = 0
    stale = await store.stale_articles()
    retagging = aclosing(two_at_once(_retagging(store, in_batches(stale))))
    async with store.backfilling(len(stale)), retagging as done:
        async for retagged in done:  # a batch's transaction at a time: replies go between
            count += sum(retagged)
    if count:
        logger.info("Re-tagged %d article(s) with the topics in force", count)
    return count


async def _retagging(
    store: ArticleStore, batches: list[list[int]]
) -> AsyncIterator[Awaitable[list[bool]]]:
    for batch in batches:
        yield store.retag_many(batch)


async def reread_alerts(chats: ChatStore, analyzer: Analyzer) -> int:
    """Read again every alert another analyzer or lexicon read; how many are kept.

    Each alert read is stored as read, or removed as the same as another of its thread's, so
    every round leaves fewer to read and the loop ends. A phrase the analyzer now finds no
    word in is kept by its plain tokens, so it is never silently dropped.
    """
    count = 0
    while stale := await chats.stale_alerts(analyzer.reads_with):
        for alert in stale:
            try:
                terms = alert_terms(analyzer, alert.phrase)
            except AlertPhraseError:
                plain = tuple(tokens(alert.phrase))[:MAX_ALERT_WORDS] or (alert.phrase,)
                terms = AlertTerms(plain, analyzer.reads_with)
            count += await chats.reread_alert(alert.id, terms)
        await asyncio.sleep(0)  # one batch at a time: replies go between them
    if count:
        logger.info("Read %d alert(s) again with the analyzer in force", count)
    return count


def _signature(path: Path) -> Signature:
    """(mtime, size) of a regular file, or None when there is none to read."""
    try:
        status = path.stat()
    except OSError:
        return None
    return (status.st_mtime, status.st_size)
