"""Logging that never writes the bot token."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable
from typing import TextIO

REDACTED = "[redacted]"
_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class RedactingFormatter(logging.Formatter):
    """Formats a record, traceback included, then blanks out every secret in the result."""

    def __init__(self, secrets: Iterable[str], fmt: str = _FORMAT) -> None:
        super().__init__(fmt)
        # Longest first, so a secret that contains another is blanked whole.
        self._secrets = sorted({secret for secret in secrets if secret}, key=len, reverse=True)

    def format(self, record: logging.LogRecord) -> str:
        """The formatted record with secrets replaced."""
        text = super().format(record)
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        return text


def setup_logging(level: str, secrets: Iterable[str], stream: TextIO | None = None) -> None:
    """Send every log record to ``stream`` (stderr) through the redacting formatter."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(RedactingFormatter(secrets))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    # httpx logs every request URL at INFO, and the URL holds the token: keep it quiet even
    # though the formatter would redact it.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    # While PostgreSQL is down, asyncpg's pool logs a traceback every time it fails to keep
    # its idle connection: the outbox and the heartbeat already say the outage, once.
    logging.getLogger("asyncpg.pool").setLevel(logging.ERROR)
