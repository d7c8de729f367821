"""What a running worker exposes to Prometheus at ``GET /metrics``.

Each Application has a registry of its own, so that several bots in one process (the tests
run two workers side by side) never count into each other's series. Counts of what this
worker did are kept as it does it; the outbox's queue is read from the store at each
scrape, so every worker reports the same shared queue.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

from content.models import DeliveryState
from content.ports import ArticleStore

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class Metrics:
    """The series of one worker."""

    def __init__(self) -> None:
        self.registry = registry = CollectorRegistry(auto_describe=True)
        self.updates = Counter(
            "mojaz_updates_handled", "Updates taken from Telegram and handled", registry=registry
        )
        self.sent = Counter(
            "mojaz_messages_sent",
            "Messages sent, as replies to people or as bulk pushes",
            ["kind"],
            registry=registry,
        )
        self.paid = Counter(
            "mojaz_paid_messages_sent",
            "Pushes sent with allow_paid_broadcast, which Telegram charges Stars for",
            registry=registry,
        )
        self.refused = Counter(
            "mojaz_flood_refusals",
            "Sends Telegram refused with 429 Too Many Requests",
            ["kind"],
            registry=registry,
        )
        self.latency = Histogram(
            "mojaz_send_seconds",
            "Time from a send's start to Telegram's answer",
            ["kind"],
            buckets=_LATENCY_BUCKETS,
            registry=registry,
        )
        self.deliveries = Gauge(
            "mojaz_deliveries",
            "Deliveries in the shared outbox, by state",
            ["state"],
            registry=registry,
        )
        self.queue_depth = Gauge(
            "mojaz_outbox_queue_depth",
            "Deliveries queued or being sent, across all workers",
            registry=registry,
        )
        self.workers = Gauge(
            "mojaz_workers", "Workers sharing the bot, as this one counts them", registry=registry
        )
        self._feeds_polled = Counter(
            "mojaz_feeds_polled",
            "Feeds asked for news: new (it had items), unchanged (304) or failed",
            ["outcome"],
            registry=registry,
        )
        self._feed_items = Counter(
            "mojaz_feed_items",
            "Feed items read: added, replaced, unchanged, refused (no article) or failed",
            ["outcome"],
            registry=registry,
        )
        self._fetch_errors = Counter(
            "mojaz_fetch_errors",
            "Feeds and pages not fetched, by why: link, address, connect, timeout, status,"
            " size, redirects, http or not_a_feed",
            ["kind"],
            registry=registry,
        )
        self._extraction = Histogram(
            "mojaz_extraction_seconds",
            "Time to read a web page into an article",
            buckets=_LATENCY_BUCKETS,
            registry=registry,
        )

    def sent_one(self, is_bulk: bool, seconds: float, paid: bool = False) -> None:
        """A send came back accepted after ``seconds``."""
        kind = _kind(is_bulk)
        self.sent.labels(kind).inc()
        self.latency.labels(kind).observe(seconds)
        if paid:
            self.paid.inc()

    def refused_one(self, is_bulk: bool) -> None:
        """Telegram answered a send with 429."""
        self.refused.labels(_kind(is_bulk)).inc()

    def feed_polled(self, outcome: str) -> None:
        """A feed was asked (bot.sync.feeds.FeedObserver)."""
        self._feeds_polled.labels(outcome).inc()

    def feed_item(self, outcome: str) -> None:
        """A feed's item was read and stored, or not."""
        self._feed_items.labels(outcome).inc()

    def fetch_failed(self, kind: str) -> None:
        """A feed or page was not fetched."""
        self._fetch_errors.labels(kind).inc()

    def extracted(self, seconds: float) -> None:
        """A page was read into an article."""
        self._extraction.observe(seconds)

    async def exposition(self, store: ArticleStore) -> bytes:
        """The text format, with the shared queue read from the store now."""
        stats = await store.outbox.stats(error_count=0)
        states = dict.fromkeys(DeliveryState, 0) | dict(stats.deliveries_by_state)
        for state, count in states.items():
            self.deliveries.labels(str(state)).set(count)
        self.queue_depth.set(states[DeliveryState.QUEUED] + states[DeliveryState.SENDING])
        return generate_latest(self.registry)


def _kind(is_bulk: bool) -> str:
    return "push" if is_bulk else "reply"
