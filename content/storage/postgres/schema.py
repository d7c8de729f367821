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
    """
    CREATE TABLE articles (
        id BIGSERIAL PRIMARY KEY,
        slug TEXT NOT NULL UNIQUE,
        source TEXT NOT NULL,            -- the file whose name gave the id
        title TEXT NOT NULL,
        summary_title TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        tagged_with TEXT NOT NULL DEFAULT '',  -- the lexicon its tags were made with
        added_ts DOUBLE PRECISION NOT NULL,
        updated_ts DOUBLE PRECISION NOT NULL
    );
    CREATE TABLE sections (
        article_id BIGINT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        number INTEGER NOT NULL,
        heading TEXT NOT NULL,
        PRIMARY KEY (article_id, number)
    );
    -- A paragraph's search terms (with repeats, in order) and topics are arrays: a GIN index
    -- over each finds the paragraphs with any of a question's terms, or with a topic.
    CREATE TABLE paragraphs (
        id BIGSERIAL PRIMARY KEY,
        article_id BIGINT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        section INTEGER NOT NULL,
        position INTEGER NOT NULL,
        text TEXT NOT NULL,
        terms TEXT[] NOT NULL,
        topics TEXT[] NOT NULL,
        UNIQUE (article_id, section, position)
    );
    CREATE INDEX paragraphs_by_term ON paragraphs USING GIN (terms);
    CREATE INDEX paragraphs_by_topic ON paragraphs USING GIN (topics);
    CREATE TABLE bullets (
        article_id BIGINT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        number INTEGER NOT NULL,
        text TEXT NOT NULL,
        topics TEXT[] NOT NULL,
        PRIMARY KEY (article_id, number)
    );
    CREATE INDEX bullets_by_topic ON bullets USING GIN (topics);
    CREATE TABLE article_topics (
        article_id BIGINT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        topic TEXT NOT NULL,
        rank INTEGER NOT NULL,           -- 0 is the article's main subject
        PRIMARY KEY (article_id, topic)
    );
    -- What BM25 needs besides each paragraph's terms: how many paragraphs hold each term,
    -- and how many paragraphs and terms there are in all. Kept by the ingest that changes them.
    CREATE TABLE search_vocab (
        term TEXT PRIMARY KEY,
        paragraphs BIGINT NOT NULL
    );
    CREATE TABLE search_totals (
        one BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (one),
        paragraphs BIGINT NOT NULL,
        terms BIGINT NOT NULL
    );
    INSERT INTO search_totals VALUES (TRUE, 0, 0);
    ALTER TABLE chats ADD FOREIGN KEY (article_id) REFERENCES articles(id) ON DELETE SET NULL;
    """,
    """
    -- Claims: a delivery being sent is leased to its worker until lease_until, renewed by
    -- each message it sends; a chat is sent to by one claim at a time, and not before
    -- send_after (a 429, or its per-chat limit). recent_sends: its latest pushes.
    ALTER TABLE deliveries ADD COLUMN lease_until DOUBLE PRECISION NOT NULL DEFAULT 0;
    ALTER TABLE deliveries ADD COLUMN lease_seconds DOUBLE PRECISION NOT NULL DEFAULT 0;
    ALTER TABLE chats ADD COLUMN claimed_until DOUBLE PRECISION NOT NULL DEFAULT 0;
    ALTER TABLE chats ADD COLUMN send_after DOUBLE PRECISION NOT NULL DEFAULT 0;
    ALTER TABLE chats ADD COLUMN recent_sends DOUBLE PRECISION[] NOT NULL DEFAULT '{}';
    DROP INDEX deliveries_due;
    CREATE INDEX deliveries_queued ON deliveries (id) WHERE state IN ('queued', 'sending');
    CREATE INDEX deliveries_next ON deliveries (next_attempt_at) WHERE state = 'queued';
    CREATE INDEX deliveries_by_chat ON deliveries (chat_id, state);
    """,
    """
    -- The bot's processes, by heartbeat: each takes its share of the rate limits.
    CREATE TABLE workers (
        id TEXT PRIMARY KEY,
        seen_at TIMESTAMPTZ NOT NULL
    );
    """,
    """
    -- Messages of a delivery sent with allow_paid_broadcast, which Telegram charges for.
    ALTER TABLE deliveries ADD COLUMN paid_messages INTEGER NOT NULL DEFAULT 0;
    """,
    """
    -- Threads: a chat's subscriptions, alerts and digest belong to one of its threads (0 is
    -- the chat itself, or a forum's General topic). A thread whose topic was closed or
    -- deleted is paused, with the reason, until it is reopened.
    CREATE TABLE threads (
        chat_id BIGINT NOT NULL REFERENCES chats(id) ON DELETE CASCADE ON UPDATE CASCADE,
        thread_id BIGINT NOT NULL,
        digest_time TEXT NOT NULL DEFAULT '',
        digest_since DOUBLE PRECISION NOT NULL DEFAULT 0,
        paused TEXT NOT NULL DEFAULT '',
        title TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (chat_id, thread_id)
    );
    INSERT INTO threads (chat_id, thread_id, digest_time, digest_since)
        SELECT id, 0, digest_time, digest_since FROM chats WHERE digest_time != '';
    ALTER TABLE chats DROP COLUMN digest_time, DROP COLUMN digest_since,
        ADD COLUMN private_threads BOOLEAN NOT NULL DEFAULT FALSE;
    ALTER TABLE subscriptions ADD COLUMN thread_id BIGINT NOT NULL DEFAULT 0;
    ALTER TABLE subscriptions DROP CONSTRAINT subscriptions_pkey,
        ADD PRIMARY KEY (chat_id, thread_id, topic);
    CREATE TABLE alerts (
        id BIGSERIAL PRIMARY KEY,
        chat_id BIGINT NOT NULL REFERENCES chats(id) ON DELETE CASCADE ON UPDATE CASCADE,
        thread_id BIGINT NOT NULL DEFAULT 0,
        phrase TEXT NOT NULL,
        terms TEXT NOT NULL,
        first_term TEXT NOT NULL,
        created_at DOUBLE PRECISION NOT NULL,
        UNIQUE (chat_id, thread_id, terms)
    );
    CREATE INDEX alerts_by_first_term ON alerts (first_term);
    ALTER TABLE deliveries ADD COLUMN thread_id BIGINT NOT NULL DEFAULT 0;
    """,
    # 7: the webhook's updates already handled, by any worker, so a re-post is handled once.
    """
    CREATE TABLE seen_updates (
        update_id BIGINT PRIMARY KEY,
        seen_at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp()
    );
    CREATE INDEX seen_updates_by_time ON seen_updates (seen_at);
    """,
    # 8: which analyzer read each alert's terms, so a new one re-reads them.
    """
    ALTER TABLE alerts ADD COLUMN read_with TEXT NOT NULL DEFAULT '';
    """,
    # 9: where an article comes from (its copy's link, author, date, image) and whether its
    # summary is automatic.
    """
    ALTER TABLE articles ADD COLUMN url TEXT NOT NULL DEFAULT '';
    ALTER TABLE articles ADD COLUMN author TEXT NOT NULL DEFAULT '';
    ALTER TABLE articles ADD COLUMN published TEXT NOT NULL DEFAULT '';
    ALTER TABLE articles ADD COLUMN image TEXT NOT NULL DEFAULT '';
    ALTER TABLE articles ADD COLUMN automatic_summary BOOLEAN NOT NULL DEFAULT FALSE;
    """,
    # 10: the feeds a newsroom follows, and how their polling goes.
    """
    CREATE TABLE feeds (
        url TEXT PRIMARY KEY,
        added_at DOUBLE PRECISION NOT NULL,
        next_poll_at DOUBLE PRECISION NOT NULL,
        last_success DOUBLE PRECISION,
        last_error TEXT NOT NULL DEFAULT '',
        items INTEGER NOT NULL DEFAULT 0,
        failures INTEGER NOT NULL DEFAULT 0,
        etag TEXT NOT NULL DEFAULT '',
        last_modified TEXT NOT NULL DEFAULT '',
        primed BOOLEAN NOT NULL DEFAULT FALSE
    );
    CREATE INDEX feeds_due ON feeds (next_poll_at);
    """,
    # 11: the file each feed item is stored under, known by the feed's GUID for it.
    """
    CREATE TABLE feed_items (
        feed_url TEXT NOT NULL,
        guid TEXT NOT NULL,
        name TEXT NOT NULL,
        PRIMARY KEY (feed_url, guid)
    );
    """,
    # 12: which paragraphs hold each search term, newest last in the index, so that the
    # newest holding a question's words are read from the index alone; the terms' GIN index
    # needed a visit to each holding paragraph, and a search 3.6 times SQLite's.
    """
    CREATE TABLE search_postings (
        term TEXT NOT NULL,
        paragraph_id BIGINT NOT NULL,
        PRIMARY KEY (term, paragraph_id)
    );
    INSERT INTO search_postings (term, paragraph_id)
        SELECT DISTINCT term, id FROM paragraphs, unnest(terms) AS term;
    DROP INDEX paragraphs_by_term;
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
