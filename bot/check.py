"""``python -m bot check FILE…``: how each article file will be read, before it is published.

Stores nothing and sends nothing. For each file: its title, byline, date, link, sections with
their paragraph counts, the summary (the editor's, or chosen automatically), the topics in
order of salience, and every note (a line dropped, a byline read, an encoding guessed). Exits
1 when any file is rejected, so a newsroom's own tooling can run it before it publishes.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TextIO

from content.parser import ArticleFormatError, ParsedArticle, read_article, read_article_file
from content.sources.web import Copy, Refusal
from content.tagging import tag_article
from content.topics import Lexicon

_SHOWN_BULLET_CHARS = 100


def check_files(
    paths: Iterable[Path],
    lexicon: Lexicon,
    max_bytes: int,
    out: TextIO,
    copies: Iterable[Copy | Refusal] = (),
) -> int:
    """Print the preview of every file, and of every article the links held; 1 if any is
    rejected, else 0."""
    status = 0
    for found in copies:
        if isinstance(found, Refusal):
            print(f"✗ {found.url}: {found.reason}", file=out)
            status = 1
            continue
        try:
            parsed = read_article(found.text.encode(), found.name, max_bytes)
        except ArticleFormatError as error:
            print(f"✗ {found.url}: {error.reason}", file=out)
            status = 1
            continue
        print("\n".join(preview(found.url, parsed, lexicon)), file=out)
    for path in paths:
        try:
            parsed = read_article(read_article_file(path, max_bytes), path, max_bytes)
        except ArticleFormatError as error:
            print(f"✗ {error}", file=out)
            status = 1
            continue
        print("\n".join(preview(path, parsed, lexicon)), file=out)
    return status


def preview(path: Path | str, parsed: ParsedArticle, lexicon: Lexicon) -> list[str]:
    """The lines that show how ``path`` (a file, or a link) is read."""
    article = parsed.article
    lines = [f"✓ {path}", f"  title:     {article.title}"]
    for label, value in (
        ("author", article.author),
        ("published", article.published),
        ("dateline", parsed.dateline),
        ("link", article.url),
        ("image", article.image),
        ("tags", ", ".join(parsed.tags)),
        ("encoding", parsed.encoding),
    ):
        if value:
            lines.append(f"  {label + ':':<10} {value}")
    lines.append(f"  lead:      {len(article.lead)} paragraph(s)")
    for number, section in enumerate(article.sections, 1):
        lines.append(f"  section {number}: {section.heading} ({len(section.paragraphs)})")
    kind = "automatic" if article.automatic_summary else f"the editor's: {article.summary_title}"
    lines.append(f"  summary:   {len(article.bullets)} bullet(s), {kind}")
    lines += [f"    • {_short(bullet)}" for bullet in article.bullets]
    topics = tag_article(lexicon, article).salience()
    lines.append(f"  topics:    {' '.join('/' + topic for topic in topics) or '(none)'}")
    notes = sorted(parsed.notes, key=lambda note: note.line)
    lines += [f"  note, line {note.line}: {note.message}" for note in notes]
    return lines


def _short(text: str) -> str:
    if len(text) <= _SHOWN_BULLET_CHARS:
        return text
    return text[: _SHOWN_BULLET_CHARS - 1] + "…"


def main(
    paths: list[Path], lexicon: Lexicon, max_bytes: int, copies: Iterable[Copy | Refusal] = ()
) -> int:
    """The command's body, writing to standard output; a reader that stops reading (``| head``)
    ends it quietly."""
    try:
        return check_files(paths, lexicon, max_bytes, sys.stdout, copies)
    except BrokenPipeError:
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - Python flushes it at exit
        return 0
