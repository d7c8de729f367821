"""Building the Application: handlers in order, typed context, and the resources' lifecycle."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from telegram import Update
from telegram.ext import (
    Application,
    ApplicationBuilder,
    ContextTypes,
    Defaults,
    ExtBot,
    TypeHandler,
)
from telegram.request import BaseRequest

from bot.capabilities import RESERVED_COMMANDS, capabilities
from bot.cluster.membership import Membership, when_leading
from bot.deliver.digests import DigestJobs
from bot.deliver.render import render_delivery, thread_paused_note
from bot.deliver.worker import DeliveryViews, OutboxWorker
from bot.serve.api import add_publishing_api, publisher
from bot.serve.http import MAX_BODY, HttpListener, Listener, Routes
from bot.serve.metrics import Metrics
from bot.serve.priority import RepliesFirst
from bot.serve.webhook import REPEAT_WINDOW_SECONDS, WebhookServer
from bot.settings import Settings
from bot.stores import open_store
from bot.sync.feeds import FeedPoller
from bot.sync.lexicon import LexiconWatcher, read_lexicon, reread_alerts, retag_stale
from bot.sync.seeds import SeedsWatcher
from bot.transport.bulk import LINK_PREVIEW, PARSE_MODE, BulkSender
from bot.transport.ratelimit import FloodLimiter
from bot.transport.request import AiohttpRequest
from content.library import ingest_directory
from content.ports import ArticleStore
from content.search import Analyzer
from content.sources.fetch import Fetcher
from content.topics import Lexicon
from handlers.plumbing import errors, menu
from handlers.plumbing.context import BotData, Context, resolve
from handlers.plumbing.registry import Capability, handlers_of

logger = logging.getLogger(__name__)

MojazApp = Application[
    ExtBot[dict[str, Any]], Context, dict[Any, Any], dict[Any, Any], BotData, Any
]
# How long shutdown waits for the outbox to finish the messages in flight.
_OUTBOX_STOP_SECONDS = 15
# Connections kept for replies, beside the outbox's.
_REPLY_CONNECTIONS = 16
# JSON or form framing around an article posted to the API, beyond MAX_ARTICLE_BYTES itself.
_API_ENVELOPE = 64 * 1024
# How often each worker brings its digest jobs in line with the store.
DIGEST_SYNC_SECONDS = 20.0
# How often the feed job looks for feeds due: a feed added is polled within this long.
FEEDS_JOB_SECONDS = 30.0
# Every send alike: HTML, and no link previews (a briefing is its own text).
SEND_DEFAULTS = Defaults(parse_mode=PARSE_MODE, link_preview_options=LINK_PREVIEW)


class Lifecycle:
    """Opens the store, loads the articles and starts the outbox at start-up; stops them."""

    def __init__(
        self,
        settings: Settings,
        lexicon: Lexicon,
        limiter: FloodLimiter,
        metrics: Metrics,
        capabilities: tuple[Capability, ...],
    ) -> None:
        self._settings = settings
        self._capabilities = capabilities
        self._lexicon = lexicon
        self._limiter = limiter
        self._metrics = metrics
        self._store: ArticleStore | None = None
        self._stop_outbox = asyncio.Event()
        self._outbox_task: asyncio.Task[None] | None = None
        self._membership: Membership | None = None
        self._heartbeat_task: asyncio.Task[None] | None = None
        self._retag_task: asyncio.Task[None] | None = None
        self._fetcher: Fetcher | None = None
        self._sender: BulkSender | None = None

    async def start(self, app: MojazApp) -> None:
        """post_init: open the store, ingest the seeds, start the outbox, schedule the jobs."""
        settings = self._settings
        self._store = store = await open_store(settings, self._lexicon)
        report = await ingest_directory(store, settings.seeds_dir, settings.max_article_bytes)
        logger.info(
            "Loaded %d article(s) from %s; %d file(s) rejected",
            len(report.results), settings.seeds_dir, len(report.errors),
        )  # fmt: skip
        # Articles and alerts read under an older lexicon are read again behind the updates.
        self._retag_task = asyncio.create_task(_read_again(store, self._lexicon))
        data = app.bot_data
        data.attach(store, self._lexicon)
        data.admin_ids = settings.admin_ids
        data.default_timezone = settings.default_timezone
        data.max_article_bytes = settings.max_article_bytes
        data.seeds_folder = settings.seeds_dir
        data.max_alerts = settings.max_alerts
        outbox = settings.outbox()
        if settings.lean_pushes:  # on connections of their own, beside the replies'
            self._sender = BulkSender(
                app.bot.base_url, self._limiter, outbox.concurrency, outbox.request_timeout
            )
            await self._sender.initialize()
        worker = OutboxWorker(
            store,
            app.bot,
            self._limiter,
            DeliveryViews(
                lambda delivery: render_delivery(store, data.lexicon, delivery),
                thread_paused_note,
            ),
            outbox,
            sender=self._sender,
        )
        data.wake_outbox = worker.wake
        self._stop_outbox.clear()
        await self._join(store)
        self._outbox_task = asyncio.create_task(worker.run(self._stop_outbox))
        await self._schedule_jobs(app, store)
        await self._publish_menus(app, self._lexicon)

    async def _publish_menus(self, app: MojazApp, lexicon: Lexicon) -> None:
        await menu.publish_menus(
            app.bot, app.bot_data.store, lexicon, self._settings.admin_ids,
            self._capabilities,
        )  # fmt: skip

    async def _join(self, store: ArticleStore) -> None:
        """Count this process among the workers, at its share of the rate, before it sends."""
        self._membership = membership = Membership(
            store.workers, self._limiter, on_count=self._metrics.workers.set
        )
        await membership.join()
        self._heartbeat_task = asyncio.create_task(membership.run(self._stop_outbox))

    async def _schedule_jobs(self, app: MojazApp, store: ArticleStore) -> None:
        """Every worker keeps the digest jobs and reads the topics file; a job that changes
        the store (a digest queued, a seed ingested) runs on the worker that leads."""
        if app.job_queue is None:
            return
        digests = DigestJobs(app.job_queue, store, self._settings.default_timezone)
        await digests.sync()
        app.bot_data.digest_changed = digests.refresh
        app.job_queue.run_repeating(
            digests.resync, interval=DIGEST_SYNC_SECONDS, name="digest-sync"
        )
        topics_file = self._settings.topics_file
        if topics_file is not None and self._settings.seeds_scan_seconds > 0:
            topics_watcher = LexiconWatcher(
                topics_file, lambda new: self._install(app, new), RESERVED_COMMANDS
            )
            app.job_queue.run_repeating(
                topics_watcher.scan,
                interval=self._settings.seeds_scan_seconds,
                name="topics-file",
            )
        if self._settings.seeds_scan_seconds > 0:
            watcher = SeedsWatcher(
                store, self._settings.seeds_dir, self._settings.max_article_bytes
            )
            await watcher.prime()
            app.job_queue.run_repeating(
                when_leading(store.workers, watcher.scan),
                interval=self._settings.seeds_scan_seconds,
                name="seeds-scan",
            )
        self._schedule_feeds(app, store)

    def _schedule_feeds(self, app: MojazApp, store: ArticleStore) -> None:
        """Poll the followed feeds on the worker that leads, at most every FEEDS_POLL_SECONDS
        (a feed is asked only when it is due, so the job itself may run more often)."""
        settings = self._settings
        if app.job_queue is None or settings.feeds_poll_seconds <= 0:
            return
        self._fetcher = Fetcher(
            settings.max_article_bytes, allow_private=settings.fetch_allow_private
        )
        poller = FeedPoller(
            store, self._fetcher, settings.seeds_dir, settings.max_article_bytes,
            settings.feeds_poll_seconds, observer=self._metrics,
        )  # fmt: skip
        app.job_queue.run_repeating(
            when_leading(store.workers, poller.scan),
            interval=min(settings.feeds_poll_seconds, FEEDS_JOB_SECONDS),
            name="feeds-poll",
        )

    async def _install(self, app: MojazApp, lexicon: Lexicon) -> None:
        """Put a new lexicon in force: tag with it, answer with it, re-tag, publish menus."""
        store = app.bot_data.store
        store.use_lexicon(lexicon)
        app.bot_data.use_lexicon(lexicon)
        await _read_again(store, lexicon)
        await self._publish_menus(app, lexicon)

    async def stop_workers(self, app: MojazApp) -> None:  # noqa: ARG002 - post_stop's signature
        """post_stop: let the outbox finish what is in flight, then stop it."""
        self._stop_outbox.set()
        if self._outbox_task is not None:
            try:
                await asyncio.wait_for(self._outbox_task, _OUTBOX_STOP_SECONDS)
            except TimeoutError:
                logger.warning("The outbox did not stop in time; its in-flight sends are requeued")
            self._outbox_task = None
        if self._sender is not None:
            await self._sender.shutdown()
            self._sender = None
        await self._leave()

    async def _leave(self) -> None:
        """Stop the heartbeats and count this worker out: the others take its share."""
        if self._heartbeat_task is not None:
            await self._heartbeat_task  # it ends with the outbox's stop event
            self._heartbeat_task = None
        if self._membership is not None:
            await self._membership.leave()
            self._membership = None

    async def stop(self, app: MojazApp) -> None:
        """post_shutdown: close what start opened."""
        await self.stop_workers(app)
        if self._retag_task is not None:
            self._retag_task.cancel()  # what it did not reach is re-tagged at the next start
            with contextlib.suppress(asyncio.CancelledError):
                await self._retag_task
            self._retag_task = None
        if self._fetcher is not None:
            await self._fetcher.close()
            self._fetcher = None
        if self._store is not None:
            await self._store.close()
            self._store = None


def build_worker(
    settings: Settings, token: str, request: BaseRequest | None = None
) -> tuple[MojazApp, Listener | None]:
    """The Application, and its HTTP listener: the webhook's, which takes its updates, or in
    polling mode HTTP_LISTEN's for the probes and the API (None when that is turned off)."""
    metrics = Metrics()
    app = build_application(settings, token, request, metrics=metrics)

    def health() -> Awaitable[bool]:  # the store opens after the listener is built
        return app.bot_data.store.ping()

    def exposition() -> Awaitable[bytes]:
        return metrics.exposition(app.bot_data.store)

    routes = _publishing_api(settings, app)
    max_body = max(MAX_BODY, settings.max_article_bytes + _API_ENVELOPE)
    webhook = settings.webhook()
    if webhook is None:
        address = settings.http_address()
        if address is None:
            return app, None
        return app, HttpListener(*address, health, exposition, routes, max_body)
    server = WebhookServer(
        webhook,
        app.bot,
        app.update_queue,
        health=health,
        metrics=exposition,
        first_sight=lambda update_id: app.bot_data.store.workers.first_sight(
            update_id, REPEAT_WINDOW_SECONDS
        ),
    )
    server.extra_routes = routes
    server.max_body = max_body
    return app, server


def _publishing_api(settings: Settings, app: MojazApp) -> Routes | None:
    """POST /api/articles on the worker's listener, when API_TOKEN is set."""
    if settings.api_token is None:
        return None
    token = settings.api_token.get_secret_value()
    publish = publisher(
        lambda: app.bot_data.store, settings.seeds_dir, settings.max_article_bytes,
        app.bot_data.wake_outbox,
    )  # fmt: skip
    return lambda server: add_publishing_api(server, token, publish)


def build_application(
    settings: Settings,
    token: str,
    request: BaseRequest | None = None,
    get_updates_request: BaseRequest | None = None,
    metrics: Metrics | None = None,
) -> MojazApp:
    """The Application with every handler registered, in the order they are tried."""
    lexicon = read_lexicon(settings.topics_file, RESERVED_COMMANDS)
    metrics = metrics or Metrics()
    limiter = FloodLimiter(settings.limits(), observer=metrics)

    def lexicon_in_force() -> Lexicon:  # read at each update: TOPICS_FILE may change
        return app.bot_data.lexicon

    registered = capabilities(lexicon_in_force)
    lifecycle = Lifecycle(settings, lexicon, limiter, metrics, registered)
    context_types = ContextTypes(context=Context, bot_data=BotData)
    builder = (
        ApplicationBuilder()
        .token(token)
        .base_url(settings.api_base_url())
        .base_file_url(settings.api_file_url())
        .context_types(context_types)
        .defaults(SEND_DEFAULTS)
        .rate_limiter(limiter)
        .concurrent_updates(RepliesFirst(limiter))
        .post_init(lifecycle.start)
        .post_stop(lifecycle.stop_workers)
        .post_shutdown(lifecycle.stop)
    )
    # Sends in flight at once: the outbox's, and replies beside them.
    connections = settings.outbox_concurrency + _REPLY_CONNECTIONS
    builder = builder.request(request or AiohttpRequest(connections))
    if settings.webhook() is not None:
        builder = builder.updater(None)  # Telegram posts the updates: nothing polls
    else:
        builder = builder.get_updates_request(get_updates_request or AiohttpRequest(1))
    app: MojazApp = builder.build()
    app.bot_data.use_lexicon(lexicon)
    app.add_handler(TypeHandler(Update, _counter(metrics)), group=-2)
    # Each update's chat, language and thread, worked out once before any handler runs.
    app.add_handler(TypeHandler(Update, resolve), group=-1)
    register_handlers(app, registered, settings.admin_ids)
    return app


def _counter(metrics: Metrics) -> Callable[[object, object], Coroutine[Any, Any, None]]:
    """A handler, in a group before all others, that counts the updates handled."""

    async def count(_update: object, _context: object) -> None:
        metrics.updates.inc()

    return count


def register_handlers(
    app: MojazApp, capabilities: tuple[Capability, ...], admin_ids: frozenset[int]
) -> None:
    """Every capability's handlers, in order: the first matching handler wins."""
    app.add_handlers(handlers_of(capabilities, admin_ids))
    app.add_error_handler(errors.on_error)


async def _read_again(store: ArticleStore, lexicon: Lexicon) -> None:
    """Re-tag the articles, and re-read the alerts, that another lexicon or analyzer read."""
    await retag_stale(store)
    await reread_alerts(store.chats, Analyzer(lexicon))
