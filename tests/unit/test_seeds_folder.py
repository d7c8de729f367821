"""The seeds folder can hold anything: only regular files are read, and nothing blocks."""

from __future__ import annotations

import asyncio
import os
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from bot.sync.seeds import SeedsWatcher
from content.library import BATCH_FILES, ingest_directory
from content.parser import ArticleFormatError, parse_file
from content.storage.sqlite.store import Store
from tests.support.harness import SEED

BOUND = 5.0  # seconds: a FIFO opened for reading would block far longer


@pytest.fixture
async def watched(store: Store, tmp_path: Path) -> tuple[Path, SeedsWatcher]:
    """An empty folder, and a watcher of it that has seen it as it is."""
    folder = tmp_path / "watched"
    folder.mkdir()
    watcher = SeedsWatcher(store, folder, 1_000_000)
    await watcher.prime()
    return folder, watcher


@pytest.fixture
def odd_seeds(tmp_path: Path) -> Path:
    """The seed, a folder named like an article, and a FIFO named like one."""
    folder = tmp_path / "seeds"
    folder.mkdir()
    shutil.copy(SEED, folder / SEED.name)
    (folder / "notes.txt").mkdir()
    os.mkfifo(folder / "zz.txt")
    return folder


async def test_start_up_ingest_skips_folders_and_fifos(store: Store, odd_seeds: Path) -> None:
    async with asyncio.timeout(BOUND):
        report = await ingest_directory(store, odd_seeds)
    assert [result.slug for result in report.results] == ["brics-kazan-summit-ar"]
    assert report.errors == ()


async def test_a_fifo_is_refused_without_blocking(odd_seeds: Path) -> None:
    async with asyncio.timeout(BOUND):
        with pytest.raises(ArticleFormatError, match="not a regular file"):
            await asyncio.to_thread(parse_file, odd_seeds / "zz.txt")
    with pytest.raises(ArticleFormatError, match="not a regular file"):
        parse_file(odd_seeds / "notes.txt")


async def test_the_watcher_is_not_stalled_by_a_fifo_that_appears(
    watched: tuple[Path, SeedsWatcher],
) -> None:
    folder, watcher = watched
    os.mkfifo(folder / "late.txt")
    shutil.copy(SEED, folder / SEED.name)
    async with asyncio.timeout(BOUND):
        assert await watcher.ingest_changes() == 1


async def test_a_file_that_failed_to_store_is_retried_on_the_next_scan(
    store: Store, watched: tuple[Path, SeedsWatcher], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder, watcher = watched
    shutil.copy(SEED, folder / SEED.name)
    real_ingest = store.ingest_many
    failures = [sqlite3.OperationalError("database or disk is full")]

    async def ingest_once_failing(*args: Any, **kwargs: Any) -> Any:
        if failures:
            raise failures.pop()
        return await real_ingest(*args, **kwargs)

    monkeypatch.setattr(store, "ingest_many", ingest_once_failing)
    assert await watcher.ingest_changes() == 0  # the disk was full
    assert await store.article_count() == 0
    assert await watcher.ingest_changes() == 1  # the next scan stores it
    assert await store.article_count() == 1
    assert await watcher.ingest_changes() == 0  # and only once


async def test_many_files_dropped_at_once_go_in_batches_and_a_bad_one_waits(
    store: Store, watched: tuple[Path, SeedsWatcher]
) -> None:
    folder, watcher = watched
    count = BATCH_FILES + 8  # more than one batch, the second tagged while the first is written
    for number in range(count):
        shutil.copy(SEED, folder / f"copy-{number:02d}.txt")
    (folder / "broken.txt").write_text("no summary here", encoding="utf-8")

    assert await watcher.ingest_changes() == count
    assert await store.article_count() == count
    assert await watcher.ingest_changes() == 0  # the broken file waits until it changes
    shutil.copy(SEED, folder / "broken.txt")
    assert await watcher.ingest_changes() == 1
