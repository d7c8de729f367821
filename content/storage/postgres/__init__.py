"""The PostgreSQL backend, through asyncpg: the same Protocols as SQLite, for several workers."""
