"""Automatic summaries against editors' bullets: ROUGE-1, ROUGE-2 and ROUGE-L, side by side.

Every labelled article that has an editor's summary (the shipped seeds and the evaluation
sets under tests/quality/eval) is summarised with its bullets hidden, by the bot's
summariser, by Lead-3 (the first three sentences) and by LexRank (sumy's, fed the same
sentences and words, since its own tokenizers need data that is not installed here). Each
summary is compared with the editor's bullets on normalised Arabic tokens (content.arabic,
so spellings of one word count as one), F1, averaged over articles.
``python -m tests.quality.eval.summaries`` prints the table the README quotes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from sumy.models.dom import ObjectDocumentModel
from sumy.models.dom import Paragraph as SumyParagraph
from sumy.models.dom import Sentence as SumySentence
from sumy.summarizers.lex_rank import LexRankSummarizer

from content.arabic import tokens
from content.models import Article
from content.parser import parse_file
from content.sentences import split_sentences
from content.summary import summarise
from content.tagging import article_paragraphs

EVAL = Path(__file__).parent
ROOT = EVAL.parents[2]
FOLDERS = (
    ROOT / "seeds",
    EVAL / "topics",
    EVAL / "topics" / "held_out",
    *sorted(folder for folder in (EVAL / "news").glob("*") if folder.is_dir()),
)
LEAD = 3

Summariser = Callable[[Sequence[str], int], Sequence[str]]


@dataclass(frozen=True)
class Rouge:
    """Mean F1 of ROUGE-1, ROUGE-2 and ROUGE-L over the articles."""

    one: float
    two: float
    longest: float
    articles: int


def editor_summarised() -> list[Article]:
    """Every labelled article with an editor's summary."""
    articles = [parse_file(path) for folder in FOLDERS for path in sorted(folder.glob("*.txt"))]
    return [article for article in articles if not article.automatic_summary]


def ours(paragraphs: Sequence[str], _count: int) -> Sequence[str]:
    return summarise(paragraphs)


def lead(paragraphs: Sequence[str], _count: int) -> Sequence[str]:
    return _sentences(paragraphs)[:LEAD]


def lexrank(paragraphs: Sequence[str], count: int) -> Sequence[str]:
    """sumy's LexRank, as many sentences as ours chose."""
    document = ObjectDocumentModel(
        [
            SumyParagraph(
                [SumySentence(sentence, _WordTokenizer()) for sentence in split_sentences(text)]
            )
            for text in paragraphs
        ]
    )
    return [str(sentence) for sentence in LexRankSummarizer()(document, count)]


class _WordTokenizer:
    """What sumy asks of a tokenizer, answered with our Arabic tokens."""

    language = "arabic"

    def to_words(self, text: str) -> list[str]:
        return tokens(text)

    def to_sentences(self, text: str) -> list[str]:
        return split_sentences(text)


def score(summariser: Summariser, articles: Sequence[Article]) -> Rouge:
    totals = [0.0, 0.0, 0.0]
    for article in articles:
        paragraphs = article_paragraphs(article)
        count = len(summarise(paragraphs))
        summary = tokens(" ".join(summariser(paragraphs, count)))
        reference = tokens(" ".join(article.bullets))
        totals[0] += _ngram_f1(summary, reference, 1)
        totals[1] += _ngram_f1(summary, reference, 2)
        totals[2] += _lcs_f1(summary, reference)
    count = len(articles)
    return Rouge(totals[0] / count, totals[1] / count, totals[2] / count, count)


def _sentences(paragraphs: Sequence[str]) -> list[str]:
    return [sentence for text in paragraphs for sentence in split_sentences(text)]


def _ngram_f1(summary: list[str], reference: list[str], size: int) -> float:
    found = Counter(zip(*(summary[i:] for i in range(size)), strict=False))
    wanted = Counter(zip(*(reference[i:] for i in range(size)), strict=False))
    overlap = sum((found & wanted).values())
    return _f1(overlap, sum(found.values()), sum(wanted.values()))


def _lcs_f1(summary: list[str], reference: list[str]) -> float:
    previous = [0] * (len(reference) + 1)
    for word in summary:
        current = [0]
        for index, other in enumerate(reference):
            current.append(
                previous[index] + 1 if word == other else max(previous[index + 1], current[-1])
            )
        previous = current
    return _f1(previous[-1], len(summary), len(reference))


def _f1(overlap: int, found: int, wanted: int) -> float:
    if not overlap:
        return 0.0
    precision, recall = overlap / found, overlap / wanted
    return 2 * precision * recall / (precision + recall)


def table() -> str:
    articles = editor_summarised()
    lines = [
        f"{len(articles)} articles with an editor's summary; F1 on normalised Arabic tokens",
        "",
        "| summariser | ROUGE-1 | ROUGE-2 | ROUGE-L |",
        "|---|---|---|---|",
    ]
    for name, summariser in (("Lead-3", lead), ("LexRank (sumy)", lexrank), ("Mojaz", ours)):
        result = score(summariser, articles)
        lines.append(f"| {name} | {result.one:.3f} | {result.two:.3f} | {result.longest:.3f} |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(table())
