"""A fake Telegram Bot API server on 127.0.0.1 for end-to-end tests.

The real Application talks HTTP to it through python-telegram-bot's ``base_url``. Tests play
users into ``getUpdates`` and assert on the calls the bot made. Every wait is bounded.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

BOT_USERNAME = "MojazTestBot"
BOT_USER = {"id": 4242, "is_bot": True, "first_name": "Mojaz", "username": BOT_USERNAME}
# Parameters python-telegram-bot sends JSON-encoded inside a form field.
_JSON_FIELDS = frozenset({"reply_markup", "entities", "commands", "scope", "allowed_updates"})
_MAX_POLL_SECONDS = 2.0


@dataclass(frozen=True)
class Call:
    """One Bot API request the bot made."""

    method: str
    params: dict[str, Any]
    result: Any = None

    @property
    def chat_id(self) -> int | None:
        """The chat the call addressed, if any."""
        value = self.params.get("chat_id")
        return int(value) if value is not None else None

    @property
    def text(self) -> str:
        """The text the call sent or edited in."""
        return str(self.params.get("text", ""))

    def buttons(self) -> list[dict[str, Any]]:
        """Every inline button of the call's keyboard, row by row."""
        markup = self.params.get("reply_markup") or {}
        return [button for row in markup.get("inline_keyboard", []) for button in row]


@dataclass(frozen=True)
class Chat:
    """A chat the tests play from."""

    id: int
    type: str = "private"
    title: str | None = None

    def as_json(self) -> dict[str, Any]:
        """The chat as the Bot API describes it."""
        data: dict[str, Any] = {"id": self.id, "type": self.type}
        if self.title:
            data["title"] = self.title
        else:
            data["first_name"] = "Reader"
        return data


@dataclass(frozen=True)
class User:
    """A person the tests play."""

    id: int
    first_name: str = "Reader"
    language_code: str = "ar"

    def as_json(self) -> dict[str, Any]:
        """The user as the Bot API describes them."""
        return {
            "id": self.id,
            "is_bot": False,
            "first_name": self.first_name,
            "language_code": self.language_code,
        }


@dataclass
class FakeBotApi:
    """The server's state: pending updates, and every call the bot made."""

    token: str
    calls: list[Call] = field(default_factory=list)
    # chat id → (error code, description) that every call to that chat is refused with
    refuse_chats: dict[int, tuple[int, str]] = field(default_factory=dict)
    _updates: list[dict[str, Any]] = field(default_factory=list)
    _update_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _message_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _changed: asyncio.Condition = field(default_factory=asyncio.Condition)
    _runner: web.AppRunner | None = None
    url: str = ""

    async def start(self) -> None:
        """Listen on a free port of 127.0.0.1."""
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}"

    async def stop(self) -> None:
        """Stop listening."""
        if self._runner is not None:
            await self._runner.cleanup()

    # --- playing users -------------------------------------------------------------------

    async def send_text(self, chat: Chat, user: User, text: str) -> dict[str, Any]:
        """Queue a message from ``user`` in ``chat``; commands get their entity."""
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": chat.as_json(),
            "from": user.as_json(),
            "text": text,
        }
        if text.startswith("/"):
            length = len(text.split(maxsplit=1)[0])
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        await self._push({"message": message})
        return message

    async def press(self, user: User, message: dict[str, Any], data: str) -> None:
        """Queue a press of the button with callback ``data`` under ``message``."""
        query = {
            "id": str(next(self._update_ids)),
            "from": user.as_json(),
            "chat_instance": "tests",
            "message": message,
            "data": data,
        }
        await self._push({"callback_query": query})

    async def _push(self, payload: dict[str, Any]) -> None:
        async with self._changed:
            self._updates.append({"update_id": next(self._update_ids), **payload})
            self._changed.notify_all()

    # --- what the bot did ----------------------------------------------------------------

    def calls_to(self, method: str, chat_id: int | None = None) -> list[Call]:
        """The calls of ``method``, to ``chat_id`` when given."""
        return [
            call
            for call in self.calls
            if call.method == method and (chat_id is None or call.chat_id == chat_id)
        ]

    async def wait_for(
        self, predicate: Callable[[list[Call]], bool], timeout: float = 10.0
    ) -> list[Call]:
        """Wait until ``predicate(calls)`` holds; fail after ``timeout`` seconds."""
        async with asyncio.timeout(timeout), self._changed:
            await self._changed.wait_for(lambda: predicate(self.calls))
        return self.calls

    async def wait_for_calls(
        self, method: str, chat_id: int, count: int, timeout: float = 10.0
    ) -> list[Call]:
        """Wait until the bot has made ``count`` calls of ``method`` to ``chat_id``."""
        await self.wait_for(lambda _: len(self.calls_to(method, chat_id)) >= count, timeout)
        return self.calls_to(method, chat_id)

    # --- the HTTP side -------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return _error(401, "Unauthorized")
        method = request.match_info["method"]
        params = await _params(request)
        handler = getattr(self, f"_api_{method}", None)
        if handler is None:
            return _error(404, f"Not Found: method {method} not found")
        if method == "getUpdates":
            return web.json_response({"ok": True, "result": await handler(params)})
        refusal = self.refuse_chats.get(int(params.get("chat_id", 0) or 0))
        async with self._changed:
            result = refusal or handler(params)
            self.calls.append(Call(method, params, result))
            self._changed.notify_all()
        if refusal is not None:
            return _error(*refusal)
        return web.json_response({"ok": True, "result": result})

    async def _api_getUpdates(self, params: dict[str, Any]) -> list[dict[str, Any]]:  # noqa: N802
        offset = int(params.get("offset", 0) or 0)
        wait = min(float(params.get("timeout", 0) or 0), _MAX_POLL_SECONDS)
        async with self._changed:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
            if not self._updates and wait > 0:
                try:
                    async with asyncio.timeout(wait):
                        await self._changed.wait_for(lambda: bool(self._updates))
                except TimeoutError:
                    return []
            return list(self._updates)

    def _api_getMe(self, _params: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        return BOT_USER

    def _api_sendMessage(self, params: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        return self._message(params, next(self._message_ids))

    def _api_editMessageText(self, params: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        return self._message(params, int(params["message_id"]))

    def _message(self, params: dict[str, Any], message_id: int) -> dict[str, Any]:
        chat_id = int(params["chat_id"])
        message: dict[str, Any] = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup"},
            "from": BOT_USER,
            "text": params.get("text", ""),
        }
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        return message

    def _api_answerCallbackQuery(self, _params: dict[str, Any]) -> bool:  # noqa: N802
        return True

    def _api_setMyCommands(self, _params: dict[str, Any]) -> bool:  # noqa: N802
        return True

    def _api_deleteWebhook(self, _params: dict[str, Any]) -> bool:  # noqa: N802
        return True


async def _params(request: web.Request) -> dict[str, Any]:
    if request.content_type == "application/json":
        data: dict[str, Any] = await request.json()
        return data
    form = await request.post()
    params: dict[str, Any] = {}
    for key, value in form.items():
        text = str(value)
        params[key] = json.loads(text) if key in _JSON_FIELDS else text
    return params


def _error(code: int, description: str) -> web.Response:
    body = {"ok": False, "error_code": code, "description": description}
    return web.json_response(body, status=code)
