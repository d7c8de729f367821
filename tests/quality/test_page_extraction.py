"""Web pages shaped like Arabic news sites, read into articles: paragraphs, headings and the
key points found, and what surrounds them left out (tests/quality/eval/pages.py)."""

from __future__ import annotations

import pytest

from tests.quality.eval.pages import DEVELOPMENT, HELD_OUT, Scores, score

GOAL = 0.95


@pytest.fixture(scope="module", params=[DEVELOPMENT, HELD_OUT], ids=["development", "held-out"])
def scores(request: pytest.FixtureRequest) -> Scores:
    return score(request.param)


def test_the_pages_are_read_into_the_article_their_readers_found(scores: Scores) -> None:
    for tally in (scores.paragraphs, scores.headings, scores.summary):
        assert tally.precision >= GOAL, scores.differences
        assert tally.recall >= GOAL, scores.differences
    assert scores.titles == scores.articles, scores.differences


def test_pages_that_are_no_article_are_refused_and_articles_are_not(scores: Scores) -> None:
    assert scores.refusals_expected >= 3
    assert scores.refusals_right == scores.refusals_expected, scores.differences
    assert scores.wrongly_refused == 0, scores.differences
