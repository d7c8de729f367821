"""Building the Application: handlers in order, typed context, and the resources' lifecycle."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from telegram.ext import Application, ApplicationBuilder, CallbackContext, ContextTypes, ExtBot
from telegram.request import BaseRequest

from bot.jobs import SeedsWatcher, schedule_digests
from bot.lexicon import LexiconWatcher, read_lexicon, retag_stale
from bot.outbox import OutboxWorker
from bot.priority import RepliesFirst
from bot.ratelimit import FloodLimiter
from bot.settings import Settings
from bot.stores import open_store
from content.library import ingest_directory
from content.ports import ArticleStore
from content.topics import Lexicon
from handlers import (
    admin,
    articles,
    briefing,
    channels,
    deeplinks,
    digests,
    errors,
    fallback,
    inline,
    language,
    membership,
    menu,
    search,
    sections,
    subscriptions,
    topics,
)
from handlers.context import BotData, Context
from handlers.deliveries import render_delivery

logger = logging.getLogger(__name__)

MojazApp = Application[
    ExtBot[dict[str, Any]], Context, dict[Any, Any], dict[Any, Any], BotData, Any
]
# How long shutdown waits for the outbox to finish the messages in flight.
_OUTBOX_STOP_SECONDS = 15


class Lifecycle:
    """Opens the store, loads the articles and starts the outbox at start-up; stops them."""

    def __init__(self, settings: Settings, lexicon: Lexicon, limiter: FloodLimiter) -> None:
        self._settings = settings
        self._lexicon = lexicon
        self._limiter = limiter
        self._store: ArticleStore | None = None
        self._stop_outbox = asyncio.Event()
        self._outbox_task: asyncio.Task[None] | None = None
        self._retag_task: asyncio.Task[int] | None = None

    async def start(self, app: MojazApp) -> None:
        """post_init: open the store, ingest the seeds, start the outbox, schedule the jobs."""
        settings = self._settings
        self._store = store = await open_store(settings, self._lexicon)
        report = await ingest_directory(store, settings.seeds_dir, settings.max_article_bytes)
        logger.info(
            "Loaded %d article(s) from %s; %d file(s) rejected",
            len(report.results), settings.seeds_dir, len(report.errors),
        )  # fmt: skip
        # Articles stored under an older lexicon are re-tagged behind the updates.
        self._retag_task = asyncio.create_task(retag_stale(store))
        data = app.bot_data
        data.attach(store, self._lexicon)
        data.admin_ids = settings.admin_ids
        data.default_timezone = settings.default_timezone
        data.max_article_bytes = settings.max_article_bytes
        data.seeds_folder = settings.seeds_dir
        worker = OutboxWorker(
            store,
            app.bot,
            self._limiter,
            lambda delivery: render_delivery(store, data.lexicon, delivery),
            settings.outbox(),
        )
        data.wake_outbox = worker.wake
        self._stop_outbox.clear()
        self._outbox_task = asyncio.create_task(worker.run(self._stop_outbox))
        await self._schedule_jobs(app, store)
        await menu.publish_menus(app.bot, store, self._lexicon, settings.admin_ids)

    async def _schedule_jobs(self, app: MojazApp, store: ArticleStore) -> None:
        if app.job_queue is None:
            return
        await schedule_digests(app.job_queue, store, self._settings.default_timezone)
        topics_file = self._settings.topics_file
        if topics_file is not None and self._settings.seeds_scan_seconds > 0:
            topics_watcher = LexiconWatcher(topics_file, lambda new: self._install(app, new))
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
                watcher.scan, interval=self._settings.seeds_scan_seconds, name="seeds-scan"
            )

    async def _install(self, app: MojazApp, lexicon: Lexicon) -> None:
        """Put a new lexicon in force: tag with it, answer with it, re-tag, publish menus."""
        store = app.bot_data.store
        store.use_lexicon(lexicon)
        app.bot_data.use_lexicon(lexicon)
        await retag_stale(store)
        await menu.publish_menus(app.bot, store, lexicon, self._settings.admin_ids)

    async def stop_workers(self, app: MojazApp) -> None:  # noqa: ARG002 - post_stop's signature
        """post_stop: let the outbox finish what is in flight, then stop it."""
        self._stop_outbox.set()
        if self._outbox_task is not None:
            try:
                await asyncio.wait_for(self._outbox_task, _OUTBOX_STOP_SECONDS)
            except TimeoutError:
                logger.warning("The outbox did not stop in time; its in-flight sends are requeued")
            self._outbox_task = None

    async def stop(self, app: MojazApp) -> None:
        """post_shutdown: close what start opened."""
        await self.stop_workers(app)
        if self._retag_task is not None:
            self._retag_task.cancel()  # what it did not reach is re-tagged at the next start
            with contextlib.suppress(asyncio.CancelledError):
                await self._retag_task
            self._retag_task = None
        if self._store is not None:
            await self._store.close()
            self._store = None


def build_application(
    settings: Settings,
    token: str,
    request: BaseRequest | None = None,
    get_updates_request: BaseRequest | None = None,
) -> MojazApp:
    """The Application with every handler registered, in the order they are tried."""
    lexicon = read_lexicon(settings.topics_file)
    limiter = FloodLimiter(settings.limits())
    lifecycle = Lifecycle(settings, lexicon, limiter)
    context_types = ContextTypes(context=CallbackContext, bot_data=BotData)
    builder = (
        ApplicationBuilder()
        .token(token)
        .base_url(settings.api_base_url())
        .base_file_url(settings.api_file_url())
        .context_types(context_types)
        .rate_limiter(limiter)
        .concurrent_updates(RepliesFirst(limiter))
        .post_init(lifecycle.start)
        .post_stop(lifecycle.stop_workers)
        .post_shutdown(lifecycle.stop)
    )
    if request is not None:
        builder = builder.request(request)
    if get_updates_request is not None:
        builder = builder.get_updates_request(get_updates_request)
    app: MojazApp = builder.build()
    app.bot_data.use_lexicon(lexicon)
    register_handlers(app, settings.admin_ids)
    return app


def register_handlers(app: MojazApp, admin_ids: frozenset[int]) -> None:
    """Every handler, in one place. Order matters: the first matching handler wins."""
    # Membership first: a chat's arrival or a group's migration is recorded before anything.
    app.add_handlers(membership.handlers())
    app.add_handlers(briefing.handlers())
    app.add_handlers(sections.handlers())
    # Topic commands after the built-in ones, read from the lexicon in force at each update.
    app.add_handlers(topics.handlers(lambda: app.bot_data.lexicon.commands))
    app.add_handlers(search.handlers())
    app.add_handlers(articles.handlers())
    app.add_handlers(deeplinks.handlers())
    app.add_handlers(inline.handlers())
    app.add_handlers(subscriptions.handlers())
    app.add_handlers(digests.handlers())
    app.add_handlers(channels.handlers())
    app.add_handlers(language.handlers())
    # Admin commands before the fallback, which answers them for everyone else.
    app.add_handlers(admin.handlers(admin_ids))
    # Last: whatever command nobody above claimed.
    app.add_handlers(fallback.handlers())
    app.add_error_handler(errors.on_error)
