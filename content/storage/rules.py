"""The store's rules for writing articles, written once for every backend.

What ingesting and re-tagging mean (fingerprint check, the write lock, who owns an id, a
rename, a replacement or a new article, deliveries queued only for a new one) is decided
here, over :class:`content.ports.ArticleRecords` and the :class:`content.ports.WriteSession`
it opens. A backend supplies the transaction and the SQL of each step, nothing else.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import replace

from content.models import Article, IngestResult, StoredSlug
from content.ports import ArticleRecords, IdTakenError
from content.search import Analyzer
from content.storage.rows import article_fingerprint, article_rows, tagging_key
from content.topics import Lexicon


def no_owner_present(_owner: str) -> bool:
    """The default for ``ingest``: no other file is known to be there."""
    return False


def ingest_outcome(
    stored: StoredSlug | None,
    fingerprint: str,
    source: str,
    owner_present: Callable[[str], bool],
) -> str:
    """What storing an article does, given what its id holds now: ``added``, ``renamed``
    (the same article from a new file name) or ``replaced``.

    Raises IdTakenError when another file that is still there owns the id.
    """
    if stored is None:
        return "added"
    if stored.source != source and owner_present(stored.source):
        raise IdTakenError(stored.slug, stored.source)
    return "renamed" if stored.fingerprint == fingerprint else "replaced"


class StoreRules:
    """Ingest and re-tag, for a backend's store class to inherit with its records."""

    def __init__(self, records: ArticleRecords, analyzer: Analyzer) -> None:
        self._records = records
        self._analyzer = analyzer
        self._tagged_with = tagging_key(analyzer)

    async def ingest(
        self,
        article: Article,
        source: str,
        now: float | None = None,
        owner_present: Callable[[str], bool] = no_owner_present,
        announce: bool = True,
    ) -> IngestResult:
        fingerprint = await asyncio.to_thread(article_fingerprint, article, self._tagged_with)
        # The common case at start-up, answered without tagging or taking the write lock.
        unchanged = await self._records.unchanged(article.slug, fingerprint, source)
        if unchanged is not None:
            return IngestResult(unchanged, article.slug, "unchanged")
        # Tagging is CPU work: done in a thread, before the lock, so it holds neither.
        rows = await asyncio.to_thread(article_rows, article, self._analyzer)
        now = time.time() if now is None else now
        # The session takes the write lock before reading, so another process ingesting the
        # same file at the same moment cannot slip in between the check and the write.
        async with self._records.writing() as session:
            stored = await session.slug_holder(article.slug)
            outcome = ingest_outcome(stored, fingerprint, source, owner_present)
            if stored is not None and outcome == "renamed":
                await session.move(stored.article_id, source)
                return IngestResult(stored.article_id, article.slug, "unchanged")
            if stored is not None:
                article_id = stored.article_id
                await session.update_article(article_id, article, source, fingerprint, now)
                await session.delete_content(article_id)
            else:
                article_id = await session.add_article(article, source, fingerprint, now)
            await session.write_content(article_id, rows, self._tagged_with)
            if stored is None and announce:
                await session.enqueue_article(article_id, now, rows.words)
        return IngestResult(article_id, article.slug, outcome)

    def use_lexicon(self, lexicon: Lexicon) -> None:
        self._analyzer = replace(self._analyzer, lexicon=lexicon)
        self._tagged_with = tagging_key(self._analyzer)

    async def article_source(self, slug: str) -> str | None:
        async with self._records.writing() as session:  # rare, and read as the writer sees it
            holder = await session.slug_holder(slug)
        return holder.source if holder is not None else None

    async def withdraw(self, slug: str) -> str | None:
        async with self._records.writing() as session:
            holder = await session.slug_holder(slug)
            if holder is None:
                return None
            await session.delete_article(holder.article_id)
        return holder.source

    async def stale_articles(self) -> list[int]:
        return await self._records.tagged_otherwise(self._tagged_with)

    async def retag(self, article_id: int) -> bool:
        before = await self._records.fingerprint(article_id)
        article = await self._records.stored_article(article_id)
        if before is None or article is None:
            return False
        fingerprint = await asyncio.to_thread(article_fingerprint, article, self._tagged_with)
        rows = await asyncio.to_thread(article_rows, article, self._analyzer)
        async with self._records.writing() as session:
            now = await session.fingerprint(article_id)
            if now != before:  # replaced meanwhile, or gone
                return now is not None
            await session.delete_content(article_id)
            await session.write_content(article_id, rows, self._tagged_with)
            await session.set_fingerprint(article_id, fingerprint)
        return True
