"""The seeds folder, watched for articles that appear or change while the bot runs."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from pathlib import Path

from content.library import article_files, ingest_file
from content.parser import ArticleFormatError
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
        """Ingest new or changed files; how many articles were added or replaced."""
        changed = await asyncio.to_thread(self._changed_files)
        stored = 0
        for path, signature in changed:
            try:
                result = await ingest_file(self._store, path, self._max_bytes)
            except ArticleFormatError as error:
                self._seen[path] = signature  # the file is wrong: wait for it to change
                logger.warning("Skipped an article: %s", error)
                continue
            except (sqlite3.Error, OSError) as error:
                # Disk full, database locked: not the file's fault, so the next scan retries.
                logger.warning("Could not store %s, will retry: %s", path.name, error)
                continue
            self._seen[path] = signature
            logger.info("Article %s from %s: %s", result.slug, path.name, result.outcome)
            stored += result.outcome != "unchanged"
        return stored

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
