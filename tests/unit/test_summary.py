"""Automatic summaries: the article's own sentences, three to five, in its order."""

from __future__ import annotations

from content.sentences import split_sentences
from content.summary import summarise

PARAGRAPHS = [
    "أعلنت الحكومة الكينية خطة جديدة لخفض الدين العام خلال ثلاث سنوات قادمة. وقال وزير المالية إن الخطة ستعرض على البرلمان الأسبوع المقبل.",  # noqa: E501
    "وتواجه كينيا ضغوطا متزايدة من الدائنين بعد تراجع قيمة الشلن أمام الدولار هذا العام.",
    "واحتج آلاف الشبان في نيروبي على زيادة الضرائب التي تتضمنها الخطة الجديدة للحكومة.",
    "ويرى اقتصاديون أن خفض الدين العام ممكن إذا تراجعت كلفة الاقتراض الخارجي على الحكومة.",
    "وكان صندوق النقد الدولي قد وافق العام الماضي على برنامج تمويل جديد لكينيا بشروط.",
]


def test_a_summary_is_three_to_five_of_the_articles_own_sentences_in_order() -> None:
    summary = summarise(PARAGRAPHS)
    sentences = [s for paragraph in PARAGRAPHS for s in split_sentences(paragraph)]
    assert 3 <= len(summary) <= 5
    assert all(sentence in sentences for sentence in summary)  # nothing rewritten
    assert list(summary) == sorted(summary, key=sentences.index)


def test_a_summary_does_not_repeat_itself() -> None:
    repeated = [*PARAGRAPHS, PARAGRAPHS[1], PARAGRAPHS[1]]
    summary = summarise(repeated)
    assert len(summary) == len(set(summary))


def test_an_article_of_short_lines_still_gets_a_summary() -> None:
    assert summarise(["قصير جدا.", "وآخر."]) == ("قصير جدا.", "وآخر.")
