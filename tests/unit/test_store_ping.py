"""The store's ping answers yes or no, whatever state the database's connection is in: the
outbox and /healthz ask it while the database is going away."""

from __future__ import annotations

import asyncpg

from content.storage.postgres.store import PostgresStore
from content.topics import Lexicon


class _TerminatedPool:
    """A pool whose connection the server terminated in the middle of a query."""

    async def fetchval(self, *_args: object, **_kwargs: object) -> object:
        raise asyncpg.InternalClientError(
            "cannot switch to state 12; another operation (2) is in progress"
        )


async def test_a_terminated_connection_is_a_database_that_does_not_answer(
    lexicon: Lexicon,
) -> None:
    store = PostgresStore(_TerminatedPool(), lexicon)  # asyncpg is untyped: any pool will do
    assert await store.ping() is False
