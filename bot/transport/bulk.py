"""Bulk sends without python-telegram-bot's objects: one message, thousands of chats.

A broadcast sends the same rendered message to every subscriber. Through
``Bot.send_message`` each send builds python-telegram-bot's request, its parameters and
their form encoding, and a ``Message`` with its ``Chat`` and ``User`` from the answer;
profiled under a broadcast, that is most of a worker's CPU per message. Here the message's
body is encoded once (:func:`prepare`), the chat and thread are written in front of it per
send, it goes through one aiohttp session, and of the answer only what the outbox acts on is
read: ``ok``, the message's id, ``error_code``, ``description``, ``retry_after`` and
``migrate_to_chat_id``.

Everything else is as before: the send waits for its slot in the same FloodLimiter (the
overall, per-chat, per-group and paid budgets, and a 429's hold), and a refusal raises the
error python-telegram-bot raises for the same answer (RetryAfter, ChatMigrated, Forbidden,
BadRequest, InvalidToken, Conflict, NetworkError, TimedOut), so the outbox treats both paths
alike. Replies keep python-telegram-bot's path.

An error never carries the request's URL: it holds the bot's token.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

import aiohttp
from telegram import InlineKeyboardMarkup, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Conflict,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)

from bot.transport.ratelimit import FloodLimiter, bulk

# How every message is sent, replies and pushes alike (the Application's defaults too).
PARSE_MODE = ParseMode.HTML
LINK_PREVIEW = LinkPreviewOptions(is_disabled=True)
_JSON = {"Content-Type": "application/json"}
# python-telegram-bot's error for each status; any other is a NetworkError.
_REFUSALS: dict[int, type[TelegramError]] = {
    HTTPStatus.FORBIDDEN: Forbidden,
    HTTPStatus.NOT_FOUND: InvalidToken,
    HTTPStatus.UNAUTHORIZED: InvalidToken,
    HTTPStatus.BAD_REQUEST: BadRequest,
    HTTPStatus.CONFLICT: Conflict,
}


@dataclass(frozen=True, slots=True)
class Prepared:
    """A message encoded once for every chat: the JSON object's members after the chat's."""

    members: bytes  # '"text":…,"parse_mode":"HTML",…}'


def prepare(text: str, keyboard: InlineKeyboardMarkup | None, paid: bool) -> Prepared:
    """``text`` (with ``keyboard`` under it) as sendMessage's body, but for the chat."""
    fields: dict[str, Any] = {
        "text": text,
        "parse_mode": str(PARSE_MODE),
        "link_preview_options": LINK_PREVIEW.to_dict(),
    }
    if keyboard is not None:
        fields["reply_markup"] = keyboard.to_dict()
    if paid:
        fields["allow_paid_broadcast"] = True
    encoded = json.dumps(fields, ensure_ascii=False, separators=(",", ":")).encode()
    return Prepared(encoded[1:])


def body(chat_id: int, thread_id: int | None, prepared: Prepared) -> bytes:
    """The whole request body for one chat (and thread)."""
    head = b'{"chat_id":%d,' % chat_id
    if thread_id:
        head += b'"message_thread_id":%d,' % thread_id
    return head + prepared.members


class BulkSender:
    """Sends prepared messages to chats, through ``limiter``, on its own connections."""

    def __init__(
        self, bot_url: str, limiter: FloodLimiter, connections: int, timeout: float
    ) -> None:
        self._url = f"{bot_url}/sendMessage"  # bot_url holds the token: never logged
        self._limiter = limiter
        self._connections = connections
        self._timeout = aiohttp.ClientTimeout(
            total=2 * timeout, sock_connect=timeout, sock_read=timeout
        )
        self._session: aiohttp.ClientSession | None = None

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=self._connections, ttl_dns_cache=300)
            self._session = aiohttp.ClientSession(connector=connector, headers=_JSON)

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None

    async def send(
        self,
        chat_id: int,
        thread_id: int | None,
        prepared: Prepared,
        chat_type: str,
        paid: bool,
    ) -> int:
        """Send ``prepared`` to the chat; the message's id, or python-telegram-bot's error."""
        result = await self._limiter.process_request(
            self._post,
            (body(chat_id, thread_id, prepared),),
            {},
            "sendMessage",
            {"chat_id": chat_id},
            bulk(chat_type, paid=paid),
        )
        if not isinstance(result, dict) or not isinstance(result.get("message_id"), int):
            raise NetworkError("the Bot API answered a send without a message id")
        return int(result["message_id"])

    async def _post(self, data: bytes) -> dict[str, Any]:
        if self._session is None:
            raise RuntimeError("BulkSender is not initialized")
        try:
            async with self._session.post(self._url, data=data, timeout=self._timeout) as answer:
                status, payload = answer.status, await answer.read()
        except TimeoutError as error:
            raise TimedOut from error
        except aiohttp.ClientError as error:
            # The class name only: aiohttp's messages may quote the URL, and with it the token.
            raise NetworkError(f"aiohttp.{type(error).__name__}") from error
        return result_of(status, payload)


def result_of(status: int, payload: bytes) -> dict[str, Any]:
    """The ``result`` of a Bot API answer, or the error python-telegram-bot raises for it."""
    try:
        answer = json.loads(payload)
    except ValueError:
        answer = None
    if not isinstance(answer, dict):
        raise NetworkError(f"{_phrase(status)}. The server's answer is not JSON")
    if HTTPStatus.OK <= status <= 299 and answer.get("ok"):
        result = answer.get("result")
        return result if isinstance(result, dict) else {}
    raise refusal(status, answer)


def refusal(status: int, answer: dict[str, Any]) -> TelegramError:
    """The error for a refused request, as python-telegram-bot's request layer raises it."""
    message = str(answer.get("description") or _phrase(status))
    parameters = answer.get("parameters") or {}
    if isinstance(parameters, dict):
        if parameters.get("migrate_to_chat_id"):
            return ChatMigrated(int(parameters["migrate_to_chat_id"]))
        if parameters.get("retry_after"):
            return RetryAfter(int(parameters["retry_after"]))
    return _REFUSALS.get(status, NetworkError)(message)


def _phrase(status: int) -> str:
    try:
        return f"{HTTPStatus(status).phrase} ({status})"
    except ValueError:
        return f"Unknown HTTPError ({status})"
