"""Scheduled work: digests rebuilt from the store, and the seeds folder watched for articles."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from pathlib import Path

from telegram.ext import JobQueue

from content.library import article_files, ingest_file
from content.parser import ArticleFormatError
from content.ports import ArticleStore
from handlers.context import Context
from handlers.digests import job_name, schedule_digest

logger = logging.getLogger(__name__)


class DigestJobs:
    """Every chat's digest job, kept in line with the store.

    Jobs do not survive a restart, and a chat may set its digest through another worker:
    :meth:`sync` schedules what the store holds and is run again and again. A job whose
    chat's settings have not changed is left alone, so its next run stays as it was.
    """

    def __init__(self, job_queue: JobQueue[Context], store: ArticleStore, default_zone: str):
        self._job_queue = job_queue
        self._store = store
        self._default_zone = default_zone
        self._scheduled: dict[int, tuple[str, str]] = {}  # chat → (time, zone) its job has

    async def sync(self) -> int:
        """Schedule new and changed digests, drop stopped ones; how many there are."""
        chats = await self._store.chats.with_digest()
        wanted = {chat.id: chat for chat in chats}
        for chat_id in self._scheduled.keys() - wanted.keys():
            for job in self._job_queue.get_jobs_by_name(job_name(chat_id)):
                job.schedule_removal()
            del self._scheduled[chat_id]
        for chat in chats:
            settings = (chat.digest_time, chat.timezone)
            if self._scheduled.get(chat.id) != settings or not self._has_job(chat.id):
                schedule_digest(self._job_queue, chat, self._default_zone)
                self._scheduled[chat.id] = settings
        return len(chats)

    async def resync(self, context: Context) -> None:  # noqa: ARG002 - a job's signature
        """Job callback: :meth:`sync`; a store that does not answer is tried at the next run."""
        try:
            await self.sync()
        except Exception as error:  # noqa: BLE001 - any store's failure; the jobs stay as they are
            logger.warning("Could not bring the digest jobs up to date: %s", error)

    def _has_job(self, chat_id: int) -> bool:
        # A chat's own /digest on this worker reschedules its job directly; one removed
        # by hand (or never made) is made again.
        return any(not job.removed for job in self._job_queue.get_jobs_by_name(job_name(chat_id)))


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
