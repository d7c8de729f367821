"""Storing and re-tagging many articles at once, against each backend: a batch does what the
same articles one at a time would, an id another file owns is refused in its place, and a
failure stores none of the batch."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from bot.sync.lexicon import retag_stale
from content.library import BATCH_FILES, ingest_directory
from content.models import Article, Incoming, IngestResult
from content.parser import parse_file
from content.ports import ArticleStore, IdTakenError
from content.storage import rules
from content.topics import load_lexicon
from tests.quality.eval.tagging import FOLDER as WORLD

ARTICLES = sorted(WORLD.glob("*.txt"))[:6]


def world_article(path: Path, slug: str) -> Article:
    """An evaluation article, under an id of the test's choosing."""
    return replace(parse_file(path), slug=slug)


async def reading(store: ArticleStore, article_id: int) -> tuple[object, ...]:
    """What readers get of a stored article: its topics, sections and each topic's briefing."""
    article = await store.article(article_id)
    assert article is not None
    topics = await store.topics_of(article)
    briefings = [await store.topic_briefing(article, topic) for topic in topics]
    return (
        topics,
        await store.headings(article),
        [
            ([p.text for p in b.paragraphs], [bullet.text for bullet in b.bullets])
            for b in briefings
        ],
        (await store.summary(article)).bullets,
    )


async def test_a_batch_is_stored_as_one_at_a_time_would_be(store: ArticleStore) -> None:
    batch = [Incoming(world_article(path, f"batch-{n}"), f"batch-{n}.txt")
             for n, path in enumerate(ARTICLES)]  # fmt: skip
    stored = await store.ingest_many(batch)
    alone = [await store.ingest(world_article(path, f"alone-{n}"), f"alone-{n}.txt")
             for n, path in enumerate(ARTICLES)]  # fmt: skip
    assert [r.outcome for r in stored if isinstance(r, IngestResult)] == ["added"] * len(ARTICLES)
    for in_batch, one in zip(stored, alone, strict=True):
        assert isinstance(in_batch, IngestResult)
        assert await reading(store, in_batch.article_id) == await reading(store, one.article_id)
    again = await store.ingest_many(batch)
    assert [r.outcome for r in again if isinstance(r, IngestResult)] == ["unchanged"] * len(batch)


async def test_an_id_another_file_owns_is_refused_in_its_place(store: ArticleStore) -> None:
    first, second, third = (world_article(path, f"a{n}") for n, path in enumerate(ARTICLES[:3]))
    await store.ingest(first, "a0.txt")
    taken = replace(second, slug="a0")  # the id a0.txt owns, from another file still there

    results = await store.ingest_many(
        [
            Incoming(taken, "other.txt", owner_present=lambda owner: owner == "a0.txt"),
            Incoming(third, "a2.txt"),
        ]
    )

    assert isinstance(results[0], IdTakenError)
    assert isinstance(results[1], IngestResult)
    assert results[1].outcome == "added"
    stored = {info.slug: info for info in await store.articles()}
    assert set(stored) == {"a0", "a2"}
    assert stored["a0"].title == first.title  # the owner's article, untouched


async def test_a_batch_that_fails_stores_none_of_it(
    store: ArticleStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    written = 0
    store_one = rules._store_one

    async def fails_on_the_third(*arguments: object) -> IngestResult:
        nonlocal written
        written += 1
        if written == 3:
            raise OSError("disk full")
        return await store_one(*arguments)  # type: ignore[arg-type]

    monkeypatch.setattr(rules, "_store_one", fails_on_the_third)
    batch = [
        Incoming(world_article(path, f"f{n}"), f"f{n}.txt") for n, path in enumerate(ARTICLES)
    ]
    with pytest.raises(OSError, match="disk full"):
        await store.ingest_many(batch)
    assert await store.articles() == []
    assert (await store.outbox.stats()).deliveries_by_state == ()


async def test_a_folder_bigger_than_a_batch_is_stored_whole(
    store: ArticleStore, tmp_path: Path
) -> None:
    texts = [path.read_bytes() for path in sorted(WORLD.glob("*.txt"))]
    count = BATCH_FILES * 2 + 5  # three batches, two of them in flight at once
    for number in range(count):
        (tmp_path / f"n{number:03d}.txt").write_bytes(texts[number % len(texts)])
    (tmp_path / "n010.txt").write_text("no summary, no sections", encoding="utf-8")
    (tmp_path / "n050.txt").write_bytes(b"\xff\xfe broken")

    report = await ingest_directory(store, tmp_path)

    assert [Path(str(error.path)).name for error in report.errors] == ["n010.txt", "n050.txt"]
    assert [result.slug for result in report.results] == [
        f"n{number:03d}" for number in range(count) if number not in (10, 50)
    ]
    assert len(await store.articles(limit=500)) == count - 2
    newest = await store.current_article()  # written in the files' order, the last one last
    assert newest is not None
    assert newest.slug == f"n{count - 1:03d}"
    again = await ingest_directory(store, tmp_path)
    assert {result.outcome for result in again.results} == {"unchanged"}


async def test_retagging_many_gives_what_ingesting_them_anew_would(
    store: ArticleStore, tmp_path: Path
) -> None:
    overlay = tmp_path / "newsroom.toml"
    overlay.write_text(
        '[[topic]]\ncommand = "fuel"\nlabel_ar = "الوقود"\nlabel_en = "Fuel"\n'
        'names = ["الوقود", "الغذاء"]\n',
        encoding="utf-8",
    )
    old = [await store.ingest(world_article(path, f"old-{n}"), f"old-{n}.txt")
           for n, path in enumerate(ARTICLES)]  # fmt: skip
    store.use_lexicon(load_lexicon(overlay=overlay))
    assert len(await store.stale_articles()) == len(ARTICLES)

    assert await retag_stale(store) == len(ARTICLES)

    assert await store.stale_articles() == []
    for n, (path, result) in enumerate(zip(ARTICLES, old, strict=True)):
        fresh = await store.ingest(world_article(path, f"new-{n}"), f"new-{n}.txt")
        assert await reading(store, result.article_id) == await reading(store, fresh.article_id)
    assert await store.retag_many([old[0].article_id, 999_999]) == [True, False]
