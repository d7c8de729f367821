"""The store's rules for writing articles, written once for every backend.

What ingesting and re-tagging mean (fingerprint check, the write lock, who owns an id, a
rename, a replacement or a new article, deliveries queued only for a new one) is decided
here, over :class:`content.ports.ArticleRecords` and the :class:`content.ports.WriteSession`
it opens. A backend supplies the transaction and the SQL of each step, nothing else.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace

from content.models import (
    Article,
    ArticleRows,
    Incoming,
    IngestResult,
    StoredSlug,
    no_owner_present,
)
from content.ports import ArticleRecords, IdTakenError, WriteSession
from content.search import Analyzer
from content.storage.rows import article_fingerprint, tagging_key
from content.storage.tagger import PROCESS_BACKFILL, Tagger
from content.topics import Lexicon


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
        self._tagger = Tagger()
        self._last_ingest: asyncio.Future[None] | None = None  # see _in_call_order
        self._backfills = 0  # how many backfills are under way

    @asynccontextmanager
    async def backfilling(self, articles: int) -> AsyncIterator[None]:
        self._backfills += 1
        if articles >= PROCESS_BACKFILL:
            self._tagger.start(self._analyzer)
        try:
            yield
        finally:
            self._backfills -= 1
            if not self._backfills:
                await self._tagger.stop()
        if articles >= PROCESS_BACKFILL:
            await self._records.settle()

    async def ingest(
        self,
        article: Article,
        source: str,
        now: float | None = None,
        owner_present: Callable[[str], bool] = no_owner_present,
        announce: bool = True,
    ) -> IngestResult:
        item = Incoming(article, source, owner_present)
        [result] = await self.ingest_many([item], now, announce)
        if isinstance(result, IdTakenError):
            raise result
        return result

    async def ingest_many(
        self, incoming: Sequence[Incoming], now: float | None = None, announce: bool = True
    ) -> list[IngestResult | IdTakenError]:
        async with self._in_call_order() as my_turn:
            key, analyzer = self._tagged_with, self._analyzer  # as one, should a lexicon come
            fingerprints = await asyncio.to_thread(
                lambda: [article_fingerprint(item.article, key) for item in incoming]
            )
            results = await self._unchanged(incoming, fingerprints)
            changed = [index for index, result in enumerate(results) if result is None]
            if changed:
                # Tagging is CPU work: done before the lock, so that it does not hold it.
                articles = [incoming[index].article for index in changed]
                rows = await self._tagger.rows(articles, analyzer)
                await my_turn()
                now = time.time() if now is None else now
                # The session takes the write lock before reading, so another process
                # ingesting the same file cannot slip in between the check and the write.
                async with self._records.writing() as session:
                    for index, article_rows_ in zip(changed, rows, strict=True):
                        written = _Written(fingerprints[index], article_rows_, key, now, announce)
                        try:
                            results[index] = await _store_one(session, incoming[index], written)
                        except IdTakenError as error:  # raised before it wrote: the rest go on
                            results[index] = error
        return [result for result in results if result is not None]

    async def _unchanged(
        self, incoming: Sequence[Incoming], fingerprints: list[str]
    ) -> list[IngestResult | IdTakenError | None]:
        """Each article stored already as it is now, or None: the common case at start-up,
        answered without tagging or taking the write lock."""
        unchanged = await asyncio.gather(
            *(
                self._records.unchanged(item.article.slug, fingerprint, item.source)
                for item, fingerprint in zip(incoming, fingerprints, strict=True)
            )
        )
        return [
            None if same is None else IngestResult(same, item.article.slug, "unchanged")
            for item, same in zip(incoming, unchanged, strict=True)
        ]

    @asynccontextmanager
    async def _in_call_order(self) -> AsyncIterator[Callable[[], Awaitable[None]]]:
        """Articles are written in the order their calls came, though a later batch may be
        tagged sooner (two in flight while backfilling): a folder's articles are stored in
        its files' order, and the last file is the newest article. Yields what to await
        before writing: the calls before this one have written, or given up."""
        earlier = self._last_ingest
        mine = self._last_ingest = asyncio.get_running_loop().create_future()

        async def my_turn() -> None:
            if earlier is not None:
                await asyncio.shield(earlier)

        try:
            yield my_turn
        finally:
            mine.set_result(None)

    def use_lexicon(self, lexicon: Lexicon) -> None:
        self._analyzer = replace(self._analyzer, lexicon=lexicon)
        self._tagged_with = tagging_key(self._analyzer)
        if self._tagger.started:
            self._tagger.start(self._analyzer)

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
        [done] = await self.retag_many([article_id])
        return done

    async def retag_many(self, article_ids: Sequence[int]) -> list[bool]:
        stored = await self._records.stored_articles(article_ids)
        found = [(article_id, *stored[article_id]) for article_id in stored]
        done = dict.fromkeys(article_ids, False)
        if not found:
            return list(done.values())
        key, analyzer = self._tagged_with, self._analyzer
        articles = [article for _, _, article in found]
        fingerprints = await asyncio.to_thread(
            lambda: [article_fingerprint(article, key) for article in articles]
        )
        tagged = zip(fingerprints, await self._tagger.rows(articles, analyzer), strict=True)
        async with self._records.writing() as session:
            for (article_id, before, _), (fingerprint, rows) in zip(found, tagged, strict=True):
                now = await session.fingerprint(article_id)
                done[article_id] = now is not None
                if now != before:  # replaced meanwhile, or gone
                    continue
                await session.rewrite_tags(article_id, rows, key)
                await session.set_fingerprint(article_id, fingerprint)
        return [done[article_id] for article_id in article_ids]


@dataclass(frozen=True, slots=True)
class _Written:
    """What an article is written with: its fingerprint and rows, worked out before the
    transaction, and the transaction's own settings."""

    fingerprint: str
    rows: ArticleRows
    tagged_with: str
    now: float
    announce: bool


async def _store_one(session: WriteSession, item: Incoming, written: _Written) -> IngestResult:
    """Write one article in the open session: added, renamed in place, or replaced."""
    article, source = item.article, item.source
    stored = await session.slug_holder(article.slug)
    outcome = ingest_outcome(stored, written.fingerprint, source, item.owner_present)
    if stored is not None and outcome == "renamed":
        await session.move(stored.article_id, source)
        return IngestResult(stored.article_id, article.slug, "unchanged")
    if stored is not None:
        article_id = stored.article_id
        await session.update_article(article_id, article, source, written.fingerprint, written.now)
        await session.delete_content(article_id)
    else:
        article_id = await session.add_article(article, source, written.fingerprint, written.now)
    await session.write_content(article_id, written.rows, written.tagged_with)
    if stored is None and written.announce:
        await session.enqueue_article(article_id, written.now, written.rows.words)
    return IngestResult(article_id, article.slug, outcome)
