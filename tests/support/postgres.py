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


def start_server(folder: Path) -> Any:
    """A PostgreSQL 16 server with its data in ``folder``, started (``cleanup()`` stops it)."""
    # platformdirs warns when this is unset, and the suite treats warnings as errors.
    os.environ.setdefault("XDG_RUNTIME_DIR", tempfile.mkdtemp(prefix="runtime-"))
    # Its INFO lines at exit would go to streams pytest has closed by then.
    logging.getLogger("pgserver").setLevel(logging.WARNING)
    from pgserver.postgres_server import get_server  # noqa: PLC0415 - only when asked for

    return get_server(folder, cleanup_mode="stop")


def stop_server(server: Any) -> None:
    """Stop ``server`` at once, as a crash or an operator would; ``ensure_postgres_running``
    starts it again on the same socket, with the same data."""
    from pgserver import _commands  # noqa: PLC0415 - pgserver's own pg_ctl, made at import

    stop = ["-w", "-m", "fast", "stop"]
    _commands.pg_ctl(stop, pgdata=server.pgdata, user=server.system_user)  # type: ignore[attr-defined]


@pytest.fixture(scope="session")
def postgres_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """One server for the session, in a temporary folder, stopped at the end."""
    server = start_server(tmp_path_factory.mktemp("postgres"))
    yield server
    server.cleanup()


@asynccontextmanager
async def fresh_database(server: Any) -> AsyncIterator[str]:
    """The URL of a new, empty database on ``server``, dropped afterwards."""
    name = f"mojaz_{os.getpid()}_{next(_databases)}"
    await _as_admin(server, f'CREATE DATABASE "{name}"')
    yield server.get_uri(name)
    # Whatever a test left connected (a killed worker's sessions) goes with it. A connection
    # of its own: the server may have been restarted meanwhile.
    await _as_admin(server, f'DROP DATABASE "{name}" WITH (FORCE)')


async def _as_admin(server: Any, statement: str) -> None:
    admin = await asyncpg.connect(server.get_uri())
    try:
        await admin.execute(statement)
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
