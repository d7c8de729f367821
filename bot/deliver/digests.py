"""Each thread's daily digest: its job, kept in line with the store, and what the job queues."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from datetime import time as clock_time
from zoneinfo import ZoneInfo

from telegram.ext import JobQueue

from content.models import MAIN_THREAD, ThreadInfo
from content.ports import ArticleStore
from handlers.capabilities.digests import valid_zone
from handlers.plumbing.context import Context

logger = logging.getLogger(__name__)


def job_name(chat_id: int, thread_id: int = MAIN_THREAD) -> str:
    """The name of a thread's digest job: one per thread, never doubled."""
    return f"digest:{chat_id}" if thread_id == MAIN_THREAD else f"digest:{chat_id}:{thread_id}"


async def queue_digest(context: Context) -> None:
    """The daily job: queue the digest of what arrived since the last one, if anything did."""
    job = context.job
    if job is None or job.chat_id is None:
        return
    thread_id = int(job.data) if isinstance(job.data, int) else MAIN_THREAD
    bot_data = context.bot_data
    if not await bot_data.store.workers.leads():
        return  # every worker has the job; the one that leads queues the digest
    if await bot_data.store.outbox.enqueue_digest(job.chat_id, time.time(), thread_id):
        bot_data.wake_outbox()
        logger.info("Queued the digest for chat %s, thread %s", job.chat_id, thread_id)


class DigestJobs:
    """Every thread's digest job, kept in line with the store.

    Jobs do not survive a restart, and a chat may set its digest through another worker:
    :meth:`sync` schedules what the store holds and is run again and again. A job whose
    thread's settings have not changed is left alone, so its next run stays as it was.
    """

    def __init__(self, job_queue: JobQueue[Context], store: ArticleStore, default_zone: str):
        self._job_queue = job_queue
        self._store = store
        self._default_zone = default_zone
        # (chat, thread) → (time, zone) its job has
        self._scheduled: dict[tuple[int, int], tuple[str, str]] = {}

    async def sync(self) -> int:
        """Schedule new and changed digests, drop stopped ones; how many there are."""
        threads = await self._store.chats.with_digest()
        self._bring_in_line(threads, self._scheduled.keys())
        return len(threads)

    async def refresh(self, chat_id: int) -> None:
        """Bring one chat's digest jobs in line with the store (its settings just changed)."""
        threads = await self._store.chats.with_digest(chat_id)
        self._bring_in_line(threads, [key for key in self._scheduled if key[0] == chat_id])

    def _bring_in_line(self, threads: list[ThreadInfo], known: Iterable[tuple[int, int]]) -> None:
        wanted = {(thread.chat.id, thread.thread_id): thread for thread in threads}
        for key in set(known) - wanted.keys():
            self._remove(*key)
            del self._scheduled[key]
        for key, thread in wanted.items():
            settings = (thread.digest_time, thread.chat.timezone)
            if self._scheduled.get(key) != settings or not self._has_job(*key):
                self._schedule(thread)
                self._scheduled[key] = settings

    def _schedule(self, thread: ThreadInfo) -> None:
        """(Re)make the thread's daily job from its stored settings."""
        chat = thread.chat
        self._remove(chat.id, thread.thread_id)
        hours, minutes = (int(part) for part in thread.digest_time.split(":"))
        zone = ZoneInfo(valid_zone(chat.timezone) or self._default_zone)
        self._job_queue.run_daily(
            queue_digest,
            clock_time(hours, minutes, tzinfo=zone),
            chat_id=chat.id,
            data=thread.thread_id,
            name=job_name(chat.id, thread.thread_id),
        )

    def _remove(self, chat_id: int, thread_id: int) -> None:
        for job in self._job_queue.get_jobs_by_name(job_name(chat_id, thread_id)):
            job.schedule_removal()

    async def resync(self, context: Context) -> None:  # noqa: ARG002 - a job's signature
        """Job callback: :meth:`sync`; a store that does not answer is tried at the next run."""
        try:
            await self.sync()
        except Exception as error:  # noqa: BLE001 - any store's failure; the jobs stay as they are
            logger.warning("Could not bring the digest jobs up to date: %s", error)

    def _has_job(self, chat_id: int, thread_id: int) -> bool:
        # A job removed by hand (or never made) is made again.
        jobs = self._job_queue.get_jobs_by_name(job_name(chat_id, thread_id))
        return any(not job.removed for job in jobs)
