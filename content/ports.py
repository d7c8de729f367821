"""What the bot needs of a store, as Protocols that every backend implements.

Handlers and the composition root are typed against these, never a backend class, so a
second backend (PostgreSQL) plugs in without them changing. The contract tests in
``tests/contract/test_store_contract.py`` run against every backend.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Protocol

from content.alerts import AlertTerms
from content.models import (
    MAIN_THREAD,
    Alert,
    AlertAdded,
    Article,
    ArticleInfo,
    ArticleRows,
    ChatInfo,
    Delivery,
    DeliveryState,
    FeedInfo,
    FeedPoll,
    Incoming,
    IngestResult,
    SearchHit,
    SectionView,
    SentChunk,
    Stats,
    StoredSlug,
    Summary,
    ThreadInfo,
    TopicBriefing,
)
from content.topics import Lexicon

EVERYTHING = ""  # the subscription topic that means every new article
# How many of a chat's latest pushes the store keeps, for the per-group limit (20 a minute).
RECENT_SENDS = 60


class StoreUnavailableError(RuntimeError):
    """The store cannot be opened or brought up to date."""

    def __init__(self, path: Path | str, reason: str) -> None:
        super().__init__(f"cannot open the database {path}: {reason}")


class IdTakenError(ValueError):
    """Another file owns the id an article's file name gives: storing it would overwrite."""

    def __init__(self, slug: str, owner: str) -> None:
        super().__init__(f"its id {slug!r} is already taken by {owner}")
        self.slug, self.owner = slug, owner


class WriteSession(Protocol):
    """One write transaction, as the store's rules (``content.storage.rules``) use it.

    A backend supplies the transaction (SQLite's ``BEGIN IMMEDIATE``, PostgreSQL's with an
    advisory lock, so ingests take turns) and the SQL of each step; the rules decide which
    steps run. Everything done in one session commits together or not at all.
    """

    async def slug_holder(self, slug: str) -> StoredSlug | None:
        """What holds the article id ``slug`` now, read under the write lock."""
        ...

    async def fingerprint(self, article_id: int) -> str | None:
        """The stored fingerprint of an article, read under the write lock; None if gone."""
        ...

    async def move(self, article_id: int, source: str) -> None:
        """The article now belongs to the file ``source`` (a rename)."""
        ...

    async def add_article(
        self, article: Article, source: str, fingerprint: str, now: float
    ) -> int:
        """Insert a new article's own row; its id."""
        ...

    async def update_article(
        self, article_id: int, article: Article, source: str, fingerprint: str, now: float
    ) -> None:
        """Give a stored article a new title, file and fingerprint (its content goes apart)."""
        ...

    async def set_fingerprint(self, article_id: int, fingerprint: str) -> None:
        """Record the fingerprint of an article re-tagged in place."""
        ...

    async def delete_article(self, article_id: int) -> None:
        """Delete the article and everything of it (its queued deliveries find it gone)."""
        ...

    async def delete_content(self, article_id: int) -> None:
        """Remove an article's sections, paragraphs, bullets, tags and search terms."""
        ...

    async def write_content(self, article_id: int, rows: ArticleRows, tagged_with: str) -> None:
        """Write an article's rows in bulk, and record the tagging they were made with."""
        ...

    async def rewrite_tags(self, article_id: int, rows: ArticleRows, tagged_with: str) -> None:
        """Replace the topics and search terms of an article whose text is as stored (a
        re-tag), and record the tagging; ``rows`` are of the article rebuilt from the store."""
        ...

    async def enqueue_article(
        self, article_id: int, now: float, words: Sequence[Sequence[str]]
    ) -> None:
        """Queue a new article for its subscribers and for the alerts its words match."""
        ...


class ArticleRecords(Protocol):
    """What the store's rules read of a backend outside a transaction, and how they open one."""

    def writing(self) -> AbstractAsyncContextManager[WriteSession]:
        """A write transaction: committed when the block ends, rolled back if it raises."""
        ...

    async def unchanged(self, slug: str, fingerprint: str, source: str) -> int | None:
        """The id of this very article stored from this very file, else None."""
        ...

    async def fingerprint(self, article_id: int) -> str | None:
        """The stored fingerprint of an article; None if there is no such article."""
        ...

    async def stored_articles(self, article_ids: Sequence[int]) -> dict[int, tuple[str, Article]]:
        """Stored articles rebuilt from their rows, as they were parsed, with their
        fingerprints, by id; those gone are left out."""
        ...

    async def settle(self) -> None:
        """After a backfill of many articles: let the database catch up with what was
        written, where it needs to for reads to be as fast as before."""
        ...

    async def tagged_otherwise(self, tagged_with: str) -> list[int]:
        """Ids of the articles tagged otherwise than ``tagged_with``, oldest first."""
        ...


class ChatStore(Protocol):
    """Where briefings go: chats, their subscriptions, digest, language and time zone."""

    async def record(
        self,
        chat_id: int,
        kind: str,
        title: str,
        now: float,
        owner_id: int | None = None,
        app_language: str = "",
    ) -> ChatInfo:
        """Remember a chat (again): a chat that comes back is active once more.

        ``app_language`` is the language of a private chat's user's app, which pushes to it
        speak until /lang chooses one; '' leaves what was known.
        """
        ...

    async def import_subscribers(self, chats: list[tuple[int, str]], now: float) -> None:
        """Import many chats, each subscribed to everything, in one transaction."""
        ...

    async def get(self, chat_id: int) -> ChatInfo | None:
        """The chat, if the bot knows it."""
        ...

    async def deactivate(self, chat_id: int, reason: str) -> None:
        """Stop sending to a chat (blocked, kicked, gone); its queued deliveries are skipped."""
        ...

    async def migrate(self, old_id: int, new_id: int) -> None:
        """A group became a supergroup: its settings, subscriptions and queue move to new_id."""
        ...

    async def subscribe(
        self, chat_id: int, topic: str, now: float, *, thread_id: int = MAIN_THREAD
    ) -> bool:
        """Subscribe a thread to a topic (EVERYTHING for all); False when it already was.

        Subscribing again in a paused thread resumes it: its reader has said they want it.
        """
        ...

    async def unsubscribe(
        self, chat_id: int, topic: str | None, *, thread_id: int = MAIN_THREAD
    ) -> int:
        """Remove one of a thread's subscriptions, or all of them and its alerts when
        ``topic`` is None; how many went."""
        ...

    async def subscriptions(self, chat_id: int, *, thread_id: int = MAIN_THREAD) -> list[str]:
        """The thread's subscribed topics (EVERYTHING first when present)."""
        ...

    async def subscribed_threads(self, chat_id: int) -> list[tuple[int, str]]:
        """Every (thread, topic) the chat is subscribed to, in thread order."""
        ...

    async def move_subscription(self, chat_id: int, topic: str, source: int, target: int) -> None:
        """Move a subscription from thread ``source`` to thread ``target``."""
        ...

    async def add_alert(
        self,
        chat_id: int,
        phrase: str,
        terms: AlertTerms,
        now: float,
        *,
        limit: int,
        thread_id: int = MAIN_THREAD,
    ) -> AlertAdded:
        """Alert a thread on ``phrase``, unless it is already, or the chat has ``limit``."""
        ...

    async def alerts(self, chat_id: int, *, thread_id: int | None = MAIN_THREAD) -> list[Alert]:
        """The thread's alerts, oldest first; ``thread_id=None``: every thread's of the chat."""
        ...

    async def stale_alerts(self, read_with: str, limit: int = 500) -> list[Alert]:
        """Up to ``limit`` alerts, oldest first, whose terms another analyzer read: a lexicon
        or analyzer that changed how words are read leaves them to be read again."""
        ...

    async def reread_alert(self, alert_id: int, terms: AlertTerms) -> bool:
        """Store the alert's terms as ``terms.read_with`` read them. An alert that now reads
        like another of its thread's is the same alert: it is removed, and False returned."""
        ...

    async def remove_alert(self, chat_id: int, alert_id: int) -> bool:
        """Remove one of the chat's alerts (another chat's id removes nothing)."""
        ...

    async def thread(self, chat_id: int, thread_id: int = MAIN_THREAD) -> ThreadInfo | None:
        """The thread's settings, if the bot knows its chat (a new thread has none yet)."""
        ...

    async def name_thread(self, chat_id: int, thread_id: int, title: str) -> None:
        """Remember the name of a topic the bot made."""
        ...

    async def pause(self, chat_id: int, thread_id: int, reason: str) -> bool:
        """Stop pushes to a thread whose topic is gone or closed; False if it was paused."""
        ...

    async def resume(self, chat_id: int, thread_id: int) -> bool:
        """Push to a paused thread again; False if it was not paused."""
        ...

    async def set_digest(
        self, chat_id: int, digest_time: str, now: float, *, thread_id: int = MAIN_THREAD
    ) -> None:
        """Set a thread's daily digest time (HH:MM), or turn it off with ''."""
        ...

    async def set_private_threads(self, chat_id: int, wanted: bool) -> None:
        """Whether a private chat's subscriptions each get a thread of their own."""
        ...

    async def set_article(self, chat_id: int, article_id: int) -> None:
        """Make ``article_id`` the article this chat reads."""
        ...

    async def article_of(self, chat_id: int) -> int | None:
        """The article the chat chose to read, if it chose one."""
        ...

    async def set_language(self, chat_id: int, language: str) -> None:
        """Set the language the bot speaks in this chat."""
        ...

    async def set_timezone(self, chat_id: int, zone: str) -> None:
        """Set the chat's timezone (an IANA name, already validated)."""
        ...

    async def with_digest(self, chat_id: int | None = None) -> list[ThreadInfo]:
        """The threads of active chats (of ``chat_id`` alone, if given) that want a digest."""
        ...

    async def channels(self) -> list[ChatInfo]:
        """Every channel the bot has been added to."""
        ...


class OutboxStore(Protocol):
    """Queued deliveries and their fate."""

    async def enqueue_article(
        self, article_id: int, now: float, words: Sequence[Sequence[str]] = ()
    ) -> int:
        """Queue a new article for every thread subscribed to it, to one of its topics, or
        alerted on a phrase of its ``words`` (each text's terms, in order).

        Runs inside the caller's transaction (the ingest), so an article and its deliveries
        are stored together or not at all. One delivery per thread, whatever it matched.
        """
        ...

    async def enqueue_digest(self, chat_id: int, now: float, thread_id: int = MAIN_THREAD) -> bool:
        """Queue a digest of the articles added since the thread's last one; False if none."""
        ...

    async def broadcast_audience(self) -> int:
        """How many chats a broadcast would reach: the active ones with a subscription."""
        ...

    async def enqueue_broadcast(self, article_id: int, preview: str, now: float) -> int:
        """Queue an article for every active chat with a subscription; how many were queued.

        ``preview`` names the preview the administrator confirmed: however often, and from
        however many clients, it is confirmed, each chat gets it once (0 the second time).
        """
        ...

    async def due(self, now: float, limit: int) -> list[Delivery]:
        """Queued deliveries whose time has come, oldest first."""
        ...

    async def claim(self, now: float, limit: int, lease: float) -> list[Delivery]:
        """Take up to ``limit`` due deliveries to send, at most one per chat, leased for
        ``lease`` seconds: no other claim gets them, or their chats, until the lease ends."""
        ...

    async def release(self, delivery_id: int, at: float) -> None:
        """Give back a claim unsent: its chat may not be sent to before ``at``."""
        ...

    async def next_due_at(self) -> float | None:
        """When the earliest queued delivery falls due, if any is queued."""
        ...

    async def get(self, delivery_id: int) -> Delivery | None:
        """One delivery (whatever its state)."""
        ...

    async def chunks_sent(self, sent: Sequence[SentChunk]) -> None:
        """Record messages sent, each in its chat's latest pushes, in one transaction: a
        delivery's last closes it and frees its chat, the others renew its lease."""
        ...

    async def finish(
        self, delivery_id: int, state: DeliveryState, now: float, error: str = ""
    ) -> None:
        """Close a delivery as sent, failed or skipped, and free its chat."""
        ...

    async def retry_at(
        self, delivery_id: int, at: float, error: str, *, counts: bool = True
    ) -> None:
        """Put a delivery back in the queue until ``at``. A wait it was told to make (429)
        does not count as an attempt, and holds its whole chat until then."""
        ...

    async def requeue_in_flight(self, now: float) -> int:
        """Queue again the deliveries in flight that no live worker holds (a crash)."""
        ...

    async def stats(self, error_count: int = 5) -> Stats:
        """Chats by type, active subscriptions, deliveries by state, the last errors."""
        ...


class WorkerStore(Protocol):
    """The bot's processes that share the store: how many are alive, which runs the jobs."""

    async def heartbeat(self, worker: str, ttl: float) -> int:
        """Record ``worker`` as alive; how many workers were alive in the last ``ttl``
        seconds, this one included."""
        ...

    async def leave(self, worker: str) -> None:
        """``worker`` stops: it no longer counts, and gives up running the jobs."""
        ...

    async def leads(self) -> bool:
        """Whether this process runs the scheduled jobs (one process does, across all)."""
        ...

    async def first_sight(self, update_id: int, window: float) -> bool:
        """Whether update ``update_id`` is seen for the first time by any worker in the last
        ``window`` seconds; recording it seen. Telegram posts an update again when the load
        balancer timed out, so each is handled once."""
        ...


class FeedStore(Protocol):
    """The feeds a newsroom follows: added, listed, removed, and polled when due."""

    async def add_feed(self, url: str, now: float) -> bool:
        """Follow ``url`` from now on, due at once; False when it is followed already."""
        ...

    async def remove_feed(self, url: str) -> bool:
        """Stop following ``url``; False when it was not followed."""
        ...

    async def feeds(self) -> list[FeedInfo]:
        """Every feed followed, in the order they were added."""
        ...

    async def due_feeds(self, now: float, limit: int = 20) -> list[FeedInfo]:
        """Up to ``limit`` feeds whose next poll is due, the longest waiting first."""
        ...

    async def record_poll(self, url: str, poll: FeedPoll) -> None:
        """What a poll of ``url`` found: its success (and the validators and item count for
        the next conditional GET) or its error, and when it is due again."""
        ...

    async def item_name(self, feed_url: str, guid: str) -> str | None:
        """The seeds file the item ``guid`` of ``feed_url`` is stored under; None for an item
        not stored yet."""
        ...

    async def remember_item(self, feed_url: str, guid: str, name: str) -> None:
        """Keep ``name`` as the file of the item ``guid`` of ``feed_url``: the name first
        remembered stays, so an item whose link changes still replaces its article."""
        ...


class ArticleStore(Protocol):
    """Articles to read, search and keep up to date, with the chats and outbox beside them.

    ``ingest`` is the unit of work that must be atomic: an article and the deliveries it
    makes are stored together or not at all.
    """

    @property
    def chats(self) -> ChatStore:
        """Chats, their threads, subscriptions, alerts and settings."""
        ...

    @property
    def outbox(self) -> OutboxStore:
        """Deliveries queued for the chats, and their fate."""
        ...

    @property
    def workers(self) -> WorkerStore:
        """The processes that share this store."""
        ...

    @property
    def feeds(self) -> FeedStore:
        """The feeds the newsroom follows."""
        ...

    async def close(self) -> None:
        """Close the database connections."""
        ...

    async def ping(self) -> bool:
        """Whether the store answers now (a health check)."""
        ...

    async def schema_version(self) -> int:
        """The schema version recorded in the database."""
        ...

    async def ingest(
        self,
        article: Article,
        source: str,
        now: float | None = None,
        owner_present: Callable[[str], bool] = ...,
        announce: bool = True,
    ) -> IngestResult:
        """Store ``article`` in one transaction: unchanged, added, or replacing its old content.

        A new article is queued for its subscribers and alerts, unless ``announce`` is False
        (what a feed held when it was added is stored, not pushed).

        An article's id belongs to the file (``source``) that made it. Another file with the
        same id replaces it only when ``owner_present(owner)`` says the owner is gone (a
        rename); otherwise IdTakenError is raised and nothing changes.

        The fingerprint covers the article and the lexicon, so the same file twice changes
        nothing, while a new lexicon re-tags the article the next time it is ingested. A new
        article is queued for its subscribers in the same transaction; a replaced one is not
        sent again.
        """
        ...

    async def ingest_many(
        self, incoming: Sequence[Incoming], now: float | None = None, announce: bool = True
    ) -> list[IngestResult | IdTakenError]:
        """``ingest`` for each, in order, written in one transaction: what a backfill uses.

        An article whose id another file owns gets its IdTakenError in its place, and the
        rest are stored; any other failure stores none of them.
        """
        ...

    def backfilling(self, articles: int) -> AbstractAsyncContextManager[None]:
        """Held while storing or re-tagging ``articles`` articles at once: when they are
        enough to pay back a process's start, batches are tagged in a process of their own
        (on another core) rather than a thread."""
        ...

    def use_lexicon(self, lexicon: Lexicon) -> None:
        """Tag and index with ``lexicon`` from now on; ``retag`` brings old articles up to it."""
        ...

    async def stale_articles(self) -> list[int]:
        """Ids of the articles tagged with another lexicon than the one in use, oldest first."""
        ...

    async def article_source(self, slug: str) -> str | None:
        """The name of the file that made the article ``slug``, or None when there is none."""
        ...

    async def withdraw(self, slug: str) -> str | None:
        """Remove the article ``slug`` from every list, search, topic and inline answer; its
        queued deliveries are skipped when they fall due. The name of the file that made
        it, or None when no article has that id."""
        ...

    async def retag(self, article_id: int) -> bool:
        """Tag and index one stored article again with the lexicon in use; False if gone.

        The article is rebuilt from the store, not its file: uploads and ingested files have
        none to go back to. Nothing is queued: subscribers had it when it was new. The work is
        done before the write lock is taken; an article replaced meanwhile is left as it is.
        """
        ...

    async def retag_many(self, article_ids: Sequence[int]) -> list[bool]:
        """``retag`` for each, in order, written in one transaction."""
        ...

    async def current_article(self) -> ArticleInfo | None:
        """The newest article: the one added last."""
        ...

    async def articles(self, limit: int = 20) -> list[ArticleInfo]:
        """Stored articles, newest first."""
        ...

    async def articles_on(self, topic: str, besides: int, limit: int = 5) -> list[ArticleInfo]:
        """Other articles that name ``topic``, newest first."""
        ...

    async def article(self, article_id: int) -> ArticleInfo | None:
        """The article with this id, if it is stored."""
        ...

    async def article_count(self) -> int:
        """How many articles are stored."""
        ...

    async def summary(self, article: ArticleInfo) -> Summary:
        """The article's closing summary."""
        ...

    async def headings(self, article: ArticleInfo) -> list[tuple[int, str]]:
        """(number, heading) of every section, the lead (0, '') first when there is one."""
        ...

    async def section(self, article: ArticleInfo, number: int) -> SectionView | None:
        """One section of the article (0 is the lead), or None when it has no such section."""
        ...

    async def topics_of(self, article: ArticleInfo) -> list[str]:
        """Commands of the topics the article names, its main subjects first."""
        ...

    async def topic_briefing(self, article: ArticleInfo, topic: str) -> TopicBriefing:
        """The article's paragraphs and bullets that name ``topic``, in reading order."""
        ...

    async def search(self, query: str, limit: int = 10) -> list[SearchHit]:
        """Paragraphs that contain the query's words, best first (BM25 over normalised terms)."""
        ...
