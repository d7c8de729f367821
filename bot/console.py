"""The offline console: the same Application and handlers, with stdin and stdout as the chat.

Instead of HTTP, the bot's requests go to :class:`ConsoleRequest`, which answers them the way
the Bot API would and prints what the bot says. Each input line becomes an update from a local
user in a private chat; ``:press LABEL`` presses a button of the last message that had buttons.
"""

from __future__ import annotations

import asyncio
import html
import itertools
import json
import re
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TextIO

from telegram import Update
from telegram.request import BaseRequest, RequestData

from bot.app import MojazApp, build_application
from bot.settings import Settings
from content.library import article_files

# A placeholder, not a secret: the console sends nothing anywhere.
CONSOLE_TOKEN = "0:console"  # noqa: S105
BOT_USER = {"id": 1, "is_bot": True, "first_name": "Mojaz", "username": "MojazBot"}
LOCAL_USER = {"id": 1000, "is_bot": False, "first_name": "Local"}
PRESS = ":press"
_TAG = re.compile(r"<[^>]+>")
_NOT_WORD = re.compile(r"[^\w]+")


@dataclass
class ConsoleScreen:
    """What the console has shown: prints replies and remembers the last buttons."""

    out: TextIO
    messages: dict[int, dict[str, Any]] = field(default_factory=dict)
    last_with_buttons: int | None = None
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def show(self, params: dict[str, Any], edited_id: int | None = None) -> dict[str, Any]:
        """Print a message the bot sent (or edited) and return it as the Bot API would."""
        message_id = edited_id or next(self._ids)
        message = {
            "message_id": message_id,
            "date": int(datetime.now(UTC).timestamp()),
            "chat": {"id": int(params.get("chat_id", LOCAL_USER["id"])), "type": "private"},
            "from": BOT_USER,
            "text": plain_text(str(params.get("text", ""))),
        }
        markup = params.get("reply_markup")
        if isinstance(markup, dict) and "inline_keyboard" in markup:
            message["reply_markup"] = markup
            self.last_with_buttons = message_id
        self.messages[message_id] = message
        marker = "✎ " if edited_id else ""
        self.out.write(f"{marker}{message['text']}\n{buttons_text(message)}\n")
        self.out.flush()
        return message

    def notice(self, text: str) -> None:
        """Print a short notice (a callback answer)."""
        if text:
            self.out.write(f"({text})\n\n")
            self.out.flush()

    def find_button(self, label: str) -> tuple[dict[str, Any], str] | None:
        """The last buttons' message and the callback data of the button labelled ``label``."""
        message = self.messages.get(self.last_with_buttons or 0)
        if message is None:
            return None
        wanted = _label_key(label)
        buttons = [b for row in message["reply_markup"]["inline_keyboard"] for b in row]
        keyed = [(_label_key(b["text"]), b) for b in buttons if "callback_data" in b]
        # An exact label first, so "الأقسام" is not taken for "↩ الأقسام"'s neighbour.
        exact = [button for key, button in keyed if key == wanted]
        partial = [button for key, button in keyed if wanted and wanted in key]
        candidates = exact + partial
        return (message, str(candidates[0]["callback_data"])) if candidates else None


def plain_text(html_text: str) -> str:
    """Telegram HTML as the reader sees it, without formatting."""
    return html.unescape(_TAG.sub("", html_text))


def buttons_text(message: dict[str, Any]) -> str:
    """The message's buttons as ``[label]`` rows, or nothing."""
    rows = message.get("reply_markup", {}).get("inline_keyboard", [])
    lines = [" ".join(f"[{button['text']}]" for button in row) for row in rows]
    return "\n".join(lines) + ("\n" if lines else "")


def _label_key(label: str) -> str:
    return _NOT_WORD.sub(" ", label).strip().casefold()


class ConsoleRequest(BaseRequest):
    """Answers the bot's Bot API calls locally and prints what it sends."""

    def __init__(self, screen: ConsoleScreen) -> None:
        self._screen = screen

    @property
    def read_timeout(self) -> float | None:
        """No network, so no waiting."""
        return None

    async def initialize(self) -> None:
        """Nothing to open."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    async def do_request(  # noqa: PLR0913, PLR0917 - BaseRequest's signature
        self,
        url: str,
        method: str,  # noqa: ARG002 - part of BaseRequest's signature
        request_data: RequestData | None = None,
        read_timeout: object = None,  # noqa: ARG002
        write_timeout: object = None,  # noqa: ARG002
        connect_timeout: object = None,  # noqa: ARG002
        pool_timeout: object = None,  # noqa: ARG002
    ) -> tuple[int, bytes]:
        """Answer one Bot API method as the server would."""
        endpoint = url.rsplit("/", 1)[-1]
        params = dict(request_data.parameters) if request_data else {}
        result = self._answer(endpoint, params)
        return 200, json.dumps({"ok": True, "result": result}).encode()

    def _answer(self, endpoint: str, params: dict[str, Any]) -> object:
        if endpoint == "getMe":
            return BOT_USER
        if endpoint == "sendMessage":
            return self._screen.show(params)
        if endpoint == "editMessageText":
            return self._screen.show(params, edited_id=int(params["message_id"]))
        if endpoint == "answerCallbackQuery":
            self._screen.notice(str(params.get("text", "")))
        if endpoint == "getUpdates":
            return []
        return True


class ConsoleSession:
    """Turns console lines into updates for the Application."""

    def __init__(self, app: MojazApp, screen: ConsoleScreen, language: str) -> None:
        self._app = app
        self._screen = screen
        self._user = {**LOCAL_USER, "language_code": language}
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1_000_000)

    async def handle_line(self, line: str) -> None:
        """Play one line of input to the bot."""
        text = line.strip()
        if not text:
            return
        if text == PRESS or text.startswith(PRESS + " "):
            await self._press(text.removeprefix(PRESS).strip())
            return
        await self._app.process_update(self._message_update(text))

    def _message_update(self, text: str) -> Update:
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(datetime.now(UTC).timestamp()),
            "chat": {"id": LOCAL_USER["id"], "type": "private", "first_name": "Local"},
            "from": self._user,
            "text": text,
        }
        if text.startswith("/"):
            length = len(text.split(maxsplit=1)[0])
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        data = {"update_id": next(self._update_ids), "message": message}
        return Update.de_json(data, self._app.bot)

    async def _press(self, label: str) -> None:
        found = self._screen.find_button(label)
        if found is None:
            self._screen.notice(f"no button «{label}» on the last message with buttons")
            return
        message, callback_data = found
        data = {
            "update_id": next(self._update_ids),
            "callback_query": {
                "id": str(next(self._update_ids)),
                "from": self._user,
                "chat_instance": "console",
                "message": message,
                "data": callback_data,
            },
        }
        await self._app.process_update(Update.de_json(data, self._app.bot))


async def run_console(
    settings: Settings, stdin: TextIO, stdout: TextIO, language: str = "ar"
) -> None:
    """Chat with the bot on stdin/stdout until the end of input, as a user of ``language``."""
    screen = ConsoleScreen(stdout)
    # The console is its own Bot API: it polls the screen, whatever WEBHOOK_URL says.
    offline = settings.model_copy(update={"webhook_url": None})
    app = build_application(
        offline,
        CONSOLE_TOKEN,
        request=ConsoleRequest(screen),
        get_updates_request=ConsoleRequest(screen),
    )
    interactive = stdin.isatty()
    await app.initialize()
    try:
        if app.post_init is not None:
            await app.post_init(app)
        session = ConsoleSession(app, screen, language)
        if interactive:
            stdout.write("Mojaz console. Type /start, /help, :press LABEL; Ctrl-D to leave.\n\n")
        while line := await _read_line(stdin, stdout if interactive else None):
            await session.handle_line(line)
    finally:
        await app.shutdown()
        if app.post_shutdown is not None:
            await app.post_shutdown(app)


async def _read_line(stdin: TextIO, prompt_to: TextIO | None) -> str:
    if prompt_to is not None:
        prompt_to.write("› ")
        prompt_to.flush()
    return await asyncio.to_thread(stdin.readline)


def where_from(settings: Settings) -> str:
    """Where the console reads articles and keeps its database, said before it starts: run
    from another folder, it would otherwise find no articles without a word."""
    seeds = settings.seeds_dir.resolve()
    files = article_files(seeds)
    database = (
        "PostgreSQL (DATABASE_URL)"
        if settings.database_url_value()
        else (str(settings.database_path.resolve()))
    )
    if not files:
        found = "no such folder" if files is None else "no *.txt article in it"
        return (
            f"Articles: {seeds} ({found}). Run from the project's folder, or pass --seeds DIR."
            f" Database: {database}."
        )
    return f"Articles: {len(files)} file(s) in {seeds}. Database: {database}."


def main_console(settings: Settings, language: str) -> None:
    """Entry point for ``python -m bot --console [--lang ar|en]``."""
    asyncio.run(run_console(settings, sys.stdin, sys.stdout, language))
