"""One rule for article ids: the seeds folder is the source of truth, and an id belongs to the
file whose name made it. Every way in (start-up, the watcher, the command line, an upload)
keeps to it, so nothing is overwritten silently and no restart undoes anything."""

from __future__ import annotations

import errno
import io
import logging
import os
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from bot.sync.seeds import SeedsWatcher
from content.library import Upload, add_article, ingest_directory, ingest_file
from content.parser import ArticleFormatError
from content.storage.sqlite.store import Store
from tests.support.articles import article_text
from tests.support.harness import SEED

CLASH = "BRICS kazan summit.ar.txt"  # another name that makes the seed's id
UPLOAD = article_text("خبر مرفوع", "أعلنت قرغيزستان عن اتفاق جديد.").encode()


@pytest.fixture
async def seeded(store: Store, seeds_dir: Path) -> Store:
    """The store after start-up has ingested the seeds folder."""
    report = await ingest_directory(store, seeds_dir)
    assert [result.outcome for result in report.results] == ["added"]
    return store


def names_in(folder: Path) -> list[str]:
    """Every name in ``folder``, hidden partial files included."""
    return sorted(path.name for path in folder.iterdir())


async def summary_title(store: Store) -> str:
    (article,) = await store.articles()
    return article.summary_title


async def test_the_watcher_refuses_a_new_file_whose_id_is_taken(
    seeded: Store, seeds_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    before = await summary_title(seeded)
    watcher = SeedsWatcher(seeded, seeds_dir, 1_000_000)
    await watcher.prime()
    (seeds_dir / CLASH).write_bytes(UPLOAD)
    with caplog.at_level(logging.WARNING):
        assert await watcher.ingest_changes() == 0
    assert await summary_title(seeded) == before
    assert f"already taken by {SEED.name}" in caplog.text
    assert CLASH in caplog.text


async def test_start_up_and_the_watcher_give_the_same_answer(
    store: Store, seeds_dir: Path
) -> None:
    (seeds_dir / CLASH).write_bytes(UPLOAD)
    report = await ingest_directory(store, seeds_dir)
    (error,) = report.errors  # the capital B sorts first and takes the id
    assert error.path == str(seeds_dir / SEED.name)
    assert (
        error.reason
        == f"its id 'brics-kazan-summit-ar' is already taken by {CLASH}; rename one of them"
    )
    with pytest.raises(ArticleFormatError) as raised:
        await ingest_file(store, seeds_dir / SEED.name)
    assert raised.value.reason == error.reason


async def test_a_file_added_while_stopped_does_not_take_a_stored_id(
    seeded: Store, seeds_dir: Path
) -> None:
    (seeds_dir / CLASH).write_bytes(UPLOAD)  # sorts before the seed that owns the id
    report = await ingest_directory(seeded, seeds_dir)
    (error,) = report.errors
    assert error.path == str(seeds_dir / CLASH)
    assert [result.outcome for result in report.results] == ["unchanged"]


async def test_a_renamed_file_keeps_its_article(seeded: Store, seeds_dir: Path) -> None:
    (seeds_dir / SEED.name).rename(seeds_dir / CLASH)
    assert (await ingest_file(seeded, seeds_dir / CLASH)).outcome == "unchanged"
    (seeds_dir / CLASH).write_bytes(UPLOAD)  # and the new name now owns the id
    assert (await ingest_file(seeded, seeds_dir / CLASH)).outcome == "replaced"
    assert await summary_title(seeded) == "خبر مرفوع"


async def test_an_upload_named_like_a_seed_replaces_it_for_good(
    seeded: Store, seeds_dir: Path
) -> None:
    result = await add_article(seeded, seeds_dir, Upload(SEED.name, UPLOAD))
    assert result.outcome == "replaced"
    assert (seeds_dir / SEED.name).read_bytes() == UPLOAD
    restart = await ingest_directory(seeded, seeds_dir)
    assert [result.outcome for result in restart.results] == ["unchanged"]
    assert await summary_title(seeded) == "خبر مرفوع"


async def test_an_upload_under_another_name_for_a_taken_id_changes_nothing(
    seeded: Store, seeds_dir: Path
) -> None:
    before = await summary_title(seeded)
    with pytest.raises(ArticleFormatError, match=f"already taken by {SEED.name}"):
        await add_article(seeded, seeds_dir, Upload(CLASH, UPLOAD))
    assert names_in(seeds_dir) == [SEED.name]
    assert await summary_title(seeded) == before


async def test_an_upload_stays_inside_the_seeds_folder(store: Store, seeds_dir: Path) -> None:
    result = await add_article(store, seeds_dir, Upload("../../outside.txt", UPLOAD))
    assert result.outcome == "added"
    assert (seeds_dir / "outside.txt").read_bytes() == UPLOAD
    assert not (seeds_dir.parent / "outside.txt").exists()
    for name in (".hidden.txt", "notes.md", "..\\..\\x.md"):
        with pytest.raises(ArticleFormatError, match=r"ends in \.txt"):
            await add_article(store, seeds_dir, Upload(name, UPLOAD))


async def test_a_full_disk_leaves_the_folder_and_the_store_as_they_were(
    seeded: Store, seeds_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_fdopen = os.fdopen

    class FillsUp(io.BufferedWriter):
        def write(self, _data: object) -> int:  # the partial file was begun, then the disk filled
            raise OSError(errno.ENOSPC, "No space left on device")

    def fdopen(descriptor: int, mode: str = "r") -> object:
        return FillsUp(real_fdopen(descriptor, mode, buffering=0))

    monkeypatch.setattr(os, "fdopen", fdopen)
    with pytest.raises(OSError, match="No space left"):
        await add_article(seeded, seeds_dir, Upload("new.txt", UPLOAD))
    monkeypatch.undo()
    assert names_in(seeds_dir) == [SEED.name]
    assert len(await seeded.articles()) == 1


async def test_a_failed_store_puts_no_file_in_the_folder(
    store: Store, seeds_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def locked(*_args: Any, **_kwargs: Any) -> Any:
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr(store, "ingest", locked)
    with pytest.raises(sqlite3.OperationalError):
        await add_article(store, seeds_dir, Upload("new.txt", UPLOAD))
    assert names_in(seeds_dir) == [SEED.name]
