"""Web pages shaped like Arabic news sites, and the article a careful reader finds in each.

Fresh writers made the pages (menus, ads, share bars, «اقرأ أيضا» boxes inside the text,
captions, comments, related stories, summaries at the top or the end, Windows-1256) and wrote
beside each page, in NN-name.json, its title, paragraphs, in-article headings and summary list,
or why it is no article. They saw the format and the kinds of news, never our extraction.

- ``pages/``: the development set, read while the extraction was improved;
- ``pages_held_out/``: written while the rules were being made, measured once when they were
  frozen (d27602e), then read to fix what it found;
- ``pages_held_out_2/``: written after that, by a third writer, measured once (4304d61).

``python -m tests.quality.eval.pages [FOLDER]`` prints precision and recall of paragraphs,
headings and summary items, title accuracy and refusals, and every page that differs.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from content.parser import ArticleFormatError, read_article
from content.sources.page import NotAnArticleError, page_text

HERE = Path(__file__).parent
DEVELOPMENT = HERE / "pages"
HELD_OUT = HERE / "pages_held_out"
HELD_OUT_2 = HERE / "pages_held_out_2"
_URL = "https://news.example/article"


@dataclass
class Tally:
    """Matched, found and expected counts of one kind of block."""

    matched: int = 0
    found: int = 0
    expected: int = 0

    def add(self, found: list[str], expected: list[str]) -> None:
        self.matched += _matches(found, expected)
        self.found += len(found)
        self.expected += len(expected)

    @property
    def precision(self) -> float:
        return self.matched / self.found if self.found else 1.0

    @property
    def recall(self) -> float:
        return self.matched / self.expected if self.expected else 1.0


@dataclass
class Scores:
    """The set's scores, and how each page that differs differs."""

    paragraphs: Tally = field(default_factory=Tally)
    headings: Tally = field(default_factory=Tally)
    summary: Tally = field(default_factory=Tally)
    titles: int = 0
    articles: int = 0
    refusals_right: int = 0
    refusals_expected: int = 0
    wrongly_refused: int = 0
    differences: dict[str, list[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Extracted:
    """What the extraction made of a page, as our parser reads it; ``refused`` says why not."""

    title: str = ""
    paragraphs: list[str] = field(default_factory=list)
    headings: list[str] = field(default_factory=list)
    summary: list[str] = field(default_factory=list)
    refused: str = ""


def labelled_pages(folder: Path) -> list[tuple[Path, dict[str, Any]]]:
    """Each page of ``folder`` with its label."""
    return [
        (page, json.loads(page.with_suffix(".json").read_text(encoding="utf-8")))
        for page in sorted(folder.glob("*.html"))
    ]


def extract(page: Path) -> Extracted:
    """The page read as the bot reads one it fetched (no charset from a server)."""
    try:
        text = page_text(page.read_bytes(), "", _URL)
        parsed = read_article(text.encode(), page.with_suffix(".txt").name)
    except (NotAnArticleError, ArticleFormatError) as error:
        return Extracted(refused=str(error))
    article = parsed.article
    return Extracted(
        title=article.title,
        paragraphs=[*article.lead, *(p for s in article.sections for p in s.paragraphs)],
        headings=[section.heading for section in article.sections if section.heading],
        summary=[] if article.automatic_summary else list(article.bullets),
    )


def score(folder: Path) -> Scores:
    scores = Scores()
    for page, label in labelled_pages(folder):
        found = extract(page)
        if label["kind"] != "article":
            scores.refusals_expected += 1
            scores.refusals_right += bool(found.refused)
            if not found.refused:
                scores.differences[page.name] = [f"accepted; it is {label['why']}"]
            continue
        scores.articles += 1
        if found.refused:
            scores.wrongly_refused += 1
        scores.titles += _same(found.title, label["title"])
        scores.paragraphs.add(found.paragraphs, label["paragraphs"])
        scores.headings.add(found.headings, label["headings"])
        scores.summary.add(found.summary, label["summary"])
        diff = _differences(found, label)
        if diff:
            scores.differences[page.name] = diff
    return scores


def _norm(text: str) -> str:
    return " ".join(text.split())


def _same(found: str, expected: str) -> bool:
    return _norm(found) == _norm(expected)


def _matches(found: list[str], expected: list[str]) -> int:
    """How many expected blocks were found exactly (whitespace aside), each once."""
    pool = [_norm(text) for text in found]
    matched = 0
    for text in expected:
        if _norm(text) in pool:
            pool.remove(_norm(text))
            matched += 1
    return matched


def _differences(found: Extracted, label: dict[str, Any]) -> list[str]:
    if found.refused:
        return [f"refused: {found.refused}"]
    lines = [] if _same(found.title, label["title"]) else [f"title: {found.title!r}"]
    for kind in ("paragraphs", "headings", "summary"):
        got = {_norm(text) for text in getattr(found, kind)}
        wanted = {_norm(text) for text in label[kind]}
        lines += [f"{kind} missing: {text[:70]}" for text in label[kind] if _norm(text) not in got]
        lines += [
            f"{kind} extra: {text[:70]}"
            for text in getattr(found, kind)
            if _norm(text) not in wanted
        ]
    return lines


def report(scores: Scores) -> str:
    rows = [
        f"{name:<11} precision {tally.precision:.3f}  recall {tally.recall:.3f}"
        f"  ({tally.matched} matched, {tally.found} found, {tally.expected} expected)"
        for name, tally in (
            ("paragraphs", scores.paragraphs),
            ("headings", scores.headings),
            ("summary", scores.summary),
        )
    ]
    rows.append(f"titles      {scores.titles} of {scores.articles} right")
    rows.append(
        f"refusals    {scores.refusals_right} of {scores.refusals_expected} non-articles refused;"
        f" {scores.wrongly_refused} article(s) refused"
    )
    return "\n".join(rows)


if __name__ == "__main__":
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else DEVELOPMENT
    result = score(folder)
    for name, lines in result.differences.items():
        print(f"✗ {name}" + "".join(f"\n    {line}" for line in lines))
    print(report(result))
