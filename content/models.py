"""Typed models of the domain: parsed articles, the rows the store writes, and what it returns."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum


@dataclass(frozen=True, slots=True)
class Section:
    """A heading and the paragraphs under it."""

    heading: str
    paragraphs: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Article:
    """An article as parsed from its file, before it is stored."""

    slug: str
    title: str
    lead: tuple[str, ...]
    sections: tuple[Section, ...]
    summary_title: str
    bullets: tuple[str, ...]
    # Where it comes from, as its copy says: a link to the original, its author, the date it
    # was published (YYYY-MM-DD) and its image; each "" when the copy does not say.
    url: str = ""
    author: str = ""
    published: str = ""
    image: str = ""
    # The bullets are sentences the bot chose (content.summary), not the editor's.
    automatic_summary: bool = False


@dataclass(frozen=True, slots=True)
class ArticleInfo:
    """A stored article's identity and headline facts."""

    id: int
    slug: str
    title: str
    summary_title: str
    # Where it comes from (see Article): "" where its copy did not say.
    url: str = ""
    author: str = ""
    published: str = ""
    image: str = ""
    automatic_summary: bool = False


@dataclass(frozen=True, slots=True)
class StoredParagraph:
    """A stored paragraph with where it stands and which topics it names.

    ``section`` is 0 for the lead, then 1, 2 … for the sections in order; ``heading`` is
    empty for the lead.
    """

    id: int
    section: int
    heading: str
    position: int
    text: str
    topics: frozenset[str]


@dataclass(frozen=True, slots=True)
class StoredBullet:
    """A summary bullet, numbered from 1, with the topics it names."""

    number: int
    text: str
    topics: frozenset[str]


@dataclass(frozen=True, slots=True)
class SectionView:
    """One section of a stored article, ready to show.

    ``number`` is 0 for the lead, then 1, 2 …; ``index`` is its place in the list of
    sections as a reader counts it (from 1), out of ``count``; ``previous`` and ``next`` are
    the numbers of its neighbours, when it has them.
    """

    article: ArticleInfo
    number: int
    heading: str
    paragraphs: tuple[str, ...]
    index: int
    count: int
    previous: int | None
    next: int | None


@dataclass(frozen=True, slots=True)
class Summary:
    """The closing summary of a stored article."""

    article: ArticleInfo
    title: str
    bullets: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class TopicBriefing:
    """What an article says about one topic: its paragraphs by section, and its bullets."""

    article: ArticleInfo
    topic: str
    paragraphs: tuple[StoredParagraph, ...]
    bullets: tuple[StoredBullet, ...]


@dataclass(frozen=True, slots=True)
class SearchHit:
    """A paragraph that matched a search: its rank (lower is better) and the matched words.

    ``spans`` are (start, end) offsets of the matching words in the paragraph's text.
    """

    article: ArticleInfo
    paragraph: StoredParagraph
    rank: float
    spans: tuple[tuple[int, int], ...]


@dataclass(frozen=True, slots=True)
class SentChunk:
    """One message of a delivery that went out: ``last`` closes the delivery, ``paid``
    when it went with allow_paid_broadcast."""

    delivery_id: int
    message_id: int
    at: float
    last: bool
    paid: bool = False


@dataclass(frozen=True, slots=True)
class ParagraphRow:
    """One paragraph: where it stands, its text, its search terms and its topics."""

    section: int
    position: int
    text: str
    terms: str
    topics: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ArticleRows:
    """Everything the store writes for one article, in the order it is read back."""

    sections: tuple[tuple[int, str], ...]
    paragraphs: tuple[ParagraphRow, ...]
    bullets: tuple[tuple[str, tuple[str, ...]], ...]
    topics: tuple[str, ...]  # the article's topics, most salient first
    # The terms of its title, paragraphs and bullets in order, which word alerts match.
    words: tuple[tuple[str, ...], ...] = ()


@dataclass(frozen=True, slots=True)
class StoredSlug:
    """What the store holds under an article's id: its row, its fingerprint, its file."""

    slug: str
    article_id: int
    fingerprint: str
    source: str


@dataclass(frozen=True, slots=True)
class IngestResult:
    """What an ingest did: ``added``, ``replaced`` or ``unchanged``."""

    article_id: int
    slug: str
    outcome: str


def no_owner_present(_owner: str) -> bool:
    """By default no other file is known to be there."""
    return False


@dataclass(frozen=True, slots=True)
class Incoming:
    """An article on its way into the store: its file's name, and how to tell whether the
    file that owns its id now is still there (see ``ArticleStore.ingest``)."""

    article: Article
    source: str
    owner_present: Callable[[str], bool] = no_owner_present


@dataclass(frozen=True, slots=True)
class ChatInfo:
    """A chat the bot knows: where briefings go, and how that chat wants them."""

    id: int
    type: str
    title: str
    active: bool
    inactive_reason: str
    timezone: str
    owner_id: int | None
    language: str = ""  # '' until the chat chooses one with /lang
    # A private chat whose reader asked for a thread of its own for each subscription.
    private_threads: bool = False


MAIN_THREAD = 0  # a chat without threads, or a forum's General topic
# A thread is a message id, which Telegram keeps within 32 bits: past that, it is forged.
MAX_THREAD_ID = 2**31 - 1


@dataclass(frozen=True, slots=True)
class ThreadInfo:
    """Where in a chat briefings go: the chat itself (MAIN_THREAD) or one forum topic.

    Subscriptions, alerts and the digest belong to a thread; language and time zone to the
    chat. ``paused`` says why pushes to the thread stopped (a closed or deleted topic), or is
    empty.
    """

    chat: ChatInfo
    thread_id: int = MAIN_THREAD
    digest_time: str = ""  # HH:MM, or '' for no digest
    paused: str = ""
    title: str = ""  # the topic's name, where the bot made the topic


@dataclass(frozen=True, slots=True)
class Alert:
    """A word or short phrase a thread is alerted on, as its reader wrote it."""

    id: int
    chat_id: int
    thread_id: int
    phrase: str


class AlertAdded(StrEnum):
    """What became of a new alert."""

    ADDED = "added"
    ALREADY = "already"  # the thread has it already
    FULL = "full"  # the chat has as many alerts as it may


class DeliveryKind(StrEnum):
    """What a delivery brings."""

    ARTICLE = "article"  # a new article, for its subscribers and alerts
    DIGEST = "digest"  # the articles since a thread's last digest
    BROADCAST = "broadcast"  # an article an administrator sent to every subscribed chat


class DeliveryState(StrEnum):
    """Where a delivery is in its life."""

    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    SKIPPED = "skipped"


@dataclass(frozen=True, slots=True)
class Delivery:
    """A queued message for one chat: a new article, a digest, or a broadcast.

    ``article_ids`` are the articles it presents; ``topics`` the subscribed topics that made
    it match, if any. ``chunks_sent`` lets a delivery cut short resume after its last
    message rather than send it all again. ``attempts`` counts this one once it is claimed.
    """

    id: int
    chat_id: int
    chat_type: str
    kind: DeliveryKind
    article_ids: tuple[int, ...]
    topics: tuple[str, ...]
    attempts: int
    chunks_sent: int
    language: str = ""
    # When the chat's latest pushes went out (wall clock, any worker's): the per-chat and
    # per-group limits continue from them whichever worker sends next.
    recent_sends: tuple[float, ...] = ()
    thread_id: int = MAIN_THREAD
    words: tuple[str, ...] = ()  # the alerts it matched, when no subscribed topic did


@dataclass(frozen=True, slots=True)
class DeliveryError:
    """The last error of a delivery that has not (yet) gone through."""

    delivery_id: int
    chat_id: int
    state: str
    error: str


@dataclass(frozen=True, slots=True)
class Stats:
    """Counts for administrators."""

    chats_by_type: tuple[tuple[str, int, int], ...]  # (type, active, inactive)
    active_subscriptions: int
    deliveries_by_state: tuple[tuple[str, int], ...]
    last_errors: tuple[DeliveryError, ...]
    paid_messages: int = 0  # sent with allow_paid_broadcast, which Telegram charges for


@dataclass(frozen=True, slots=True)
class FeedInfo:
    """A feed the newsroom follows, and how its polling goes."""

    url: str
    added_at: float
    next_poll_at: float
    last_success: float | None = None  # when it last answered, 304 included
    last_error: str = ""  # why its last poll failed, "" after a success
    items: int = 0  # items its last answer listed
    failures: int = 0  # polls failed in a row: how far it is backed off
    etag: str = ""
    last_modified: str = ""
    primed: bool = False  # its first poll stored what it held then, without pushing it


@dataclass(frozen=True, slots=True)
class FeedPoll:
    """What one poll of a feed found."""

    at: float
    next_poll_at: float
    error: str = ""  # "" for a success
    etag: str = ""
    last_modified: str = ""
    items: int | None = None  # None: unchanged (a 304), or a failure
