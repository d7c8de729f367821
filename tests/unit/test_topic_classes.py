"""Each class of trap found on unseen news, as one rule beside its data (issue 22)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from content.models import Article, Section
from content.tagging import tag_article
from content.topics import Lexicon, MatchRules, load_lexicon


@pytest.fixture(scope="module")
def world() -> Lexicon:
    return load_lexicon()


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("كتبت صحيفة واشنطن بوست أن المفاوضات تعثرت.", "usa"),
        ("فاز الفريق بكأس آسيا للمرة الثالثة.", "asia"),
        ("أقيم الحفل في شارع فلسطين وسط المدينة.", "palestine"),
        ("عاقب الاتحاد الأوروبي لكرة القدم النادي بغرامة.", "eu"),
        ("عاقب الاتحاد الأوروبي لكرة القدم النادي بغرامة.", "europe"),
        ("قدم صندوق النقد العربي قرضا ميسرا.", "imf"),
        ("سجل لاعب ريال مدريد هدفين.", "spain"),
    ],
)
def test_a_name_inside_another_name_is_no_topic(world: Lexicon, text: str, topic: str) -> None:
    assert topic not in world.topics_in(text)


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("تأهل النشامى إلى الدور الثاني.", "jordan"),
        ("واجه أسود الأطلس منتخب البرتغال.", "morocco"),
        ("يتابع التوانسة المباراة باهتمام.", "tunisia"),
        ("اجتاحت الفيضانات بنجلاديش هذا الأسبوع.", "bangladesh"),
        ("زار الوزير تايلند الأسبوع الماضي.", "thailand"),
        ("فاز اليمين في انتخابات شيلي.", "chile"),
    ],
)
def test_nicknames_plurals_and_other_spellings_name_their_country(
    world: Lexicon, text: str, topic: str
) -> None:
    assert topic in world.topics_in(text)


def test_a_variant_spelling_rule_can_be_switched_off_to_measure_it() -> None:
    plain = load_lexicon(rules=replace(MatchRules(), variants=False))
    assert "bangladesh" not in plain.topics_in("اجتاحت الفيضانات بنجلاديش.")


def test_a_short_form_names_the_body_only_after_the_article_named_it(world: Lexicon) -> None:
    blocks = ["اجتمع وزراء دفاع حلف شمال الأطلسي في بروكسل.", "وقال الحلف إنه سيعزز قواته."]
    assert "nato" in world.tag_blocks(blocks)[1]
    assert "nato" not in world.tag_blocks(blocks[1:])[0]  # never named: no referent


def test_the_most_recently_named_body_is_the_one_referred_to(world: Lexicon) -> None:
    blocks = [
        "حذرت منظمة الصحة العالمية من تفشي الوباء.",
        "ودعت اليونسكو إلى حماية المدارس.",
        "وقالت المنظمة إن التعليم عن بعد ليس حلا.",
    ]
    assert world.tag_blocks(blocks)[2] == frozenset({"unesco"})


def test_a_short_form_with_a_qualifier_is_another_body(world: Lexicon) -> None:
    blocks = ["أقر صندوق النقد الدولي القرض.", "ورفع البنك المركزي الفائدة."]
    assert "world_bank" not in world.tag_blocks(["البنك الدولي يمول المشروع.", blocks[1]])[1]


def test_a_name_that_is_an_ordinary_word_needs_its_country_named_too(world: Lexicon) -> None:
    lone = "كانت العقبة الحقيقية أمام الاتفاق هي التمويل."
    assert "jordan" not in world.tag_blocks([lone])[0]
    assert "jordan" in world.tag_blocks(["وصل الوفد إلى الأردن.", "ثم زار العقبة."])[1]


def test_every_name_that_is_an_ordinary_word_is_guarded(world: Lexicon) -> None:
    """Found from the frequency list, not memory: no such name may count unguarded."""
    assert world.common_word_names  # العقبة، الرياض، حماس …
    unguarded = [
        entry.form
        for entries in world._by_first.values()
        for entry in entries
        if entry.form in world.common_word_names and entry.guard is None and entry.topics
    ]
    assert unguarded == []


def test_a_paragraph_naming_nothing_carries_the_articles_main_subject(world: Lexicon) -> None:
    kenya = "تشهد كينيا انتخابات رئاسية حاسمة."
    article = Article(
        slug="kenya-vote",
        title="كينيا تنتخب رئيسها",
        lead=(kenya,),
        sections=(
            Section(
                "المعارضة",
                ("وحشدت المعارضة أنصارها في تجمعات كبيرة.",
                 "وقال مراقبون في كينيا إن الإقبال مرتفع.",
                 "ويتوقع محللون جولة إعادة في كينيا."),
            ),
        ),
        summary_title="باختصار:",
        bullets=("كينيا تصوت اليوم.",),
    )  # fmt: skip
    topics = tag_article(world, article)
    assert "kenya" in topics.paragraphs[1]  # the rallies: about Kenya, though it is not named


@pytest.mark.parametrize(
    ("blocks", "topic"),
    [
        (["انتقل اللاعب إلى أندية أوروبية كبرى."], "europe"),  # a region's adjective, in passing
        (["تراجعت العملة أمام الدولار الأمريكي."], "usa"),  # a currency
        (["سدد الكرة بالقدم اليمنى."], "yemen"),  # the right foot
        (["قالت الحكومة الكونغولية إن المحادثات مستمرة."], "congo"),  # of either Congo
    ],
)
def test_words_that_only_qualify_something_name_no_topic(
    world: Lexicon, blocks: list[str], topic: str
) -> None:
    assert topic not in world.tag_blocks(blocks)[-1]


def test_a_shared_adjective_names_the_congo_the_article_names(world: Lexicon) -> None:
    blocks = ["محادثات سلام في الكونغو الديمقراطية.", "قالت الحكومة الكونغولية إنها مستعدة."]
    assert world.tag_blocks(blocks)[1] == {"drc"}


def test_a_regions_adjective_counts_where_the_article_names_the_region(world: Lexicon) -> None:
    blocks = ["تواجه أوروبا أزمة طاقة.", "ارتفعت أسعار الغاز في الأسواق الأوروبية."]
    assert world.tag_blocks(blocks)[1] == {"europe"}
