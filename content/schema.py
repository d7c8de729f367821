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
)
