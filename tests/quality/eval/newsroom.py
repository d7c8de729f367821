"""Newsroom-shaped article files and the parse each must give (tests/quality/eval/newsroom/).

A fresh reader wrote the files as editors paste copy (bylines, blank lines, CRLF, Markdown
headings, long headlines, quotes, photo credits, front matter, Windows-1256 and UTF-16, no
summary, and malformed ones) and said how a careful human reads each one, in expected.toml.
``python -m tests.quality.eval.newsroom`` prints which files are read as expected.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from content.parser import ArticleFormatError, read_article

FOLDER = Path(__file__).with_name("newsroom")


def expectations() -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = tomllib.loads(
        (FOLDER / "expected.toml").read_text(encoding="utf-8")
    )["file"]
    return entries


def differences(expected: dict[str, Any]) -> list[str]:
    """How the parse of one file differs from what its reader expected; [] when it does not."""
    path = FOLDER / expected["name"]
    try:
        parsed = read_article(path.read_bytes(), path)
    except ArticleFormatError as error:
        if not expected["rejected"]:
            return [f"rejected: {error}"]
        wanted = expected.get("reject_line")
        return [] if wanted is None or wanted == error.line else [f"blamed line {error.line}"]
    if expected["rejected"]:
        return ["accepted, but it must be rejected"]
    article = parsed.article
    found = {
        "title": article.title,
        "author": article.author,
        "published": article.published,
        "url": article.url,
        "lead": len(article.lead),
        "sections": [len(section.paragraphs) for section in article.sections],
        "headings": [section.heading for section in article.sections],
        "summary": "automatic" if article.automatic_summary else "editor",
        "bullets": 0 if article.automatic_summary else len(article.bullets),
        "dropped": sorted(
            note.line for note in parsed.notes if note.message.startswith("dropped")
        ),
    }
    return [
        f"{key}: {found[key]!r} (expected {expected[key]!r})"
        for key in found
        if key in expected and found[key] != expected[key]
    ]


if __name__ == "__main__":
    wrong = 0
    for entry in expectations():
        diff = differences(entry)
        wrong += bool(diff)
        print(f"{'✗' if diff else '✓'} {entry['name']}" + "".join(f"\n    {d}" for d in diff))
    print(f"{len(expectations()) - wrong} of {len(expectations())} read as expected")
