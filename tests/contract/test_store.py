"""The store: migrations, idempotent ingest, replacement, rollback, and what it returns."""

from __future__ import annotations

import shutil
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from content.library import ingest_directory, ingest_file
from content.parser import parse_article, parse_file
from content.storage.sqlite.schema import MIGRATIONS
from content.storage.sqlite.store import Store
from content.topics import Lexicon, load_lexicon
from tests.quality.eval.tagging import FOLDER as WORLD
from tests.support.articles import article_text
from tests.support.harness import SEED

TABLES = ("articles", "sections", "paragraphs", "bullets", "paragraph_topics", "bullet_topics")


def dump(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table, read with plain sqlite3 from outside the store."""
    with sqlite3.connect(path) as db:
        tables = {t: sorted(db.execute(f"SELECT * FROM {t}").fetchall()) for t in TABLES}  # noqa: S608
        tables["paragraph_terms"] = sorted(
            db.execute("SELECT rowid, terms FROM paragraph_terms").fetchall()
        )
    return tables


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "store.sqlite3"


async def test_schema_is_migrated_to_the_latest_version(db_path: Path, lexicon: Lexicon) -> None:
    async with await Store.open(db_path, lexicon) as store:
        assert await store.schema_version() == len(MIGRATIONS)
    with sqlite3.connect(db_path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


async def test_a_newer_database_is_refused(db_path: Path, lexicon: Lexicon) -> None:
    with sqlite3.connect(db_path) as db:
        db.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    with pytest.raises(RuntimeError, match="newer"):
        await Store.open(db_path, lexicon)


async def test_the_same_file_twice_changes_nothing(db_path: Path, lexicon: Lexicon) -> None:
    async with await Store.open(db_path, lexicon) as store:
        first = await ingest_file(store, SEED)
        before = dump(db_path)
        second = await ingest_file(store, SEED)
    assert (first.outcome, second.outcome) == ("added", "unchanged")
    assert first.article_id == second.article_id
    assert dump(db_path) == before
    assert len(before["paragraphs"]) == 1 + 3 + 3 + 4 + 9
    assert len(before["bullets"]) == 6


async def test_a_changed_file_replaces_the_article(
    db_path: Path, lexicon: Lexicon, tmp_path: Path
) -> None:
    changed = tmp_path / SEED.name
    changed.write_text(SEED.read_text().replace("إيران والصين", "إيران وحدها"))
    async with await Store.open(db_path, lexicon) as store:
        first = await ingest_file(store, SEED)
        again = await ingest_file(store, changed)
        article = await store.current_article()
        assert article is not None
        headings = [heading for _, heading in await store.headings(article)]
    assert again.outcome == "replaced"
    assert again.article_id == first.article_id
    assert "إيران وحدها" in headings
    assert "إيران والصين" not in headings
    assert len(dump(db_path)["paragraphs"]) == 20  # replaced, not added to


async def test_a_failing_ingest_leaves_the_store_as_it_was(
    db_path: Path, lexicon: Lexicon
) -> None:
    article = parse_file(SEED)
    async with await Store.open(db_path, lexicon) as store:
        await store.ingest(article, "seed.txt")
        before = dump(db_path)
        # Fail in the middle of the write: after the paragraphs, on the last bullet.
        with sqlite3.connect(db_path) as db:
            db.execute(
                "CREATE TRIGGER boom BEFORE INSERT ON bullets WHEN NEW.text = 'انفجار.'"
                " BEGIN SELECT RAISE(ABORT, 'boom'); END"
            )
        broken = replace(article, bullets=(*article.bullets[:-1], "انفجار."))
        with pytest.raises(sqlite3.IntegrityError, match="boom"):
            await store.ingest(broken, "seed.txt")
        new = replace(article, slug="another", bullets=("انفجار.",))
        with pytest.raises(sqlite3.IntegrityError, match="boom"):
            await store.ingest(new, "another.txt")
        assert await store.article_count() == 1
    assert dump(db_path) == before


async def test_directory_ingest_skips_a_bad_file(
    store: Store, seeds_dir: Path, tmp_path: Path
) -> None:
    (seeds_dir / "broken.txt").write_text("فقرة.\nأبرز النقاط:\n")  # no bullets
    (seeds_dir / "notes.md").write_text("not an article")
    report = await ingest_directory(store, seeds_dir)
    assert [result.slug for result in report.results] == ["brics-kazan-summit-ar"]
    (error,) = report.errors
    assert error.path.endswith("broken.txt")
    assert error.line == 2
    shutil.copy(SEED, seeds_dir / "BRICS kazan summit.ar.txt")  # the same id as the seed
    again = await ingest_directory(store, seeds_dir)
    assert [result.outcome for result in again.results] == ["unchanged"]
    assert any("already taken" in error.reason for error in again.errors)
    missing = await ingest_directory(store, tmp_path / "nowhere")
    assert missing.results == ()
    assert "does not exist" in missing.errors[0].reason


async def test_content_survives_a_restart(db_path: Path, lexicon: Lexicon) -> None:
    async with await Store.open(db_path, lexicon) as store:
        await ingest_file(store, SEED)
    async with await Store.open(db_path, lexicon) as store:
        article = await store.current_article()
        assert article is not None
        summary = await store.summary(article)
    assert summary.bullets == parse_file(SEED).bullets


async def test_search_keeps_an_old_answer_that_only_a_rare_word_finds(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("content.storage.sqlite.store.SEARCH_CANDIDATES", 3)
    old = article_text("خبر قديم", "قال أوشاكوف إن العقوبات لن تؤثر.")
    await store.ingest(parse_article(old.encode(), "old.txt"), "old.txt", now=1.0)
    for number in range(6):  # newer paragraphs that only share the common word
        newer = article_text(f"خبر {number}", "تتواصل العقوبات على الشركات.")
        await store.ingest(
            parse_article(newer.encode(), f"new{number}.txt"), "n", now=2.0 + number
        )
    hits = await store.search("أوشاكوف العقوبات", limit=3)
    assert "أوشاكوف" in hits[0].paragraph.text
    common = await store.search("العقوبات", limit=10)
    assert all(hit.article.slug != "old" for hit in common)  # the newest matches win


async def test_a_new_lexicon_retags_stored_articles(
    db_path: Path, lexicon: Lexicon, tmp_path: Path
) -> None:
    path = WORLD / "sudan-war.ar.txt"
    overlay = tmp_path / "newsroom.toml"
    overlay.write_text(
        '[[topic]]\ncommand = "fuel"\nlabel_ar = "الوقود"\nlabel_en = "Fuel"\nnames = ["الوقود"]\n'
    )
    async with await Store.open(db_path, lexicon) as store:
        result = await ingest_file(store, path)
        assert await store.stale_articles() == []
        store.use_lexicon(load_lexicon(overlay=overlay))
        assert await store.stale_articles() == [result.article_id]
        assert await store.retag(result.article_id)
        article = await store.article(result.article_id)
        assert article is not None
        assert "fuel" in await store.topics_of(article)
        briefing = await store.topic_briefing(article, "fuel")
        assert [p.text[:12] for p in briefing.paragraphs] == ["ويعبر الوقود"]
        assert await store.stale_articles() == []
        # Re-tagging from the store gives what ingesting the file would have.
        assert (await ingest_file(store, path)).outcome == "unchanged"
        assert await store.retag(9999) is False
