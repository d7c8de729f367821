"""The SQLite backend, through aiosqlite: the embedded default, one process on one file."""
