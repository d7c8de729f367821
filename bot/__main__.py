"""``python -m bot``: run Mojaz in Telegram, or offline with ``--console``."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

from pydantic import ValidationError
from telegram.error import InvalidToken, NetworkError

from bot import check
from bot.app import build_worker
from bot.capabilities import RESERVED_COMMANDS
from bot.console import main_console, where_from
from bot.logs import setup_logging
from bot.runner import run_until_signalled
from bot.settings import Settings, settings_problems
from bot.stores import open_store
from bot.sync.lexicon import read_lexicon
from content.files import UnreadableFileError, read_regular_file
from content.library import Upload, add_article, ingest_file, withdraw_article
from content.models import FeedInfo, IngestResult
from content.parser import ArticleFormatError, read_article_file
from content.ports import ArticleStore, StoreUnavailableError
from content.sources.fetch import Fetcher
from content.sources.web import Copy, Refusal, articles_at
from handlers.presentation.texts import LANGUAGES

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
    parser.add_argument(
        "--lang",
        choices=LANGUAGES,
        default="ar",
        help="the console user's Telegram language (default: ar)",
    )
    parser.add_argument(
        "--seeds",
        type=Path,
        metavar="DIR",
        help="the folder of article files (default: SEEDS_DIR, else ./seeds)",
    )
    parser.add_argument(
        "--database",
        type=Path,
        metavar="FILE",
        help="the SQLite database file (default: DATABASE_PATH, else ./data/mojaz.sqlite3)",
    )
    commands = parser.add_subparsers(dest="command")
    ingest = commands.add_parser(
        "ingest",
        help="store article files, web pages or every article of a feed; a running bot sends"
        " them to subscribers",
    )
    ingest.add_argument("files", nargs="+", metavar="FILE_OR_URL")
    check = commands.add_parser(
        "check",
        help="show how article files will be read, storing nothing; exit 1 if any is rejected",
    )
    check.add_argument("files", nargs="+", metavar="FILE_OR_URL")
    withdraw = commands.add_parser(
        "withdraw",
        help="take articles down by id: out of every list, search and answer, their files"
        " moved to the seeds folder's .withdrawn/",
    )
    withdraw.add_argument("files", nargs="+", type=str, metavar="ID")
    feeds = commands.add_parser(
        "feeds", help="the feeds the bot follows: add URL, list, remove URL"
    )
    feeds.add_argument("action", choices=("add", "list", "remove"))
    feeds.add_argument("files", nargs="*", metavar="URL")
    return parser.parse_args(argv)


GIL_SWITCH_SECONDS = 0.001


def main(argv: list[str] | None = None) -> int:
    """Run the bot; returns the process exit status."""
    args = parse_args(argv)
    # Opt in to python-telegram-bot's coming default (time periods as timedelta) rather than
    # have every 429 warn about the old one.
    os.environ.setdefault("PTB_TIMEDELTA", "true")
    # Parsing and tagging a long article run in worker threads that hold the GIL; at the
    # default 5 ms switch interval every await of a reply waits up to that long for it.
    sys.setswitchinterval(GIL_SWITCH_SECONDS)
    try:
        env_file_readable(ENV_FILE)
        settings = with_paths(Settings(), args)
    except UnreadableFileError as error:
        print(f"Invalid settings: {error}", file=sys.stderr)
        return 2
    except ValidationError as error:
        print(f"Invalid settings:\n{settings_problems(error)}", file=sys.stderr)
        return 2
    token = settings.bot_token.get_secret_value() if settings.bot_token else ""
    return run(args, settings, token)


ENV_FILE = Path(".env")
_ENV_FILE_MAX_BYTES = 1 << 20


def env_file_readable(path: Path) -> None:
    """Refuse a ``.env`` that is there but no file to read (a FIFO would hang start-up for
    good, /dev/zero fill the memory), with its path and reason; none at all is fine."""
    if path.exists() or path.is_symlink():
        read_regular_file(path, _ENV_FILE_MAX_BYTES)


def with_paths(settings: Settings, args: argparse.Namespace) -> Settings:
    """``settings`` with the folders the command line names, where it names them."""
    paths = {"seeds_dir": args.seeds, "database_path": args.database}
    return settings.model_copy(update={k: v for k, v in paths.items() if v is not None})


def run(args: argparse.Namespace, settings: Settings, token: str) -> int:
    """Do what the command line asked; a database that cannot be opened is named, not traced."""
    try:
        return _run(args, settings, token)
    except StoreUnavailableError as error:
        print(f"Mojaz: {error}", file=sys.stderr)
        return 1


def _run(args: argparse.Namespace, settings: Settings, token: str) -> int:
    """Ingest files, run the console, or run the bot in Telegram."""
    warnings_or_worse = max(settings.log_level, "WARNING", key=logging.getLevelName)
    if args.command:
        setup_logging(warnings_or_worse, settings.secrets())
        return _file_command(args, settings)
    if args.console:
        # Logs would interleave with the conversation on the terminal: warnings only.
        setup_logging(warnings_or_worse, settings.secrets())
        print(where_from(settings), file=sys.stderr)
        main_console(settings, args.lang)
        return 0
    if not token:
        print(SETUP_HINT, file=sys.stderr)
        return 2
    setup_logging(settings.log_level, settings.secrets())
    try:
        asyncio.run(run_until_signalled(*build_worker(settings, token)))
    except InvalidToken:
        logger.error("Telegram rejected BOT_TOKEN: check it with @BotFather")
        return 1
    except NetworkError as error:
        logger.error("Cannot reach the Bot API at %s: %s", settings.api_base_url(), error)
        return 1
    return 0


def _file_command(args: argparse.Namespace, settings: Settings) -> int:
    """``ingest`` stores files and what links hold; ``check`` shows how they will be read and
    stores nothing; ``withdraw`` takes articles down; ``feeds`` manages the feeds followed."""
    command, arguments = args.command, args.files
    if command == "feeds":
        return asyncio.run(manage_feeds(settings, args.action, arguments))
    if command == "withdraw":
        return asyncio.run(withdraw_articles(settings, arguments))
    urls = [argument for argument in arguments if _is_link(argument)]
    paths = [Path(argument) for argument in arguments if not _is_link(argument)]
    copies = asyncio.run(_fetch(urls, settings)) if urls else []
    if command == "check":
        lexicon = read_lexicon(settings.topics_file, RESERVED_COMMANDS)
        return check.main(paths, lexicon, settings.max_article_bytes, copies)
    status = asyncio.run(ingest_files(settings, paths)) if paths else 0
    return max(status, asyncio.run(ingest_copies(settings, copies)) if copies else 0)


def _is_link(argument: str) -> bool:
    return argument.startswith(("http://", "https://"))


async def _fetch(urls: list[str], settings: Settings) -> list[Copy | Refusal]:
    """The articles the links hold, fetched under the fetcher's rules."""
    fetcher = Fetcher(settings.max_article_bytes, allow_private=settings.fetch_allow_private)
    try:
        return [found for url in urls for found in await articles_at(url, fetcher)]
    finally:
        await fetcher.close()


@asynccontextmanager
async def _store(settings: Settings) -> AsyncIterator[ArticleStore]:
    """The store a command works on, closed when it is done."""
    store = await open_store(settings, read_lexicon(settings.topics_file, RESERVED_COMMANDS))
    try:
        yield store
    finally:
        await store.close()


async def ingest_copies(settings: Settings, copies: list[Copy | Refusal]) -> int:
    """Store each article a link held; 1 if any link gave none or was refused."""
    failed = 0
    async with _store(settings) as store:
        for found in copies:
            if isinstance(found, Refusal):
                print(f"{found.url}: refused: {found.reason}", file=sys.stderr)
                failed += 1
                continue
            try:
                upload = Upload(found.name, found.text.encode())
                result = await add_article(
                    store, settings.seeds_dir, upload, settings.max_article_bytes
                )
            except (ArticleFormatError, OSError) as error:
                print(f"{found.url}: {error}", file=sys.stderr)
                failed += 1
            else:
                print(f"{found.url}: {result.outcome} ({result.slug})")
    return 1 if failed else 0


async def manage_feeds(settings: Settings, action: str, urls: list[str]) -> int:
    """Follow feeds, stop following them, or list them with how their polling goes."""
    status = 0
    async with _store(settings) as store:
        feeds = store.feeds
        if action == "list":
            for feed in await feeds.feeds():
                print(feed_line(feed))
        for url in urls:
            if not _is_link(url):
                print(f"{url}: a feed is an http(s) link", file=sys.stderr)
                status = 1
            elif action == "add":
                added = await feeds.add_feed(url, time.time())
                print(f"{url}: {'added' if added else 'followed already'}")
            elif action == "remove":
                removed = await feeds.remove_feed(url)
                print(f"{url}: {'removed' if removed else 'not followed'}")
                status = max(status, int(not removed))
    return status


def feed_line(feed: FeedInfo) -> str:
    """One feed as ``feeds list`` shows it."""
    success = (
        datetime.fromtimestamp(feed.last_success, UTC).strftime("%Y-%m-%d %H:%M UTC")
        if feed.last_success is not None
        else "never"
    )
    error = f", last error: {feed.last_error}" if feed.last_error else ""
    return f"{feed.url}  items: {feed.items}, last success: {success}{error}"


async def withdraw_articles(settings: Settings, slugs: list[str]) -> int:
    """Withdraw each article; 1 if any id names no article."""
    status = 0
    async with _store(settings) as store:
        for slug in slugs:
            if await withdraw_article(store, settings.seeds_dir, slug):
                print(f"{slug}: withdrawn")
            else:
                print(f"{slug}: no article has this id", file=sys.stderr)
                status = 1
    return status


async def ingest_files(settings: Settings, paths: list[Path]) -> int:
    """Ingest each file into the database; 1 if any was rejected, else 0."""
    failed = 0
    async with _store(settings) as store:
        for path in paths:
            try:
                result = await _ingest_into_seeds(store, path, settings)
            except (ArticleFormatError, OSError) as error:
                print(error, file=sys.stderr)
                failed += 1
            else:
                print(f"{path}: {result.outcome} ({result.slug})")
    return 1 if failed else 0


async def _ingest_into_seeds(store: ArticleStore, path: Path, settings: Settings) -> IngestResult:
    """Store a file of the seeds folder, or copy one from elsewhere into it and store it.

    The seeds folder is the source of truth: a file stored from anywhere else would be
    undone by the next start-up when a seed has its id.
    """
    folder = settings.seeds_dir
    if await asyncio.to_thread(_is_in_folder, path, folder):
        return await ingest_file(store, path, settings.max_article_bytes)
    data = await asyncio.to_thread(read_article_file, path, settings.max_article_bytes)
    upload = Upload(path.name, data, shown_as=path)
    return await add_article(store, folder, upload, settings.max_article_bytes)


def _is_in_folder(path: Path, folder: Path) -> bool:
    return path.resolve().parent == folder.resolve()


if __name__ == "__main__":
    sys.exit(main())
