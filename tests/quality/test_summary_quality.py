"""Automatic summaries beat Lead-3 and LexRank against editors' bullets, on every measure."""

from __future__ import annotations

from tests.quality.eval.summaries import editor_summarised, lead, lexrank, ours, score


def test_automatic_summaries_beat_lead_3_and_lexrank_on_rouge_1_2_and_l() -> None:
    articles = editor_summarised()
    assert len(articles) >= 60
    mojaz = score(ours, articles)
    print(f"ROUGE-1/2/L: {mojaz.one:.3f} / {mojaz.two:.3f} / {mojaz.longest:.3f}")
    for baseline in (score(lead, articles), score(lexrank, articles)):
        assert mojaz.one > baseline.one
        assert mojaz.two > baseline.two
        assert mojaz.longest > baseline.longest
