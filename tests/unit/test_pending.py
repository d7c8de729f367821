"""Uploads held for their editor's decision: claimed once, never by a forged token."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from content import pending


def test_a_held_upload_is_claimed_once_with_its_name_and_bytes(tmp_path: Path) -> None:
    token = pending.hold(tmp_path, "خبر.txt", b"data")
    held = pending.claim(tmp_path, token, 100)
    assert held == pending.HeldUpload("خبر.txt", b"data")
    assert pending.claim(tmp_path, token, 100) is None
    assert list((tmp_path / pending.PENDING).iterdir()) == []


def test_of_two_presses_at_once_exactly_one_claims(tmp_path: Path) -> None:
    token = pending.hold(tmp_path, "a.txt", b"x")
    with ThreadPoolExecutor(8) as pool:
        claims = list(pool.map(lambda _: pending.claim(tmp_path, token, 10), range(8)))
    assert sum(claim is not None for claim in claims) == 1


@pytest.mark.parametrize("token", ["", "../../etc/passwd", "ABCDEF0123456789", "0" * 17, "x"])
def test_a_forged_token_claims_nothing(tmp_path: Path, token: str) -> None:
    pending.hold(tmp_path, "a.txt", b"x")
    assert pending.claim(tmp_path, token, 10) is None


def test_an_upload_nobody_decided_on_is_gone_after_a_day(tmp_path: Path) -> None:
    old = pending.hold(tmp_path, "old.txt", b"x", now=1_000.0)
    for path in (tmp_path / pending.PENDING).iterdir():
        os.utime(path, (1_000.0, 1_000.0))
    pending.hold(tmp_path, "new.txt", b"y", now=1_000.0 + pending.HOLD_SECONDS + 1)
    assert pending.claim(tmp_path, old, 10) is None
