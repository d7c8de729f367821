"""The workers of a SQLite store: one process owns the file, so it is alone and leads."""

from __future__ import annotations


class OneWorker:
    """The process that opened the SQLite store, the only one there is."""

    async def heartbeat(self, worker: str, ttl: float) -> int:  # noqa: ARG002 - the Protocol's
        """Alone: one worker."""
        return 1

    async def leave(self, worker: str) -> None:
        """Nothing to give up."""

    async def leads(self) -> bool:
        """Always: there is no other process to run the jobs."""
        return True
