"""Ingesting article files into the store: one file, or every file in the seeds folder.

The seeds folder is the source of truth, and an article's id comes from its file's name.
Every way in (start-up, the folder watcher, ``python -m bot ingest``, an administrator's
upload) ends with the file in the seeds folder under its own name. A file replaces an
article only when it has the name of the file that made it; another file whose name gives
the same id is refused, naming both, for as long as the first file is in the folder.
"""

from __future__ import annotations

import asyncio
import logging
import os
import tempfile
from collections import deque
from collections.abc import AsyncGenerator, AsyncIterable, Awaitable, Callable
from contextlib import aclosing
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from content.models import Article, ArticleInfo, Incoming, IngestResult
from content.parser import (
    DEFAULT_MAX_BYTES,
    ArticleFormatError,
    parse_article,
    parse_file,
)
from content.ports import ArticleStore, IdTakenError

logger = logging.getLogger(__name__)

ARTICLE_SUFFIX = ".txt"
T = TypeVar("T")
_MAX_NAME_BYTES = 255  # what common file systems allow


@dataclass(frozen=True, slots=True)
class IngestReport:
    """What ingesting a folder did: the articles stored and the files rejected."""

    results: tuple[IngestResult, ...]
    errors: tuple[ArticleFormatError, ...]


async def ingest_file(
    store: ArticleStore, path: Path, max_bytes: int = DEFAULT_MAX_BYTES
) -> IngestResult:
    """Parse ``path``, a file in the seeds folder, and store it.

    A malformed file, or one whose id another file in its folder owns, raises
    ArticleFormatError and leaves the store as it was.
    """
    # Reading and parsing up to a megabyte is blocking work: keep it off the event loop.
    article = await asyncio.to_thread(parse_file, path, max_bytes)
    return await _store_owned(store, article, path, path)


@dataclass(frozen=True, slots=True)
class Upload:
    """A file from outside the seeds folder: the name it takes there, its bytes, and how its
    sender knows it (errors name it so; by default, its name)."""

    name: str
    data: bytes
    shown_as: str | Path | None = None


async def add_article(
    store: ArticleStore,
    folder: Path,
    upload: Upload,
    max_bytes: int = DEFAULT_MAX_BYTES,
    *,
    announce: bool = True,
) -> IngestResult:
    """Put an article from outside the seeds folder into it as ``upload.name``, and store it
    (and queue it for its readers, when new and ``announce``).

    The file is checked and stored before it takes its place in the folder, so a refused
    article (malformed, or its id owned by another file) leaves both the store and the
    folder as they were. A full disk raises OSError, and changes nothing either. Errors
    name the file as ``shown_as`` (by default ``name``), as its sender knows it.
    """
    name, data = upload.name, upload.data
    target = folder / file_name_for(name)
    shown_as = name if upload.shown_as is None else upload.shown_as
    try:
        article = parse_article(data, target, max_bytes)  # its id comes from its file's name
    except ArticleFormatError as error:  # … its errors name it as its sender knows it
        raise ArticleFormatError(
            shown_as, error.line, error.reason, error.problem, error.values
        ) from None
    partial = await asyncio.to_thread(_write_partial, folder, target.name, data)
    try:
        result = await _store_owned(store, article, target, shown_as, announce)
        # Should two uploads of one name race, the file that lands last wins on disk, and the
        # watcher then stores it: the folder stays the source of truth.
        await asyncio.to_thread(os.replace, partial, target)
    finally:
        await asyncio.to_thread(partial.unlink, missing_ok=True)
    return result


def _write_partial(folder: Path, name: str, data: bytes) -> Path:
    """Write ``data`` to a new hidden file in ``folder``; a full disk leaves nothing behind.

    Not named *.txt, so the watcher never reads it half-written, and unique, so two uploads
    of the same name do not write into one file.
    """
    folder.mkdir(parents=True, exist_ok=True)
    descriptor, partial = tempfile.mkstemp(prefix=f".{name}.", suffix=".partial", dir=folder)
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
    except BaseException:
        os.unlink(partial)
        raise
    return Path(partial)


def file_name_for(name: str) -> str:
    """The name an uploaded file takes in the seeds folder; a name that can't be one raises."""
    base = Path(name.replace("\\", "/")).name.strip()
    if not base.endswith(ARTICLE_SUFFIX) or base.startswith(".") or "\x00" in base:
        raise ArticleFormatError(name, None, f"an article's file name ends in {ARTICLE_SUFFIX}")
    if len(base.encode()) > _MAX_NAME_BYTES:
        raise ArticleFormatError(name, None, "the file name is too long")
    return base


async def _store_owned(
    store: ArticleStore, article: Article, path: Path, shown_as: str | Path, announce: bool = True
) -> IngestResult:
    """Store ``article`` as the file at ``path``, unless another file there owns its id."""
    try:
        return await store.ingest(
            article,
            source=path.name,
            owner_present=_owner_check(path.parent),
            announce=announce,
        )
    except IdTakenError as error:
        raise _taken(shown_as, error) from None


async def ingest_directory(
    store: ArticleStore, directory: Path, max_bytes: int = DEFAULT_MAX_BYTES
) -> IngestReport:
    """Ingest every ``*.txt`` file in ``directory``; a bad file is reported and skipped.

    Files are read and stored in batches of BATCH_FILES, each batch in one transaction: a
    newsroom's backfill of thousands of files pays one commit per batch, not per file.
    """
    paths = await asyncio.to_thread(article_files, directory)
    if paths is None:
        error = ArticleFormatError(directory, None, "the seeds folder does not exist")
        logger.warning("Skipped the seeds: %s", error)
        return IngestReport((), (error,))
    return await ingest_paths(store, paths, max_bytes)


async def ingest_paths(
    store: ArticleStore, paths: list[Path], max_bytes: int = DEFAULT_MAX_BYTES
) -> IngestReport:
    """Ingest these files of the seeds folder in batches, as ``ingest_directory`` does; a bad
    file is reported and skipped. A failing store (a full disk) raises, and the batches
    before the one that failed stay stored."""
    results: list[IngestResult] = []
    errors: list[ArticleFormatError] = []
    reading_ahead = aclosing(_read_ahead(in_batches(paths), max_bytes))
    async with store.backfilling(len(paths)), reading_ahead as reading:
        storing = (_store_batch(store, read) async for read in reading)
        async with aclosing(two_at_once(storing)) as stored:
            async for read, outcomes in stored:
                errors += [found for _, found in read if isinstance(found, ArticleFormatError)]
                _collect(read, outcomes, results, errors)
    for error in errors:
        logger.warning("Skipped an article: %s", error)
    return IngestReport(tuple(results), tuple(errors))


async def _store_batch(
    store: ArticleStore, read: Read
) -> tuple[Read, list[IngestResult | IdTakenError]]:
    """Store one batch's articles in one transaction: the batch, and what each article did."""
    incoming = [Incoming(article, path.name, _owner_check(path.parent))
                for path, article in read if isinstance(article, Article)]  # fmt: skip
    return read, await store.ingest_many(incoming)


def _collect(
    read: Read,
    outcomes: list[IngestResult | IdTakenError],
    results: list[IngestResult],
    errors: list[ArticleFormatError],
) -> None:
    """What storing each article of a batch did, into the lists in the files' order."""
    articles = [path for path, article in read if isinstance(article, Article)]
    for path, outcome in zip(articles, outcomes, strict=True):
        if isinstance(outcome, IdTakenError):
            errors.append(_taken(path, outcome))
        else:
            logger.info("Article %s: %s", outcome.slug, outcome.outcome)
            results.append(outcome)


async def two_at_once(jobs: AsyncIterable[Awaitable[T]]) -> AsyncGenerator[T, None]:
    """Each job's result, in order, with the next job under way while the one before it is
    awaited: with batches, one is tagged (in another process, while backfilling) while the
    one before it is written."""
    running: deque[asyncio.Future[T]] = deque()
    try:
        async for job in jobs:
            running.append(asyncio.ensure_future(job))
            if len(running) == 2:
                yield await running.popleft()
        while running:
            yield await running.popleft()
    finally:
        for job_left in running:  # the caller stopped early, or a job failed
            job_left.cancel()


# Big enough that a commit is a small share of a batch, small enough that the write lock is
# held for a fraction of a second.
BATCH_FILES = 32


def in_batches(items: list[T]) -> list[list[T]]:
    """``items`` cut into batches of BATCH_FILES, in order."""
    return [items[first : first + BATCH_FILES] for first in range(0, len(items), BATCH_FILES)]


Read = list[tuple[Path, Article | ArticleFormatError]]


def _parse_all(paths: list[Path], max_bytes: int) -> Read:
    """Each file read as an article, or the error that rejects it."""
    found: Read = []
    for path in paths:
        try:
            found.append((path, parse_file(path, max_bytes)))
        except ArticleFormatError as error:
            found.append((path, error))
    return found


async def _read_ahead(batches: list[list[Path]], max_bytes: int) -> AsyncGenerator[Read, None]:
    """Each batch's files read, in a thread; the next batch is read while the caller stores
    this one."""

    def start(batch: list[Path]) -> asyncio.Future[Read]:
        return asyncio.ensure_future(asyncio.to_thread(_parse_all, batch, max_bytes))

    if not batches:
        return
    pending = start(batches[0])
    try:
        for following in batches[1:]:
            current = await pending
            pending = start(following)
            yield current
        yield await pending
    finally:
        pending.cancel()  # the caller stopped early: nothing is waiting for it


def _owner_check(folder: Path) -> Callable[[str], bool]:
    """Whether the file that owns an id is still in ``folder``."""

    def owner_present(owner: str) -> bool:
        return (folder / owner).is_file()

    return owner_present


def _taken(shown_as: str | Path, error: IdTakenError) -> ArticleFormatError:
    return ArticleFormatError(shown_as, None, f"{error}; rename one of them")


def article_files(directory: Path) -> list[Path] | None:
    """The article files in ``directory`` in name order, or None when it is no folder."""
    if not directory.is_dir():
        return None
    # Only regular files: a folder or a FIFO named like an article is no article.
    return sorted(path for path in directory.glob(f"*{ARTICLE_SUFFIX}") if path.is_file())


WITHDRAWN = ".withdrawn"


async def withdraw_article(store: ArticleStore, folder: Path, slug: str) -> bool:
    """Withdraw the article ``slug``: out of the store, and its file out of the seeds folder
    (into ``.withdrawn/``, kept, never read again), so no restart brings it back. Whether
    there was such an article.

    The file moves first: should the store then fail, it is put back and nothing changed;
    should the file be missing, the article is withdrawn all the same.
    """
    holder = await store.article_source(slug)
    if holder is None:
        return False
    kept = folder / WITHDRAWN / holder
    moved = await asyncio.to_thread(_move_aside, folder / holder, kept)
    try:
        await store.withdraw(slug)
    except BaseException:
        if moved:
            await asyncio.to_thread(os.replace, kept, folder / holder)
        raise
    logger.info("Withdrew %s (%s)", slug, holder)
    return True


def _move_aside(source: Path, target: Path) -> bool:
    """Move ``source`` to ``target``; False when there is no such file to move."""
    if not source.is_file():
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(source, target)
    return True


async def chat_article(store: ArticleStore, chat_id: int | None) -> ArticleInfo | None:
    """The article a chat reads: the one it chose with /articles while that is stored, else
    the newest. Every reading command, button and deep link answers for this one."""
    chosen = await store.chats.article_of(chat_id) if chat_id is not None else None
    article = await store.article(chosen) if chosen is not None else None
    return article or await store.current_article()
