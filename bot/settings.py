"""Settings from the environment and ``.env``."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.outbox import OutboxSettings
from bot.ratelimit import Limits
from content.parser import DEFAULT_MAX_BYTES


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
    default_timezone: str = "UTC"
    seeds_scan_seconds: float = Field(default=30.0, ge=0)
    rate_per_second: float = Field(default=30.0, gt=0)
    rate_per_chat_per_second: float = Field(default=1.0, gt=0)
    rate_per_group_per_minute: int = Field(default=20, gt=0)
    outbox_concurrency: int = Field(default=4, ge=1, le=64)
    outbox_max_attempts: int = Field(default=5, ge=1)
    outbox_backoff_seconds: float = Field(default=2.0, gt=0)
    outbox_poll_seconds: float = Field(default=1.0, gt=0)
    outbox_timeout_seconds: float = Field(default=10.0, gt=0)

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
            raise ValueError("DATABASE_URL must start with postgresql:// (or be left empty)")
        return value

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
        """What logs must never show: the token and the database's password."""
        token = self.bot_token.get_secret_value() if self.bot_token else ""
        password = urlsplit(self.database_url_value()).password or ""
        return [secret for secret in (token, password) if secret]

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
        )

    def outbox(self) -> OutboxSettings:
        """How the outbox worker sends."""
        return OutboxSettings(
            concurrency=self.outbox_concurrency,
            max_attempts=self.outbox_max_attempts,
            backoff_base=self.outbox_backoff_seconds,
            poll_interval=self.outbox_poll_seconds,
            request_timeout=self.outbox_timeout_seconds,
        )
