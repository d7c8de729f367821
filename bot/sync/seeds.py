"""The seeds folder, watched for articles that appear or change while the bot runs."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from pathlib import Path

from content.library import article_files, ingest_paths
from content.ports import ArticleStore
from handlers.plumbing.context import Context

logger = logging.getLogger(__name__)


class SeedsWatcher:
    """Ingests article files that appear or change in the seeds folder while the bot runs."""

    def __init__(self, store: ArticleStore, folder: Path, max_bytes: int) -> None:
        self._store = store
        self._folder = folder
        self._max_bytes = max_bytes
        self._seen: dict[Path, tuple[float, int]] = {}

    async def prime(self) -> None:
        """Take the folder as it is now as seen: start-up has just ingested it."""
        self._seen.update(await asyncio.to_thread(self._changed_files))

    async def scan(self, context: Context) -> None:
        """Job callback: ingest what changed since the last scan; wake the outbox if needed."""
        if await self.ingest_changes():
            context.bot_data.wake_outbox()

    async def ingest_changes(self) -> int:
        """Ingest new or changed files; how many articles were added or replaced.

        They go in batches, as at start-up: a newsroom that drops a thousand files into the
        folder has them in seconds. A file that is wrong waits until it changes; should the
        store fail (a full disk, a locked database), the next scan tries them all again, and
        those stored already are found unchanged.
        """
        changed = await asyncio.to_thread(self._changed_files)
        if not changed:
            return 0
        paths = [path for path, _ in changed]
        try:
            report = await ingest_paths(self._store, paths, self._max_bytes)
        except (sqlite3.Error, OSError) as error:
            logger.warning("Could not store %d file(s), will retry: %s", len(changed), error)
            return 0
        self._seen.update(changed)
        return sum(result.outcome != "unchanged" for result in report.results)

    def _changed_files(self) -> list[tuple[Path, tuple[float, int]]]:
        changed = []
        for path in article_files(self._folder) or []:
            try:
                status = path.stat()
            except OSError:
                continue  # removed between the listing and now
            signature = (status.st_mtime, status.st_size)
            if self._seen.get(path) != signature:
                changed.append((path, signature))
        return changed
