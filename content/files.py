"""Reading a file someone else controls (an article, a newsroom's topics file) safely.

Only a regular file within a size limit is read. Opening with O_NONBLOCK lets a FIFO return at
once instead of waiting for a writer for good; the check on the open descriptor then refuses
anything that is not a regular file (a FIFO, /dev/zero, a folder), even one swapped in after
the path was looked at.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

_CHUNK = 1 << 16


class UnreadableFileError(ValueError):
    """The file cannot be read as one: ``reason`` says why, in a few words."""

    def __init__(self, path: str | Path, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path, self.reason = path, reason


def too_large(size: int, max_bytes: int) -> str | None:
    """Why a file of ``size`` bytes is refused, or None when it is within ``max_bytes``."""
    if size > max_bytes:
        return f"the file is {size:,} bytes, over the limit of {max_bytes:,} bytes"
    return None


def read_regular_file(path: str | Path, max_bytes: int) -> bytes:
    """The bytes of ``path`` when it is a regular file of at most ``max_bytes``.

    Raises UnreadableFileError with the reason otherwise, or when it cannot be opened.
    """
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as error:
        raise UnreadableFileError(path, f"cannot be read: {error.strerror}") from error
    try:
        return _read_descriptor(path, descriptor, max_bytes)
    except OSError as error:
        raise UnreadableFileError(path, f"cannot be read: {error.strerror}") from error
    finally:
        os.close(descriptor)


def _read_descriptor(path: str | Path, descriptor: int, max_bytes: int) -> bytes:
    status = os.fstat(descriptor)
    if not stat.S_ISREG(status.st_mode):
        raise UnreadableFileError(path, "not a regular file")
    if reason := too_large(status.st_size, max_bytes):
        raise UnreadableFileError(path, reason)
    chunks, total = [], 0
    while total <= max_bytes and (chunk := os.read(descriptor, _CHUNK)):
        chunks.append(chunk)
        total += len(chunk)
    if reason := too_large(total, max_bytes):  # it grew while it was read
        raise UnreadableFileError(path, reason)
    return b"".join(chunks)
