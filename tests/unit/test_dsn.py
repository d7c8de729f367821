"""Database URLs: every form a password can take is found, and blanked."""

from __future__ import annotations

import logging

import pytest
from pydantic import ValidationError

from bot.logs import REDACTED, RedactingFormatter
from bot.settings import settings_problems
from content.dsn import redact_text, redact_url, url_secrets
from tests.support.harness import make_settings

FORMS = [
    ("postgresql://mojaz:pw-1@db.example/news", "pw-1"),
    ("postgresql://mojaz@db.example/news?password=pw-2", "pw-2"),
    ("postgresql://mojaz@db.example/news?sslmode=require&password=pw-3&x=1", "pw-3"),
    ("postgresql://mojaz:p%40ss%2Fw-4@db.example/news", "p@ss/w-4"),
    ("postgresql://mojaz@db.example/news?PASSWORD=p%26w-5", "p&w-5"),
    ("postgres://mojaz:pw-6@[::1]:5432/news?sslpassword=key-6", "key-6"),
    ("mysql://user:pw-7@db.example/news", "pw-7"),
    ("postgresql://mojaz:p@ss-8@db.example/news", "p@ss-8"),  # an @ left unencoded
]


@pytest.mark.parametrize(("url", "password"), FORMS)
def test_every_password_form_is_found_raw_and_decoded(url: str, password: str) -> None:
    secrets = url_secrets(url)
    assert password in secrets
    for secret in secrets:
        assert secret not in redact_url(url)
    assert password not in redact_text(f"could not connect to {url} ({password})", url)


@pytest.mark.parametrize(("url", "password"), FORMS[:6])
def test_log_lines_never_show_the_password(url: str, password: str) -> None:
    settings = make_settings(database_url=url)
    formatter = RedactingFormatter(settings.secrets())
    record = logging.makeLogRecord({"msg": "cannot reach %s: %s", "args": (url, password)})
    line = formatter.format(record)
    assert password not in line
    assert REDACTED in line


def test_a_url_without_a_password_is_left_as_it_is() -> None:
    url = "postgresql://mojaz@db.example:5432/news?sslmode=require"
    assert url_secrets(url) == []
    assert redact_url(url) == url


@pytest.mark.parametrize(
    "values",
    [
        {"database_url": "mysql://user:pw-secret@db/news"},
        {"database_url": "sqlite:///pw-secret"},
        {"webhook_url": "https://news.example/hook", "webhook_secret": "pw-secret with spaces"},
    ],
)
def test_a_settings_error_never_echoes_the_value(values: dict[str, str]) -> None:
    with pytest.raises(ValidationError) as raised:
        make_settings(**values)
    described = settings_problems(raised.value)
    assert "pw-secret" not in described
    assert described.split(":", 1)[0] in {"DATABASE_URL", "settings"}
