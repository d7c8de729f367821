"""The lean path for pushes: the body it sends, and the errors it raises for Telegram's
answers, the same as python-telegram-bot's for the same answer (which is the oracle here)."""

from __future__ import annotations

import json
import socket
from typing import Any

import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import TelegramError
from telegram.request import BaseRequest

from bot.transport.bulk import BulkSender, body, prepare, result_of
from bot.transport.ratelimit import FloodLimiter, Limits

TOKEN = "123456789:TEST-secret-token-do-not-log-AbCdEf"
KEYBOARD = InlineKeyboardMarkup([[InlineKeyboardButton("الملخص", callback_data="s:1")]])


def test_a_prepared_message_is_the_send_message_body_for_each_chat() -> None:
    prepared = prepare("<b>خبر</b> \u2067عاجل\u2069", KEYBOARD, paid=True)
    assert json.loads(body(-100123, 42, prepared)) == {
        "chat_id": -100123,
        "message_thread_id": 42,
        "text": "<b>خبر</b> \u2067عاجل\u2069",
        "parse_mode": "HTML",
        "link_preview_options": {"is_disabled": True},
        "reply_markup": {"inline_keyboard": [[{"text": "الملخص", "callback_data": "s:1"}]]},
        "allow_paid_broadcast": True,
    }
    plain = json.loads(body(7, None, prepare('قال: "نعم"\n', None, paid=False)))
    assert plain == {
        "chat_id": 7,
        "text": 'قال: "نعم"\n',
        "parse_mode": "HTML",
        "link_preview_options": {"is_disabled": True},
    }


class _Answers(BaseRequest):
    """python-telegram-bot's request layer over a fixed answer: what it raises is the oracle."""

    def __init__(self, status: int, payload: bytes) -> None:
        self._answer = (status, payload)

    @property
    def read_timeout(self) -> float | None:
        return None

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    async def do_request(self, *_args: Any, **_kwargs: Any) -> tuple[int, bytes]:
        return self._answer


def _answer(code: int, description: str, **parameters: int) -> bytes:
    data: dict[str, Any] = {"ok": False, "error_code": code, "description": description}
    if parameters:
        data["parameters"] = parameters
    return json.dumps(data).encode()


ANSWERS = [
    (403, _answer(403, "Forbidden: bot was blocked by the user")),
    (400, _answer(400, "Bad Request: chat not found")),
    (400, _answer(400, "Bad Request: message thread not found")),
    (400, _answer(400, "Bad Request: group chat was upgraded", migrate_to_chat_id=-1009)),
    (429, _answer(429, "Too Many Requests: retry after 7", retry_after=7)),
    (401, _answer(401, "Unauthorized")),
    (409, _answer(409, "Conflict: terminated by other getUpdates request")),
    (502, b"<html>Bad Gateway</html>"),
    (500, _answer(500, "Internal Server Error")),
]


@pytest.mark.parametrize(("status", "payload"), ANSWERS, ids=[str(a[0]) for a in ANSWERS])
async def test_a_refusal_raises_what_python_telegram_bot_raises(
    status: int, payload: bytes
) -> None:
    with pytest.raises(TelegramError) as theirs:
        await _Answers(status, payload).post("https://api.example/bot/sendMessage")
    with pytest.raises(TelegramError) as ours:
        result_of(status, payload)
    assert type(ours.value) is type(theirs.value)
    assert ours.value.message == theirs.value.message or status == 502
    for name in ("retry_after", "new_chat_id"):
        assert getattr(ours.value, name, None) == getattr(theirs.value, name, None)


def test_an_accepted_send_gives_its_message() -> None:
    payload = json.dumps({"ok": True, "result": {"message_id": 77, "chat": {"id": 5}}}).encode()
    assert result_of(200, payload)["message_id"] == 77


async def test_a_failed_connection_never_shows_the_token() -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    sender = BulkSender(f"http://127.0.0.1:{port}/bot{TOKEN}", FloodLimiter(Limits()), 1, 1.0)
    await sender.initialize()
    try:
        with pytest.raises(TelegramError) as failure:
            await sender.send(5, None, prepare("خبر", None, paid=False), "private", paid=False)
    finally:
        await sender.shutdown()
    assert TOKEN not in str(failure.value)
    assert TOKEN not in repr(failure.value.__cause__)
