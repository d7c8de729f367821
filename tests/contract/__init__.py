"""The store's contract, run against every backend (SQLite, and a real PostgreSQL)."""
