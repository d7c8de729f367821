"""The store contract: what every backend must do, run against each of them.

Behaviour only, through the Protocols in content.ports: how a backend keeps its data
(SQL, schema, migrations) is tested beside the backend itself.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from pathlib import Path

import pytest

from bot.sync.lexicon import reread_alerts
from content.alerts import AlertTerms, alert_terms
from content.library import ingest_file
from content.models import AlertAdded, Article, DeliveryKind, DeliveryState, Section, SentChunk
from content.parser import read_article
from content.ports import EVERYTHING, ArticleStore, ChatStore
from content.search import Analyzer
from content.topics import Lexicon
from tests.quality.eval.newsroom import FOLDER as NEWSROOM_FOLDER
from tests.quality.eval.newsroom import expectations as newsroom_expectations
from tests.quality.eval.tagging import FOLDER as WORLD
from tests.support.articles import BOLIVIA_LITHIUM, GUYANA_OIL, write_article
from tests.support.harness import SEED

NOW = 4e9  # after the real clock that ingest_file dates deliveries with
LEASE = 30.0


@pytest.fixture
def chats(store: ArticleStore) -> ChatStore:
    """The chats of each backend, empty."""
    return store.chats


NEWSROOM = sorted(entry["name"] for entry in newsroom_expectations() if not entry["rejected"])


@pytest.mark.parametrize("name", NEWSROOM)
async def test_a_file_check_accepts_is_stored_exactly_as_previewed(
    store: ArticleStore, name: str
) -> None:
    path = NEWSROOM_FOLDER / name
    previewed = read_article(path.read_bytes(), path).article
    result = await store.ingest(previewed, name)
    stored = await store.article(result.article_id)
    assert stored is not None
    assert stored.title == previewed.title
    summary = await store.summary(stored)
    assert summary.bullets == previewed.bullets
    sections = [await store.section(stored, number) for number, _ in await store.headings(stored)]
    shown = [(view.heading, view.paragraphs) for view in sections if view is not None]
    written = [(section.heading, section.paragraphs) for section in previewed.sections]
    assert shown == ([("", previewed.lead)] if previewed.lead else []) + written


async def test_provenance_is_kept_and_orders_the_articles(store: ArticleStore) -> None:
    """Link, author, date, image and an automatic summary are stored and read back; articles
    are newest first by publication date where known (an old article ingested today is not
    the current one)."""
    path = NEWSROOM_FOLDER / "frontmatter-basic.txt"
    dated = read_article(path.read_bytes(), path).article
    assert dated.url
    assert dated.published
    old = replace(dated, slug="old", published="2001-01-01", automatic_summary=True)
    await store.ingest(dated, "dated.txt")
    await store.ingest(old, "old.txt")
    await ingest_file(store, SEED)  # no date: today
    listed = await store.articles()
    assert [info.slug for info in listed] == ["brics-kazan-summit-ar", "frontmatter-basic", "old"]
    (kept,) = [info for info in listed if info.slug == "frontmatter-basic"]
    assert (kept.url, kept.author, kept.published, kept.image) == (
        dated.url, dated.author, dated.published, dated.image,
    )  # fmt: skip
    assert [info.automatic_summary for info in listed] == [False, False, True]


async def test_a_withdrawn_article_is_in_no_list_search_or_answer(
    store: ArticleStore, tmp_path: Path
) -> None:
    await ingest_file(store, SEED)
    result = await ingest_file(store, write_article(tmp_path, *GUYANA_OIL))
    assert (
        await store.article_source(result.slug) == Path(write_article(tmp_path, *GUYANA_OIL)).name
    )
    assert await store.search("النفط")
    assert await store.withdraw(result.slug) is not None
    assert await store.article(result.article_id) is None
    assert [info.slug for info in await store.articles()] == ["brics-kazan-summit-ar"]
    assert not any(hit.article.id == result.article_id for hit in await store.search("النفط"))
    assert await store.articles_on("guyana", besides=0) == []
    assert await store.withdraw(result.slug) is None  # once
    assert await store.article_source(result.slug) is None


async def test_reading_the_seed(store: ArticleStore) -> None:
    await ingest_file(store, SEED)
    article = await store.current_article()
    assert article is not None
    headings = await store.headings(article)
    assert headings[0] == (0, "")
    lead = await store.section(article, 0)
    assert lead is not None
    assert (lead.index, lead.count, lead.previous, lead.next) == (1, 5, None, 1)
    last = await store.section(article, 4)
    assert last is not None
    assert (last.index, last.previous, last.next, len(last.paragraphs)) == (5, 3, None, 9)
    assert await store.section(article, 5) is None
    assert (await store.topics_of(article))[0] == "russia"
    iran = await store.topic_briefing(article, "iran")
    assert [(p.section, p.position) for p in iran.paragraphs] == [(4, 1), (4, 2), (4, 3), (4, 4)]
    assert {p.heading for p in iran.paragraphs} == {"إيران والصين"}
    assert [b.number for b in iran.bullets] == [1, 5]
    assert "iran" in iran.bullets[0].topics


async def test_search_ranks_and_marks_matches(store: ArticleStore) -> None:
    await ingest_file(store, SEED)
    hits = await store.search("العقوبات الغربية")
    assert hits
    assert hits[0].paragraph.text.startswith("وتتيح القمة")  # has both words
    assert [h.rank for h in hits] == sorted(h.rank for h in hits)
    first = hits[0].paragraph.text
    assert [first[start:end] for start, end in hits[0].spans] == ["العقوبات", "الغربية"]
    assert await store.search("") == []
    assert await store.search("«»!؟") == []
    assert await store.search('"OR" AND NOT *') == []


async def test_an_article_without_a_lead_numbers_from_one(store: ArticleStore) -> None:
    sections = (Section("القسم", ("فقرة.",)),)
    await store.ingest(Article("x", "عنوان", (), sections, "خلاصة", ("جملة.",)), "x.txt")
    info = await store.current_article()
    assert info is not None
    assert await store.headings(info) == [(1, "القسم")]
    view = await store.section(info, 1)
    assert view is not None
    assert (view.index, view.count) == (1, 1)


async def test_a_changed_article_is_not_sent_again(store: ArticleStore, tmp_path: Path) -> None:
    await store.chats.record(5, "private", "", 0.0)
    await store.chats.subscribe(5, "", 0.0)
    await ingest_file(store, SEED)
    changed = tmp_path / SEED.name
    changed.write_text(SEED.read_text().replace("قمة بوتين", "قمة قازان"))
    assert (await ingest_file(store, changed)).outcome == "replaced"
    (delivery,) = await store.outbox.due(10**10, 10)
    assert delivery.kind == "article"


async def test_new_articles_go_to_active_matching_subscribers_only(store: ArticleStore) -> None:
    for chat_id, topic in ((1, ""), (2, "iran"), (3, "egypt"), (4, "iran")):
        await store.chats.record(chat_id, "private", "", 0.0)
        await store.chats.subscribe(chat_id, topic, 0.0)
    await store.chats.subscribe(1, "iran", 0.0)  # both: still one delivery
    await store.chats.deactivate(4, "blocked")
    await ingest_file(store, SEED)
    due = await store.outbox.due(10**10, 10)
    assert sorted((d.chat_id, d.topics) for d in due) == [(1, ("iran",)), (2, ("iran",))]


async def test_topics_are_ranked_main_subject_first(store: ArticleStore) -> None:
    result = await ingest_file(store, WORLD / "sudan-war.ar.txt")
    article = await store.article(result.article_id)
    assert article is not None
    ranked = await store.topics_of(article)
    assert ranked[0] == "sudan"  # named in the title
    # then the summary's topics, most named first, before those of paragraphs alone
    assert ranked.index("rsf") < ranked.index("libya")
    assert ranked.index("chad") < ranked.index("wfp")
    assert "ethiopia" not in ranked  # أديس أبابا, a venue: the article never names Ethiopia


@pytest.mark.parametrize("query", ["t", "t_iran", "T_IRAN", "t_", "_"])
async def test_topic_terms_cannot_be_typed(store: ArticleStore, query: str) -> None:
    await ingest_file(store, SEED)
    assert await store.search(query) == []


async def test_a_topic_is_still_found_by_its_names(store: ArticleStore) -> None:
    await ingest_file(store, SEED)
    assert await store.search("iran")  # the English name reaches إيران through its topic term
    assert await store.search("طهران")


async def test_a_chat_keeps_its_settings_and_subscriptions(chats: ChatStore) -> None:
    recorded = await chats.record(-100, "supergroup", "Desk", 1.0)
    assert (recorded.id, recorded.type, recorded.active) == (-100, "supergroup", True)
    assert await chats.subscribe(-100, "kenya", 1.0)
    assert not await chats.subscribe(-100, "kenya", 2.0)  # once is enough
    await chats.subscribe(-100, "peru", 1.0)
    await chats.set_language(-100, "en")
    await chats.set_timezone(-100, "Africa/Nairobi")
    await chats.set_digest(-100, "07:30", 1.0)
    thread = await chats.thread(-100)
    assert thread is not None
    assert (thread.chat.language, thread.chat.timezone, thread.digest_time) == (
        "en", "Africa/Nairobi", "07:30",
    )  # fmt: skip
    assert [(t.chat.id, t.thread_id) for t in await chats.with_digest()] == [(-100, 0)]
    await chats.migrate(-100, -1000100)  # a group that became a supergroup keeps everything
    assert await chats.get(-100) is None
    assert await chats.subscriptions(-1000100) == ["kenya", "peru"]
    assert await chats.unsubscribe(-1000100, None) == 2
    assert await chats.subscriptions(-1000100) == []


async def test_a_chat_that_comes_back_is_active_again(chats: ChatStore) -> None:
    await chats.record(7, "private", "", 1.0, app_language="en")
    await chats.deactivate(7, "blocked")
    gone = await chats.get(7)
    assert gone is not None
    assert (gone.active, gone.inactive_reason) == (False, "blocked")
    back = await chats.record(7, "private", "Amal", 2.0)
    assert (back.active, back.title) == (True, "Amal")
    assert await chats.with_digest() == []


async def test_a_group_merges_into_a_supergroup_already_known(chats: ChatStore) -> None:
    await chats.record(-5, "group", "Desk", 1.0)
    await chats.subscribe(-5, "chile", 1.0)
    await chats.set_digest(-5, "06:00", 1.0)
    await chats.record(-1005, "supergroup", "Desk", 2.0)
    await chats.subscribe(-1005, "kenya", 2.0)
    await chats.migrate(-5, -1005)
    assert await chats.get(-5) is None
    assert await chats.subscriptions(-1005) == ["chile", "kenya"]
    merged = await chats.thread(-1005)
    assert merged is not None
    assert merged.digest_time == "06:00"


async def test_channels_and_chosen_articles(chats: ChatStore) -> None:
    await chats.record(-100, "channel", "Wire", 1.0, owner_id=9)
    await chats.record(-200, "channel", "Bulletin", 1.0)
    await chats.record(3, "private", "", 1.0)
    assert [c.title for c in await chats.channels()] == ["Bulletin", "Wire"]
    assert (await chats.channels())[1].owner_id == 9
    assert await chats.article_of(3) is None
    await chats.import_subscribers([(4, "private"), (3, "private")], 2.0)
    assert await chats.subscriptions(4) == [EVERYTHING]


async def test_one_preview_is_broadcast_once(store: ArticleStore) -> None:
    await ingest_file(store, SEED)
    article = await store.current_article()
    assert article is not None
    for chat_id in (1, 2):
        await store.chats.record(chat_id, "private", "", 1.0)
        await store.chats.subscribe(chat_id, "peru", 1.0)
    assert await store.outbox.broadcast_audience() == 2
    assert await store.outbox.enqueue_broadcast(article.id, "preview1", 2.0) == 2
    assert await store.outbox.enqueue_broadcast(article.id, "preview1", 3.0) == 0
    assert await store.outbox.enqueue_broadcast(article.id, "preview2", 3.0) == 2


async def _two_subscribers_and_the_seed(store: ArticleStore) -> None:
    for chat_id in (1, 2):
        await store.chats.record(chat_id, "private", "", 0.0)
        await store.chats.subscribe(chat_id, "", 0.0)
    await ingest_file(store, SEED)


async def test_a_delivery_goes_from_queued_to_sent_and_back_after_a_crash(
    store: ArticleStore,
) -> None:
    await _two_subscribers_and_the_seed(store)
    first, second = await store.outbox.claim(NOW, 10, LEASE)
    assert (first.attempts, second.attempts) == (1, 1)
    await store.outbox.chunks_sent([SentChunk(first.id, 41, NOW + 1, last=False)])
    await store.outbox.chunks_sent([SentChunk(first.id, 42, NOW + 2, last=True)])
    # the second was in flight when the process died
    assert await store.outbox.due(10**10, 10) == []
    assert await store.outbox.claim(NOW + 3, 10, LEASE) == []
    assert await store.outbox.requeue_in_flight(NOW + LEASE + 3) == 1
    (again,) = await store.outbox.claim(NOW + LEASE + 3, 10, LEASE)
    assert (again.id, again.attempts) == (second.id, 2)
    sent = await store.outbox.get(first.id)
    assert sent is not None
    assert sent.chunks_sent == 2
    assert sent.recent_sends == (NOW + 1, NOW + 2)
    stats = await store.outbox.stats()
    assert dict(stats.deliveries_by_state)["sent"] == 1


async def test_messages_of_several_deliveries_are_recorded_in_one_batch(
    store: ArticleStore,
) -> None:
    await _two_subscribers_and_the_seed(store)
    first, second = await store.outbox.claim(NOW, 10, LEASE)
    await store.outbox.chunks_sent(
        [
            SentChunk(first.id, 51, NOW + 1, last=False, paid=True),
            SentChunk(second.id, 61, NOW + 1, last=True, paid=True),
            SentChunk(first.id, 52, NOW + 2, last=True),
        ]
    )
    done = [await store.outbox.get(delivery.id) for delivery in (first, second)]
    assert [d.chunks_sent if d else None for d in done] == [2, 1]
    assert [d.recent_sends if d else None for d in done] == [(NOW + 1, NOW + 2), (NOW + 1,)]
    stats = await store.outbox.stats()
    assert dict(stats.deliveries_by_state) == {"sent": 2}
    assert stats.paid_messages == 2
    assert await store.outbox.claim(NOW + 3, 10, LEASE) == []  # nothing left, chats free
    await store.outbox.chunks_sent([])  # an empty batch changes nothing
    assert (await store.outbox.stats()).paid_messages == 2


async def test_a_claim_is_one_delivery_per_chat_until_its_lease_runs_out(
    store: ArticleStore,
) -> None:
    await store.chats.record(1, "private", "", 0.0)
    await store.outbox.enqueue_digest(1, 0.0)  # nothing new yet: no digest
    await _two_subscribers_and_the_seed(store)
    article = await store.current_article()
    assert article is not None
    await store.outbox.enqueue_broadcast(article.id, "p", NOW)
    claimed = await store.outbox.claim(NOW, 10, LEASE)
    assert sorted(d.chat_id for d in claimed) == [1, 2]  # one each, the article first
    assert {d.kind for d in claimed} == {"article"}
    assert await store.outbox.claim(NOW + 1, 10, LEASE) == []  # their chats are taken
    # A message sent renews the lease; a worker that goes quiet loses it.
    await store.outbox.chunks_sent([SentChunk(claimed[0].id, 7, NOW + 20, last=False)])
    (expired,) = await store.outbox.claim(NOW + LEASE + 1, 10, LEASE)
    assert (expired.id, expired.attempts) == (claimed[1].id, 2)
    await store.outbox.chunks_sent([SentChunk(claimed[0].id, 8, NOW + 21, last=True)])
    (broadcast,) = await store.outbox.claim(NOW + LEASE + 2, 10, LEASE)
    assert (broadcast.chat_id, broadcast.kind) == (claimed[0].chat_id, "broadcast")


async def test_a_released_claim_holds_its_chat_and_a_429_too(store: ArticleStore) -> None:
    await _two_subscribers_and_the_seed(store)
    first, second = await store.outbox.claim(NOW, 10, LEASE)
    await store.outbox.release(first.id, NOW + 5)
    await store.outbox.retry_at(second.id, NOW + 9, "429 flood", counts=False)
    assert await store.outbox.claim(NOW + 4, 10, LEASE) == []
    (back,) = await store.outbox.claim(NOW + 5, 10, LEASE)
    assert (back.id, back.attempts) == (first.id, 1)  # a release is no attempt
    (held,) = await store.outbox.claim(NOW + 9, 10, LEASE)
    assert (held.id, held.attempts) == (second.id, 1)


async def test_failures_free_the_chat_for_its_next_delivery(store: ArticleStore) -> None:
    await _two_subscribers_and_the_seed(store)
    article = await store.current_article()
    assert article is not None
    await store.outbox.enqueue_broadcast(article.id, "p", NOW)
    first, second = await store.outbox.claim(NOW, 10, LEASE)
    await store.outbox.finish(first.id, DeliveryState.FAILED, NOW, "400 bad")
    await store.outbox.retry_at(second.id, NOW + 60, "timeout")  # counts: the chat is free
    following = await store.outbox.claim(NOW + 1, 10, LEASE)
    assert sorted(d.kind for d in following) == ["broadcast", "broadcast"]


async def test_a_lone_worker_counts_one_and_runs_the_jobs(store: ArticleStore) -> None:
    assert await store.ping()
    assert await store.workers.heartbeat("w1", 5.0) == 1
    assert await store.workers.heartbeat("w1", 5.0) == 1  # again: still the same one
    assert await store.workers.leads()
    assert await store.workers.leads()
    await store.workers.leave("w1")
    assert await store.workers.leads()  # the jobs are run as long as someone is there


async def test_an_update_is_seen_for_the_first_time_once(store: ArticleStore) -> None:
    workers = store.workers
    assert await workers.first_sight(640, 60.0)
    assert not await workers.first_sight(640, 60.0)  # posted again
    assert await workers.first_sight(641, 60.0)
    seen = await asyncio.gather(*(workers.first_sight(700, 60.0) for _ in range(5)))
    assert sorted(seen) == [False, False, False, False, True]  # at once: still once
    await asyncio.sleep(0.05)
    assert await workers.first_sight(640, 0.01)  # out of the window: a new update again
    assert await workers.first_sight(64 * 3, 60.0)  # one that prunes old ids works too


FORUM = -1001234
IRAN_TOPIC, OIL_TOPIC = 11, 12


async def test_each_forum_thread_has_its_own_subscriptions_and_digest(chats: ChatStore) -> None:
    await chats.record(FORUM, "supergroup", "Desk", 1.0)
    assert await chats.subscribe(FORUM, "iran", 1.0, thread_id=IRAN_TOPIC)
    assert await chats.subscribe(FORUM, "iran", 1.0)  # the General topic is a thread too
    await chats.set_digest(FORUM, "09:00", 1.0, thread_id=IRAN_TOPIC)
    assert await chats.subscriptions(FORUM, thread_id=IRAN_TOPIC) == ["iran"]
    assert await chats.subscriptions(FORUM, thread_id=OIL_TOPIC) == []
    assert await chats.subscribed_threads(FORUM) == [(0, "iran"), (IRAN_TOPIC, "iran")]
    digests = await chats.with_digest()
    assert [(t.chat.id, t.thread_id, t.digest_time) for t in digests] == [
        (FORUM, IRAN_TOPIC, "09:00")
    ]
    main = await chats.thread(FORUM)
    assert main is not None
    assert main.digest_time == ""
    assert await chats.unsubscribe(FORUM, None, thread_id=IRAN_TOPIC) == 1
    assert await chats.subscriptions(FORUM) == ["iran"]  # the other thread keeps its own


async def test_an_article_goes_to_each_subscribed_thread_but_not_a_paused_one(
    store: ArticleStore, tmp_path: Path
) -> None:
    chats = store.chats
    await chats.record(FORUM, "supergroup", "Desk", 1.0)
    await chats.subscribe(FORUM, "guyana", 1.0, thread_id=OIL_TOPIC)
    await chats.subscribe(FORUM, "", 1.0)
    await chats.subscribe(FORUM, "guyana", 1.0, thread_id=IRAN_TOPIC)
    assert await chats.pause(FORUM, IRAN_TOPIC, "topic closed")
    assert not await chats.pause(FORUM, IRAN_TOPIC, "topic closed")  # once is enough
    await ingest_file(store, write_article(tmp_path, *GUYANA_OIL))
    due = await store.outbox.due(10**10, 10)
    assert sorted((d.thread_id, d.topics) for d in due) == [(0, ()), (OIL_TOPIC, ("guyana",))]
    paused = await chats.thread(FORUM, IRAN_TOPIC)
    assert paused is not None
    assert paused.paused == "topic closed"
    assert await chats.resume(FORUM, IRAN_TOPIC)
    await ingest_file(store, write_article(tmp_path, "guyana-2", "غيانا", "زار وفد غيانا."))
    due = await store.outbox.due(10**10, 10)
    assert sorted(d.thread_id for d in due) == [0, 0, IRAN_TOPIC, OIL_TOPIC, OIL_TOPIC]


async def test_pausing_a_thread_skips_what_was_queued_for_it(
    store: ArticleStore, tmp_path: Path
) -> None:
    await store.chats.record(FORUM, "supergroup", "Desk", 1.0)
    await store.chats.subscribe(FORUM, "", 1.0, thread_id=OIL_TOPIC)
    await store.chats.subscribe(FORUM, "", 1.0)
    await ingest_file(store, write_article(tmp_path, *BOLIVIA_LITHIUM))
    await store.chats.pause(FORUM, OIL_TOPIC, "topic deleted")
    (left,) = await store.outbox.due(10**10, 10)
    assert left.thread_id == 0
    stats = await store.outbox.stats()
    assert dict(stats.deliveries_by_state) == {"queued": 1, "skipped": 1}


async def test_a_digest_belongs_to_its_thread(store: ArticleStore, tmp_path: Path) -> None:
    await store.chats.record(FORUM, "supergroup", "Desk", 0.0)
    await store.chats.subscribe(FORUM, "bolivia", 0.0, thread_id=OIL_TOPIC)
    await store.chats.set_digest(FORUM, "08:00", 0.0, thread_id=OIL_TOPIC)
    await store.chats.set_digest(FORUM, "08:00", 0.0)
    await ingest_file(store, write_article(tmp_path, *GUYANA_OIL))
    await ingest_file(store, write_article(tmp_path, *BOLIVIA_LITHIUM))
    assert await store.outbox.enqueue_digest(FORUM, NOW, OIL_TOPIC)
    assert await store.outbox.enqueue_digest(FORUM, NOW)
    digests = [d for d in await store.outbox.due(10**10, 10) if d.kind == DeliveryKind.DIGEST]
    by_thread = {d.thread_id: len(d.article_ids) for d in digests}
    assert by_thread == {OIL_TOPIC: 1, 0: 2}  # its topic only; the General topic all
    assert not await store.outbox.enqueue_digest(FORUM, NOW + 1, OIL_TOPIC)  # nothing new


async def test_word_alerts_match_whole_words_in_any_form(
    store: ArticleStore, tmp_path: Path, lexicon: Lexicon
) -> None:
    analyzer = Analyzer(lexicon)
    chats = store.chats
    for chat_id, phrase in ((1, "النفط"), (2, "حقل جديد"), (3, "الليثيوم"), (4, "جديد حقل")):
        await chats.record(chat_id, "private", "", 0.0)
        added = await chats.add_alert(chat_id, phrase, alert_terms(analyzer, phrase), 0.0, limit=3)
        assert added == AlertAdded.ADDED
    await ingest_file(store, write_article(tmp_path, *GUYANA_OIL))
    due = await store.outbox.due(10**10, 10)
    # للنفط is النفط; the words of a phrase must come in order; lithium is not in it
    assert sorted((d.chat_id, d.words) for d in due) == [(1, ("النفط",)), (2, ("حقل جديد",))]
    assert {d.kind for d in due} == {DeliveryKind.ARTICLE}


async def test_an_alert_and_a_topic_in_one_thread_make_one_delivery(
    store: ArticleStore, tmp_path: Path, lexicon: Lexicon
) -> None:
    terms = alert_terms(Analyzer(lexicon), "نفط")
    await store.chats.record(1, "private", "", 0.0)
    await store.chats.subscribe(1, "guyana", 0.0)
    await store.chats.add_alert(1, "نفط", terms, 0.0, limit=3)
    await ingest_file(store, write_article(tmp_path, *GUYANA_OIL))
    (delivery,) = await store.outbox.due(10**10, 10)
    assert delivery.topics == ("guyana",)


async def test_a_chat_has_at_most_its_limit_of_alerts(chats: ChatStore, lexicon: Lexicon) -> None:
    analyzer = Analyzer(lexicon)
    await chats.record(1, "private", "", 0.0)
    for word in ("نفط", "غاز"):
        assert await chats.add_alert(1, word, alert_terms(analyzer, word), 0.0, limit=2) == (
            AlertAdded.ADDED
        )
    same = alert_terms(analyzer, "النفط")  # the same word as search reads it
    assert await chats.add_alert(1, "النفط", same, 0.0, limit=3) == AlertAdded.ALREADY
    third = alert_terms(analyzer, "ذهب")
    assert await chats.add_alert(1, "ذهب", third, 0.0, limit=2) == AlertAdded.FULL
    alerts = await chats.alerts(1)
    assert [a.phrase for a in alerts] == ["نفط", "غاز"]
    assert not await chats.remove_alert(2, alerts[0].id)  # another chat's id removes nothing
    assert await chats.remove_alert(1, alerts[0].id)
    assert [a.phrase for a in await chats.alerts(1)] == ["غاز"]


async def test_alerts_read_by_another_analyzer_are_read_again_and_fire(
    store: ArticleStore, tmp_path: Path, lexicon: Lexicon
) -> None:
    """An alert stored as an older analyzer read it (للنفط kept whole) is read again; two
    alerts that now read alike are one; an alert read already is not read twice."""
    chats = store.chats
    await chats.record(1, "private", "", 0.0)
    stale = AlertTerms(("للنفط",), read_with="an older analyzer")
    await chats.add_alert(1, "للنفط", stale, 0.0, limit=5)
    await chats.add_alert(1, "النفط", AlertTerms(("النفط",), "an older analyzer"), 1.0, limit=5)
    analyzer = Analyzer(lexicon)
    assert await reread_alerts(chats, analyzer) == 1  # both read نفط: the later one goes
    assert [a.phrase for a in await chats.alerts(1)] == ["للنفط"]
    assert await chats.stale_alerts(analyzer.reads_with) == []
    assert await reread_alerts(chats, analyzer) == 0
    await ingest_file(store, write_article(tmp_path, *GUYANA_OIL))
    (delivery,) = await store.outbox.due(10**10, 10)
    assert delivery.words == ("للنفط",)


async def test_a_chats_alerts_are_read_per_thread_or_all_together(
    chats: ChatStore, lexicon: Lexicon
) -> None:
    analyzer = Analyzer(lexicon)
    await chats.record(1, "private", "", 0.0)
    for word, thread in (("نفط", 0), ("غاز", 44), ("ذهب", 45)):
        terms = alert_terms(analyzer, word)
        await chats.add_alert(1, word, terms, 0.0, limit=5, thread_id=thread)
    assert [a.phrase for a in await chats.alerts(1)] == ["نفط"]
    assert [(a.phrase, a.thread_id) for a in await chats.alerts(1, thread_id=44)] == [("غاز", 44)]
    every = await chats.alerts(1, thread_id=None)
    assert [(a.phrase, a.thread_id) for a in every] == [("نفط", 0), ("غاز", 44), ("ذهب", 45)]


async def test_a_supergroup_keeps_its_threads_and_alerts(
    chats: ChatStore, lexicon: Lexicon
) -> None:
    await chats.record(-5, "group", "Desk", 1.0)
    await chats.add_alert(-5, "نفط", alert_terms(Analyzer(lexicon), "نفط"), 1.0, limit=5)
    await chats.set_digest(-5, "06:00", 1.0)
    await chats.record(-1005, "supergroup", "Desk", 2.0)
    await chats.migrate(-5, -1005)
    assert [a.phrase for a in await chats.alerts(-1005)] == ["نفط"]
    merged = await chats.thread(-1005)
    assert merged is not None
    assert merged.digest_time == "06:00"


async def test_a_subscription_moves_to_a_thread_of_its_own(chats: ChatStore) -> None:
    await chats.record(7, "private", "", 1.0)
    await chats.subscribe(7, "peru", 1.0)
    await chats.set_private_threads(7, True)
    await chats.name_thread(7, 55, "Peru")
    await chats.move_subscription(7, "peru", 0, 55)
    assert await chats.subscribed_threads(7) == [(55, "peru")]
    thread = await chats.thread(7, 55)
    assert thread is not None
    assert (thread.title, thread.chat.private_threads) == ("Peru", True)
