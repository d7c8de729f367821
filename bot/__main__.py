"""``python -m bot``: run Mojaz in Telegram, or offline with ``--console``."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys

from pydantic import ValidationError
from telegram.error import InvalidToken, NetworkError

from bot.app import build_application
from bot.console import main_console
from bot.logs import setup_logging
from bot.runner import run_until_signalled
from bot.settings import Settings

logger = logging.getLogger("bot")

SETUP_HINT = (
    "BOT_TOKEN is not set: put it in .env or the environment (see .env.example), "
    "or run `python -m bot --console` to try the bot offline."
)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(prog="mojaz", description="Mojaz, the briefing bot.")
    parser.add_argument(
        "--console",
        action="store_true",
        help="chat with the bot offline on stdin/stdout: no token, no network",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run the bot; returns the process exit status."""
    args = parse_args(argv)
    # Opt in to python-telegram-bot's coming default (time periods as timedelta) rather than
    # have every 429 warn about the old one.
    os.environ.setdefault("PTB_TIMEDELTA", "true")
    try:
        settings = Settings()
    except ValidationError as error:
        print(f"Invalid settings: {error}", file=sys.stderr)
        return 2
    token = settings.bot_token.get_secret_value() if settings.bot_token else ""
    if args.console:
        # Logs would interleave with the conversation on the terminal: warnings only.
        setup_logging(max(settings.log_level, "WARNING", key=logging.getLevelName), [token])
        main_console(settings)
        return 0
    if not token:
        print(SETUP_HINT, file=sys.stderr)
        return 2
    setup_logging(settings.log_level, [token])
    try:
        asyncio.run(run_until_signalled(build_application(settings, token)))
    except InvalidToken:
        logger.error("Telegram rejected BOT_TOKEN: check it with @BotFather")
        return 1
    except NetworkError as error:
        logger.error("Cannot reach the Bot API at %s: %s", settings.api_base_url(), error)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
