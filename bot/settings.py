"""Settings from the environment and ``.env``."""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    Field,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.deliver.worker import OutboxSettings
from bot.serve.webhook import WebhookSettings
from bot.transport.ratelimit import Limits
from content.dsn import url_secrets
from content.parser import DEFAULT_MAX_BYTES

# What Telegram accepts as a webhook's secret_token.
_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")


class Settings(BaseSettings):
    """Everything the bot reads from its environment; see .env.example for each one."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    bot_token: SecretStr | None = None
    bot_api_url: str | None = None
    database_path: Path = Path("data/mojaz.sqlite3")
    database_url: SecretStr | None = None  # postgresql://…: every worker shares it
    database_pool_size: int = Field(default=10, ge=1, le=100)
    seeds_dir: Path = Path("seeds")
    topics_file: Path | None = None
    admin_ids: Annotated[frozenset[int], NoDecode] = frozenset()
    log_level: str = "INFO"
    max_article_bytes: int = Field(default=DEFAULT_MAX_BYTES, gt=0)
    # Let fetched links reach private, loopback and link-local addresses (tests, intranets).
    fetch_allow_private: bool = False
    default_timezone: str = "UTC"
    seeds_scan_seconds: float = Field(default=30.0, ge=0)
    # How often the feeds the newsroom follows are polled; 0 polls none.
    feeds_poll_seconds: float = Field(default=300.0, ge=0)
    rate_per_second: float = Field(default=30.0, gt=0)
    rate_per_chat_per_second: float = Field(default=1.0, gt=0)
    rate_per_group_per_minute: int = Field(default=20, gt=0)
    outbox_concurrency: int = Field(default=4, ge=1, le=64)
    outbox_max_attempts: int = Field(default=5, ge=1)
    outbox_backoff_seconds: float = Field(default=2.0, gt=0)
    outbox_poll_seconds: float = Field(default=1.0, gt=0)
    outbox_timeout_seconds: float = Field(default=10.0, gt=0)
    # A worker that has sent nothing of its claim for this long is taken for dead.
    outbox_lease_seconds: float = Field(default=60.0, ge=5)
    # Word alerts (/subscribe "word") one chat may have: each is matched against every article.
    max_alerts: int = Field(default=20, ge=0, le=1000)
    paid_broadcast: bool = False
    # Pushes by the lean path (bot.transport.bulk); false sends them through
    # python-telegram-bot like replies (for comparing the two, or a Bot API server that
    # does not take JSON bodies).
    lean_pushes: bool = True
    rate_paid_per_second: float = Field(default=1000.0, gt=0)
    webhook_url: str | None = None  # https://…/path: Telegram posts updates there
    webhook_listen: str = "127.0.0.1:8080"
    webhook_secret: SecretStr | None = None
    webhook_max_connections: int = Field(default=40, ge=1, le=100)
    # Polling workers serve /healthz, /metrics and the API here; empty turns it off.
    http_listen: str | None = "127.0.0.1:8080"
    # With a token, POST /api/articles on the worker's listener publishes (a CMS's hook).
    api_token: SecretStr | None = Field(default=None, min_length=16)

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        """Accept ``ADMIN_IDS=1,2,3`` (commas or spaces) as well as a list."""
        if isinstance(value, str):
            return [part for part in value.replace(",", " ").split() if part]
        return value

    @field_validator("database_url")
    @classmethod
    def _postgres_only(cls, value: SecretStr | None) -> SecretStr | None:
        """``DATABASE_URL=`` (empty) means SQLite; anything else must be PostgreSQL's."""
        if value is None or not value.get_secret_value().strip():
            return None
        if not value.get_secret_value().startswith(("postgresql://", "postgres://")):
            # Never the value itself: it may hold a password.
            raise ValueError("must start with postgresql:// (or be left empty)")
        return value

    @field_validator("webhook_url")
    @classmethod
    def _webhook_url(cls, value: str | None) -> str | None:
        """HTTPS, as Telegram requires; plain HTTP only to this machine (tests, a local proxy)."""
        stripped = (value or "").strip()
        if not stripped:
            return None
        url = urlsplit(stripped)
        loopback = url.hostname in ("127.0.0.1", "localhost", "::1")
        if url.scheme != "https" and not (url.scheme == "http" and loopback):
            raise ValueError("WEBHOOK_URL must be an https:// address Telegram can reach")
        return stripped

    @field_validator("webhook_listen", "http_listen")
    @classmethod
    def _host_and_port(cls, value: str | None, info: ValidationInfo) -> str | None:
        """``host:port``; port 0 asks for a free one. An empty HTTP_LISTEN is none at all."""
        if value is None or (info.field_name == "http_listen" and not value.strip()):
            return None
        if _listen_address(value) is None:
            name = (info.field_name or "").upper()
            raise ValueError(f"{name} must be host:port, such as 0.0.0.0:8080, not {value!r}")
        return value.strip()

    @model_validator(mode="after")
    def _webhook_needs_a_secret(self) -> Settings:
        """Without the secret anyone who finds the URL could post updates as Telegram."""
        if self.webhook_url is None:
            return self
        secret = self.webhook_secret.get_secret_value() if self.webhook_secret else ""
        if not secret:
            raise ValueError("WEBHOOK_SECRET is required with WEBHOOK_URL")
        if not _SECRET.fullmatch(secret):
            raise ValueError("WEBHOOK_SECRET may hold only A-Z a-z 0-9 _ - (1 to 256 of them)")
        return self

    @model_validator(mode="after")
    def _lease_outlasts_a_send(self) -> Settings:
        """A claim must outlast a send's timeouts, or a slow send would be taken for dead."""
        if self.outbox_lease_seconds < 2 * self.outbox_timeout_seconds:
            raise ValueError(
                "OUTBOX_LEASE_SECONDS must be at least twice OUTBOX_TIMEOUT_SECONDS "
                f"({2 * self.outbox_timeout_seconds:g}), so a slow send is not taken for dead"
            )
        return self

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        level = value.upper()
        if level not in logging.getLevelNamesMapping():
            raise ValueError(f"unknown log level {value!r}; use DEBUG, INFO, WARNING or ERROR")
        return level

    @field_validator("default_timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(f"unknown timezone {value!r}; use an Area/City name") from error
        return value

    @field_validator("topics_file", mode="before")
    @classmethod
    def _no_blank_path(cls, value: object) -> object:
        """``TOPICS_FILE=`` (empty, as .env.example has it) means no file."""
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("bot_api_url")
    @classmethod
    def _no_blank_url(cls, value: str | None) -> str | None:
        stripped = (value or "").strip()
        return stripped or None

    def database_url_value(self) -> str:
        """The PostgreSQL URL, or '' for the SQLite file at DATABASE_PATH."""
        return self.database_url.get_secret_value() if self.database_url else ""

    def secrets(self) -> list[str]:
        """What logs must never show: the token, the database's password, the webhook's secret,
        the publishing API's token."""
        token = self.bot_token.get_secret_value() if self.bot_token else ""
        webhook = self.webhook_secret.get_secret_value() if self.webhook_secret else ""
        api = self.api_token.get_secret_value() if self.api_token else ""
        database = url_secrets(self.database_url_value())
        return [secret for secret in (token, webhook, api, *database) if secret]

    def webhook(self) -> WebhookSettings | None:
        """Where and how to take updates by webhook; None to poll for them."""
        if self.webhook_url is None or self.webhook_secret is None:
            return None
        host, port = _listen_address(self.webhook_listen) or ("", 0)
        return WebhookSettings(
            url=self.webhook_url,
            host=host,
            port=port,
            secret=self.webhook_secret.get_secret_value(),
            max_connections=self.webhook_max_connections,
        )

    def http_address(self) -> tuple[str, int] | None:
        """Where a polling worker serves its probes and API; None for nowhere."""
        return _listen_address(self.http_listen) if self.http_listen else None

    def api_base_url(self) -> str:
        """python-telegram-bot's ``base_url``: the Bot API server, with the token appended."""
        if not self.bot_api_url:
            return "https://api.telegram.org/bot"
        url = self.bot_api_url.rstrip("/")
        return url if url.endswith("/bot") or "{token}" in url else f"{url}/bot"

    def api_file_url(self) -> str:
        """python-telegram-bot's ``base_file_url`` for the same server."""
        base = self.api_base_url()
        if "{token}" in base:
            return base.replace("/bot{token}", "/file/bot{token}")
        return base.removesuffix("/bot") + "/file/bot"

    def limits(self) -> Limits:
        """Telegram's flood limits as configured."""
        return Limits(
            per_second=self.rate_per_second,
            per_chat_per_second=self.rate_per_chat_per_second,
            per_group_per_minute=self.rate_per_group_per_minute,
            paid_per_second=self.rate_paid_per_second,
        )

    def outbox(self) -> OutboxSettings:
        """How the outbox worker sends."""
        return OutboxSettings(
            concurrency=self.outbox_concurrency,
            max_attempts=self.outbox_max_attempts,
            backoff_base=self.outbox_backoff_seconds,
            poll_interval=self.outbox_poll_seconds,
            request_timeout=self.outbox_timeout_seconds,
            lease=self.outbox_lease_seconds,
            paid=self.paid_broadcast,
        )


def settings_problems(error: ValidationError) -> str:
    """What is wrong with the settings, a line a setting, never the value given: a value
    can be a secret (a database URL with its password, a token, the webhook's secret)."""
    lines = []
    for problem in error.errors(include_url=False, include_input=False, include_context=False):
        name = ".".join(str(part) for part in problem["loc"]).upper() or "settings"
        lines.append(f"{name}: {problem['msg'].removeprefix('Value error, ')}")
    return "\n".join(lines)


def _listen_address(value: str) -> tuple[str, int] | None:
    """``host:port`` (``[::1]:8080`` for IPv6) as its parts, or None if it is not one."""
    host, _, port = value.strip().rpartition(":")
    if not host or not port.isdigit() or not 0 <= int(port) < 65536:
        return None
    return host.strip("[]"), int(port)
