"""The store's schema as numbered migrations; ``PRAGMA user_version`` records the last applied."""

from __future__ import annotations

# Each entry moves the schema from version N to N + 1. Never edit a released entry: add one.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE articles (
        id INTEGER PRIMARY KEY,
        slug TEXT NOT NULL UNIQUE,
        source TEXT NOT NULL,
        title TEXT NOT NULL,
        summary_title TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        added_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE TABLE sections (
        article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        number INTEGER NOT NULL,
        heading TEXT NOT NULL,
        PRIMARY KEY (article_id, number)
    );
    CREATE TABLE paragraphs (
        id INTEGER PRIMARY KEY,
        article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        section INTEGER NOT NULL,
        position INTEGER NOT NULL,
        text TEXT NOT NULL,
        UNIQUE (article_id, section, position)
    );
    CREATE TABLE bullets (
        id INTEGER PRIMARY KEY,
        article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        number INTEGER NOT NULL,
        text TEXT NOT NULL,
        UNIQUE (article_id, number)
    );
    CREATE TABLE paragraph_topics (
        paragraph_id INTEGER NOT NULL REFERENCES paragraphs(id) ON DELETE CASCADE,
        topic TEXT NOT NULL,
        PRIMARY KEY (paragraph_id, topic)
    );
    CREATE INDEX paragraph_topics_by_topic ON paragraph_topics (topic);
    CREATE TABLE bullet_topics (
        bullet_id INTEGER NOT NULL REFERENCES bullets(id) ON DELETE CASCADE,
        topic TEXT NOT NULL,
        PRIMARY KEY (bullet_id, topic)
    );
    CREATE INDEX bullet_topics_by_topic ON bullet_topics (topic);
    -- Normalised, clitic-stripped terms of each paragraph; rowid is the paragraph id.
    CREATE VIRTUAL TABLE paragraph_terms
        USING fts5 (terms, tokenize = 'unicode61 remove_diacritics 0');
    """,
    """
    CREATE TABLE chats (
        id INTEGER PRIMARY KEY,          -- Telegram's chat id
        type TEXT NOT NULL,              -- private, group, supergroup, channel
        title TEXT NOT NULL DEFAULT '',
        active INTEGER NOT NULL DEFAULT 1,
        inactive_reason TEXT NOT NULL DEFAULT '',
        timezone TEXT NOT NULL DEFAULT '',
        digest_time TEXT NOT NULL DEFAULT '',  -- HH:MM, or '' for no digest
        digest_since REAL NOT NULL DEFAULT 0,  -- articles added after this are in the next one
        owner_id INTEGER,                -- a channel: the user who added the bot
        created_at REAL NOT NULL
    );
    CREATE TABLE subscriptions (
        chat_id INTEGER NOT NULL REFERENCES chats(id) ON DELETE CASCADE ON UPDATE CASCADE,
        topic TEXT NOT NULL DEFAULT '',  -- '' means every new article
        created_at REAL NOT NULL,
        PRIMARY KEY (chat_id, topic)
    );
    CREATE TABLE deliveries (
        id INTEGER PRIMARY KEY,
        chat_id INTEGER NOT NULL REFERENCES chats(id) ON DELETE CASCADE ON UPDATE CASCADE,
        kind TEXT NOT NULL,              -- article, digest, broadcast
        payload TEXT NOT NULL,           -- JSON: which articles, which topics
        dedupe_key TEXT NOT NULL UNIQUE,
        state TEXT NOT NULL DEFAULT 'queued',  -- queued, sending, sent, failed, skipped
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at REAL NOT NULL,
        chunks_sent INTEGER NOT NULL DEFAULT 0,
        message_ids TEXT NOT NULL DEFAULT '[]',
        last_error TEXT NOT NULL DEFAULT '',
        created_at REAL NOT NULL,
        finished_at REAL
    );
    CREATE INDEX deliveries_due ON deliveries (state, next_attempt_at);
    CREATE INDEX deliveries_by_chat ON deliveries (chat_id, state);
    ALTER TABLE articles ADD COLUMN added_ts REAL NOT NULL DEFAULT 0;
    """,
    """
    ALTER TABLE chats ADD COLUMN language TEXT NOT NULL DEFAULT '';  -- '' until /lang
    """,
    """
    -- The article a chat reads: NULL means the newest.
    ALTER TABLE chats ADD COLUMN article_id INTEGER REFERENCES articles(id) ON DELETE SET NULL;
    """,
    """
    -- How many paragraphs each search term is in: tells a rare word from a common one.
    CREATE VIRTUAL TABLE paragraph_vocab USING fts5vocab(paragraph_terms, row);
    """,
    """
    -- The topics of each article ranked by salience (0 is its main subject), and the lexicon
    -- its tags were made with, so a new lexicon re-tags the articles it did not tag.
    CREATE TABLE article_topics (
        article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        topic TEXT NOT NULL,
        rank INTEGER NOT NULL,
        PRIMARY KEY (article_id, topic)
    );
    CREATE INDEX article_topics_by_topic ON article_topics (topic);
    ALTER TABLE articles ADD COLUMN tagged_with TEXT NOT NULL DEFAULT '';
    """,
    """
    -- Topic terms (t_south_sudan) are one token: unicode61 split them at '_', so /search t
    -- matched every paragraph that named a topic. The terms are copied, not recomputed.
    CREATE VIRTUAL TABLE paragraph_terms_whole
        USING fts5 (terms, tokenize = "unicode61 remove_diacritics 0 tokenchars '_'");
    INSERT INTO paragraph_terms_whole (rowid, terms) SELECT rowid, terms FROM paragraph_terms;
    DROP TABLE paragraph_vocab;
    DROP TABLE paragraph_terms;
    ALTER TABLE paragraph_terms_whole RENAME TO paragraph_terms;
    CREATE VIRTUAL TABLE paragraph_vocab USING fts5vocab(paragraph_terms, row);
    """,
    """
    -- The language of the app of a private chat's user, for pushes until /lang chooses one.
    ALTER TABLE chats ADD COLUMN app_language TEXT NOT NULL DEFAULT '';
    """,
    """
    -- Claims: a delivery being sent is leased to its worker until lease_until, renewed by
    -- each message it sends; a chat is sent to by one claim at a time, and not before
    -- send_after (a 429, or its per-chat limit). recent_sends: its latest pushes (JSON).
    ALTER TABLE deliveries ADD COLUMN lease_until REAL NOT NULL DEFAULT 0;
    ALTER TABLE deliveries ADD COLUMN lease_seconds REAL NOT NULL DEFAULT 0;
    ALTER TABLE chats ADD COLUMN claimed_until REAL NOT NULL DEFAULT 0;
    ALTER TABLE chats ADD COLUMN send_after REAL NOT NULL DEFAULT 0;
    ALTER TABLE chats ADD COLUMN recent_sends TEXT NOT NULL DEFAULT '[]';
    """,
    """
    -- Messages of a delivery sent with allow_paid_broadcast, which Telegram charges for.
    ALTER TABLE deliveries ADD COLUMN paid_messages INTEGER NOT NULL DEFAULT 0;
    """,
    """
    -- Claims look at the open deliveries only, oldest first: without this a claim read
    -- every delivery already sent before it reached the queued ones.
    CREATE INDEX deliveries_open ON deliveries (id) WHERE state IN ('queued', 'sending');
    """,
    """
    -- Threads: a chat's subscriptions, alerts and digest belong to one of its threads (0 is
    -- the chat itself, or a forum's General topic). A thread whose topic was closed or
    -- deleted is paused, with the reason, until it is reopened.
    CREATE TABLE threads (
        chat_id INTEGER NOT NULL REFERENCES chats(id) ON DELETE CASCADE ON UPDATE CASCADE,
        thread_id INTEGER NOT NULL,
        digest_time TEXT NOT NULL DEFAULT '',  -- HH:MM, or '' for no digest
        digest_since REAL NOT NULL DEFAULT 0,  -- articles added after this are in the next one
        paused TEXT NOT NULL DEFAULT '',
        title TEXT NOT NULL DEFAULT '',        -- the topic's name, where the bot made it
        PRIMARY KEY (chat_id, thread_id)
    );
    INSERT INTO threads (chat_id, thread_id, digest_time, digest_since)
        SELECT id, 0, digest_time, digest_since FROM chats WHERE digest_time != '';
    ALTER TABLE chats DROP COLUMN digest_time;
    ALTER TABLE chats DROP COLUMN digest_since;
    -- A private chat's reader may ask for a thread of its own for each subscription.
    ALTER TABLE chats ADD COLUMN private_threads INTEGER NOT NULL DEFAULT 0;
    CREATE TABLE subscriptions_in_threads (
        chat_id INTEGER NOT NULL REFERENCES chats(id) ON DELETE CASCADE ON UPDATE CASCADE,
        thread_id INTEGER NOT NULL DEFAULT 0,
        topic TEXT NOT NULL DEFAULT '',  -- '' means every new article
        created_at REAL NOT NULL,
        PRIMARY KEY (chat_id, thread_id, topic)
    );
    INSERT INTO subscriptions_in_threads (chat_id, topic, created_at)
        SELECT chat_id, topic, created_at FROM subscriptions;
    DROP TABLE subscriptions;
    ALTER TABLE subscriptions_in_threads RENAME TO subscriptions;
    -- Word alerts: terms are the phrase as search reads it, first_term what it is found by.
    CREATE TABLE alerts (
        id INTEGER PRIMARY KEY,
        chat_id INTEGER NOT NULL REFERENCES chats(id) ON DELETE CASCADE ON UPDATE CASCADE,
        thread_id INTEGER NOT NULL DEFAULT 0,
        phrase TEXT NOT NULL,
        terms TEXT NOT NULL,
        first_term TEXT NOT NULL,
        created_at REAL NOT NULL,
        UNIQUE (chat_id, thread_id, terms)
    );
    CREATE INDEX alerts_by_first_term ON alerts (first_term);
    ALTER TABLE deliveries ADD COLUMN thread_id INTEGER NOT NULL DEFAULT 0;
    """,
    # 13: the webhook's updates already handled, so a re-post is handled once.
    """
    CREATE TABLE seen_updates (update_id INTEGER PRIMARY KEY, seen_at REAL NOT NULL);
    CREATE INDEX seen_updates_by_time ON seen_updates (seen_at);
    """,
    # 14: which analyzer read each alert's terms, so a new one re-reads them.
    """
    ALTER TABLE alerts ADD COLUMN read_with TEXT NOT NULL DEFAULT '';
    """,
    # 15: where an article comes from (its copy's link, author, date, image) and whether its
    # summary is automatic.
    """
    ALTER TABLE articles ADD COLUMN url TEXT NOT NULL DEFAULT '';
    ALTER TABLE articles ADD COLUMN author TEXT NOT NULL DEFAULT '';
    ALTER TABLE articles ADD COLUMN published TEXT NOT NULL DEFAULT '';
    ALTER TABLE articles ADD COLUMN image TEXT NOT NULL DEFAULT '';
    ALTER TABLE articles ADD COLUMN automatic_summary INTEGER NOT NULL DEFAULT 0;
    """,
    # 16: the feeds a newsroom follows, and how their polling goes.
    """
    CREATE TABLE feeds (
        url TEXT PRIMARY KEY,
        added_at REAL NOT NULL,
        next_poll_at REAL NOT NULL,
        last_success REAL,
        last_error TEXT NOT NULL DEFAULT '',
        items INTEGER NOT NULL DEFAULT 0,
        failures INTEGER NOT NULL DEFAULT 0,
        etag TEXT NOT NULL DEFAULT '',
        last_modified TEXT NOT NULL DEFAULT '',
        primed INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX feeds_due ON feeds (next_poll_at);
    """,
    # 17: the file each feed item is stored under, known by the feed's GUID for it.
    """
    CREATE TABLE feed_items (
        feed_url TEXT NOT NULL,
        guid TEXT NOT NULL,
        name TEXT NOT NULL,
        PRIMARY KEY (feed_url, guid)
    );
    """,
)
