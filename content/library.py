"""Ingesting article files into the store: one file, or every file in the seeds folder."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from pathlib import Path

from content.models import IngestResult
from content.parser import DEFAULT_MAX_BYTES, ArticleFormatError, parse_file, slug_for
from content.store import Store

logger = logging.getLogger(__name__)

ARTICLE_SUFFIX = ".txt"


@dataclass(frozen=True, slots=True)
class IngestReport:
    """What ingesting a folder did: the articles stored and the files rejected."""

    results: tuple[IngestResult, ...]
    errors: tuple[ArticleFormatError, ...]


async def ingest_file(
    store: Store, path: Path, max_bytes: int = DEFAULT_MAX_BYTES
) -> IngestResult:
    """Parse ``path`` and store it; a malformed file raises and leaves the store as it was."""
    # Reading and parsing up to a megabyte is blocking work: keep it off the event loop.
    article = await asyncio.to_thread(parse_file, path, max_bytes)
    return await store.ingest(article, source=path.name)


async def ingest_directory(
    store: Store, directory: Path, max_bytes: int = DEFAULT_MAX_BYTES
) -> IngestReport:
    """Ingest every ``*.txt`` file in ``directory``; a bad file is reported and skipped."""
    paths = await asyncio.to_thread(article_files, directory)
    if paths is None:
        error = ArticleFormatError(directory, None, "the seeds folder does not exist")
        logger.warning("Skipped the seeds: %s", error)
        return IngestReport((), (error,))
    results: list[IngestResult] = []
    errors: list[ArticleFormatError] = []
    slugs: dict[str, Path] = {}
    for path in paths:
        try:
            _claim_slug(slugs, path)
            result = await ingest_file(store, path, max_bytes)
        except ArticleFormatError as error:
            logger.warning("Skipped an article: %s", error)
            errors.append(error)
        else:
            logger.info("Article %s: %s", result.slug, result.outcome)
            results.append(result)
    return IngestReport(tuple(results), tuple(errors))


def article_files(directory: Path) -> list[Path] | None:
    """The article files in ``directory`` in name order, or None when it is no folder."""
    if not directory.is_dir():
        return None
    # Only regular files: a folder or a FIFO named like an article is no article.
    return sorted(path for path in directory.glob(f"*{ARTICLE_SUFFIX}") if path.is_file())


def _claim_slug(slugs: dict[str, Path], path: Path) -> None:
    """Refuse a second file whose name gives the same slug: it would overwrite the first."""
    slug = slug_for(path)
    other = slugs.setdefault(slug, path)
    if other != path:
        raise ArticleFormatError(
            path, None, f"its id {slug!r} is already taken by {other.name}; rename one of them"
        )
