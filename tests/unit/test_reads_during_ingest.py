"""Readers and a long ingest: a reader never sees a half-written article, and never waits."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from content.library import ingest_file
from content.models import ArticleRows, Summary
from content.storage.sqlite.records import SqliteWriteSession
from content.storage.sqlite.store import Store
from tests.support.articles import article_text, write_article

BOUND = 5.0  # seconds


async def test_a_reader_sees_the_last_commit_not_an_open_transaction(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_article(tmp_path, "news", "الخلاصة القديمة", "وصل وفد قرغيزستان إلى بيشكيك.")
    await ingest_file(store, path)
    (info,) = await store.articles()
    before = await store.summary(info)
    midway, looked = asyncio.Event(), asyncio.Event()
    seen: list[Summary] = []

    async def reader() -> None:  # a handler's task, started before the ingest
        await midway.wait()
        seen.append(await store.summary(info))
        looked.set()

    real_write = SqliteWriteSession.write_content

    async def write_then_wait_for_the_reader(
        session: SqliteWriteSession, article_id: int, rows: ArticleRows, tagged_with: str
    ) -> None:
        await real_write(session, article_id, rows, tagged_with)
        midway.set()  # the new content is written, not yet committed
        async with asyncio.timeout(BOUND):
            await looked.wait()

    reading = asyncio.create_task(reader())
    monkeypatch.setattr(SqliteWriteSession, "write_content", write_then_wait_for_the_reader)
    path.write_text(article_text("الخلاصة الجديدة", "غادر وفد طاجيكستان دوشنبه."), "utf-8")
    assert (await ingest_file(store, path)).outcome == "replaced"
    await reading
    assert seen == [before]
    (after,) = await store.articles()
    assert (await store.summary(after)).title == "الخلاصة الجديدة"


async def test_the_reading_connection_cannot_write(store: Store) -> None:
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        await store._fetchall("DELETE FROM articles")


async def test_a_chat_just_recorded_is_read_back_while_others_read(
    store: Store, seeds_dir: Path
) -> None:
    """Read-your-writes while other tasks read: a statement left open on the reading
    connection would pin its snapshot, and a chat just written would 'vanish'."""
    await ingest_file(store, seeds_dir / "brics-kazan-summit.ar.txt")

    async def reader() -> None:
        for _ in range(20):
            await store.search("إيران", limit=3)
            await store.chats.get(1)

    async def newcomer(chat_id: int) -> None:
        chat = await store.chats.record(chat_id, "private", "Reader", now=1.0)
        assert chat.id == chat_id

    await asyncio.gather(*(reader() for _ in range(8)), *(newcomer(i) for i in range(2, 200)))
