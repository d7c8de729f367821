"""Uploads held for an editor's decision: previewed, then published or discarded.

An administrator's upload is not published when it arrives: it waits in the seeds folder's
``.pending/`` folder (hidden, so the watcher never reads it; on the disk the workers share, so
any worker can answer the press) under a random token, until the editor presses publish or
discard. Claiming it is one atomic rename, so of two presses at once exactly one acts; an
upload nobody decided on within a day is removed.
"""

from __future__ import annotations

import os
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from content.files import UnreadableFileError, read_regular_file

PENDING = ".pending"
HOLD_SECONDS = 24 * 3600
_TOKEN = re.compile(r"[0-9a-f]{16}")
_MAX_NAME_BYTES = 1024


@dataclass(frozen=True, slots=True)
class HeldUpload:
    """An upload claimed for publishing: the name it was sent as, and its bytes."""

    name: str
    data: bytes


def hold(seeds: Path, name: str, data: bytes, now: float | None = None) -> str:
    """Keep ``data`` (sent as ``name``) for a decision; the token that names it."""
    folder = seeds / PENDING
    folder.mkdir(parents=True, exist_ok=True)
    _drop_stale(folder, time.time() if now is None else now)
    token = secrets.token_hex(8)
    _write(folder / f"{token}.name", name.encode())
    _write(folder / f"{token}.upload", data)
    return token


def claim(seeds: Path, token: str, max_bytes: int) -> HeldUpload | None:
    """Take the upload ``token`` names, once: None when it is gone, decided already, or the
    token is not one of ours (a forged press)."""
    if not _TOKEN.fullmatch(token):
        return None
    folder = seeds / PENDING
    claimed = folder / f"{token}.claimed"
    try:
        os.rename(folder / f"{token}.upload", claimed)  # one press wins
    except OSError:
        return None
    try:
        name = read_regular_file(folder / f"{token}.name", _MAX_NAME_BYTES).decode()
        return HeldUpload(name, read_regular_file(claimed, max_bytes))
    except (UnreadableFileError, UnicodeDecodeError):
        return None
    finally:
        for leftover in (claimed, folder / f"{token}.name"):
            leftover.unlink(missing_ok=True)


def _write(path: Path, data: bytes) -> None:
    """Write ``data`` whole or not at all: a full disk leaves nothing half-written."""
    partial = path.with_suffix(path.suffix + ".partial")
    try:
        partial.write_bytes(data)
        os.replace(partial, path)
    except OSError:
        partial.unlink(missing_ok=True)
        raise


def _drop_stale(folder: Path, now: float) -> None:
    """Remove what nobody decided on within HOLD_SECONDS."""
    for path in folder.iterdir():
        try:
            if now - path.stat().st_mtime > HOLD_SECONDS:
                path.unlink()
        except OSError:
            continue  # taken by another worker meanwhile
