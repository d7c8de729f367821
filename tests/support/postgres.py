"""A real PostgreSQL 16 for the tests, started by pgserver with no system packages, in CI too."""

from __future__ import annotations

import itertools
import logging
import os
import tempfile
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from content.storage.postgres.schema import migrate

_databases = itertools.count(1)


@pytest.fixture(scope="session")
def postgres_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """One server for the session, in a temporary folder, stopped at the end."""
    # platformdirs warns when this is unset, and the suite treats warnings as errors.
    os.environ.setdefault("XDG_RUNTIME_DIR", tempfile.mkdtemp(prefix="runtime-"))
    # Its INFO lines at exit would go to streams pytest has closed by then.
    logging.getLogger("pgserver").setLevel(logging.WARNING)
    from pgserver.postgres_server import get_server  # noqa: PLC0415 - only when asked for

    folder: Path = tmp_path_factory.mktemp("postgres")
    server = get_server(folder, cleanup_mode="stop")
    yield server
    server.cleanup()


@asynccontextmanager
async def fresh_database(server: Any) -> AsyncIterator[str]:
    """The URL of a new, empty database on ``server``, dropped afterwards."""
    name = f"mojaz_{os.getpid()}_{next(_databases)}"
    admin = await asyncpg.connect(server.get_uri())
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        yield server.get_uri(name)
        # Whatever a test left connected (a killed worker's sessions) goes with it.
        await admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
    finally:
        await admin.close()


@asynccontextmanager
async def postgres_database(server: Any) -> AsyncIterator[asyncpg.Pool]:
    """A fresh database on ``server``, migrated, as a pool; dropped afterwards."""
    async with fresh_database(server) as url:
        pool = await asyncpg.create_pool(url, min_size=1, max_size=4)
        try:
            async with pool.acquire() as connection:
                await migrate(connection)
            yield pool
        finally:
            await pool.close()
