"""The PostgreSQL schema as numbered migrations, applied once however many workers start."""

from __future__ import annotations

import asyncpg

# Each entry moves the schema from version N to N + 1. Never edit a released entry: add one.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE chats (
        id BIGINT PRIMARY KEY,           -- Telegram's chat id
        type TEXT NOT NULL,              -- private, group, supergroup, channel
        title TEXT NOT NULL DEFAULT '',
        active BOOLEAN NOT NULL DEFAULT TRUE,
        inactive_reason TEXT NOT NULL DEFAULT '',
        timezone TEXT NOT NULL DEFAULT '',
        digest_time TEXT NOT NULL DEFAULT '',   -- HH:MM, or '' for no digest
        digest_since DOUBLE PRECISION NOT NULL DEFAULT 0,
        owner_id BIGINT,                 -- a channel: the user who added the bot
        language TEXT NOT NULL DEFAULT '',      -- '' until /lang
        app_language TEXT NOT NULL DEFAULT '',  -- a private chat's user's app
        article_id BIGINT,               -- the article the chat chose to read
        created_at DOUBLE PRECISION NOT NULL
    );
    CREATE TABLE subscriptions (
        chat_id BIGINT NOT NULL REFERENCES chats(id) ON DELETE CASCADE ON UPDATE CASCADE,
        topic TEXT NOT NULL DEFAULT '',  -- '' means every new article
        created_at DOUBLE PRECISION NOT NULL,
        PRIMARY KEY (chat_id, topic)
    );
    CREATE TABLE deliveries (
        id BIGSERIAL PRIMARY KEY,
        chat_id BIGINT NOT NULL REFERENCES chats(id) ON DELETE CASCADE ON UPDATE CASCADE,
        kind TEXT NOT NULL,              -- article, digest, broadcast
        payload TEXT NOT NULL,           -- JSON: which articles, which topics
        dedupe_key TEXT NOT NULL UNIQUE,
        state TEXT NOT NULL DEFAULT 'queued',  -- queued, sending, sent, failed, skipped
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at DOUBLE PRECISION NOT NULL,
        chunks_sent INTEGER NOT NULL DEFAULT 0,
        message_ids TEXT NOT NULL DEFAULT '[]',
        last_error TEXT NOT NULL DEFAULT '',
        created_at DOUBLE PRECISION NOT NULL,
        finished_at DOUBLE PRECISION
    );
    CREATE INDEX deliveries_due ON deliveries (state, next_attempt_at);
    """,
)

# Workers that start together take turns at the migrations: the first applies them.
_MIGRATION_LOCK = 0x4D6F6A61  # "Moja"


async def migrate(connection: asyncpg.Connection) -> int:
    """Bring the schema up to date; the version it is at. A newer database is refused."""
    async with connection.transaction():
        await connection.execute("SELECT pg_advisory_xact_lock($1)", _MIGRATION_LOCK)
        await connection.execute(
            "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)"
        )
        version = await connection.fetchval("SELECT max(version) FROM schema_version") or 0
        if version > len(MIGRATIONS):
            raise RuntimeError(f"the database is at schema {version}, newer than this bot")
        for number in range(version, len(MIGRATIONS)):
            await connection.execute(MIGRATIONS[number])
            await connection.execute("INSERT INTO schema_version VALUES ($1)", number + 1)
    return len(MIGRATIONS)
