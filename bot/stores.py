"""Which store the bot runs on: SQLite by default, PostgreSQL when DATABASE_URL names one."""

from __future__ import annotations

from bot.settings import Settings
from content.ports import ArticleStore
from content.storage.postgres.store import PostgresStore
from content.storage.sqlite.store import Store
from content.topics import Lexicon


async def open_store(settings: Settings, lexicon: Lexicon) -> ArticleStore:
    """Open the configured store, its schema brought up to date.

    Raises StoreUnavailableError, naming the database (never its password), when it cannot.
    """
    url = settings.database_url_value()
    if url:
        return await PostgresStore.open(url, lexicon, pool_size=settings.database_pool_size)
    return await Store.open(settings.database_path, lexicon)
