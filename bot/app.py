"""Building the Application: handlers in order, typed context, and the resources' lifecycle."""

from __future__ import annotations

import logging
from typing import Any

from telegram.ext import Application, ApplicationBuilder, CallbackContext, ContextTypes, ExtBot
from telegram.request import BaseRequest

from bot.settings import Settings
from content.library import ingest_directory
from content.store import Store
from content.topics import Lexicon, load_lexicon
from handlers import briefing, errors, fallback, menu, search, sections, topics
from handlers.context import BotData, Context

logger = logging.getLogger(__name__)

MojazApp = Application[ExtBot[None], Context, dict[Any, Any], dict[Any, Any], BotData, Any]


class Lifecycle:
    """Opens the store and loads the articles at start-up; closes the store at shutdown."""

    def __init__(self, settings: Settings, lexicon: Lexicon) -> None:
        self._settings = settings
        self._lexicon = lexicon
        self._store: Store | None = None

    async def start(self, app: MojazApp) -> None:
        """post_init: open resources, ingest the seeds, publish the command menu."""
        lexicon = self._lexicon
        self._store = store = await Store.open(self._settings.database_path, lexicon)
        report = await ingest_directory(
            store, self._settings.seeds_dir, self._settings.max_article_bytes
        )
        logger.info(
            "Loaded %d article(s) from %s; %d file(s) rejected",
            len(report.results),
            self._settings.seeds_dir,
            len(report.errors),
        )
        app.bot_data.attach(store, lexicon, self._settings.admin_ids)
        await menu.publish_menu(app.bot, store, lexicon)

    async def stop(self, app: MojazApp) -> None:  # noqa: ARG002 - post_shutdown's signature
        """post_shutdown: close what start opened."""
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
    lexicon = load_lexicon()
    lifecycle = Lifecycle(settings, lexicon)
    context_types = ContextTypes(context=CallbackContext, bot_data=BotData)
    builder = (
        ApplicationBuilder()
        .token(token)
        .base_url(settings.api_base_url())
        .base_file_url(settings.api_file_url())
        .context_types(context_types)
        .post_init(lifecycle.start)
        .post_shutdown(lifecycle.stop)
    )
    if request is not None:
        builder = builder.request(request)
    if get_updates_request is not None:
        builder = builder.get_updates_request(get_updates_request)
    app: MojazApp = builder.build()
    register_handlers(app, lexicon)
    return app


def register_handlers(app: MojazApp, lexicon: Lexicon) -> None:
    """Every handler, in one place. Order matters: the first matching handler wins."""
    app.add_handlers(briefing.handlers())
    app.add_handlers(sections.handlers())
    app.add_handlers(topics.handlers(lexicon))
    app.add_handlers(search.handlers())
    # Last: whatever command nobody above claimed.
    app.add_handlers(fallback.handlers())
    app.add_error_handler(errors.on_error)
