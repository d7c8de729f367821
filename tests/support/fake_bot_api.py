"""A fake Telegram Bot API server on 127.0.0.1 for end-to-end tests.

The real Application talks HTTP to it through python-telegram-bot's ``base_url``. Tests play
users into ``getUpdates`` and assert on the calls the bot made. Every wait is bounded.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import aiohttp
from aiohttp import web

from tests.support.telegram_rules import problems_of

BOT_USERNAME = "MojazTestBot"
BOT_USER = {"id": 4242, "is_bot": True, "first_name": "Mojaz", "username": BOT_USERNAME}
# Parameters python-telegram-bot sends JSON-encoded inside a form field.
_JSON_FIELDS = frozenset(
    {"reply_markup", "entities", "commands", "scope", "allowed_updates", "results"}
)
_MAX_POLL_SECONDS = 2.0
# A webhook that does not answer 2xx gets the update again, this many times in all.
_WEBHOOK_ATTEMPTS = 6
_PROJECT_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Call:
    """One Bot API request the bot made."""

    method: str
    params: dict[str, Any]
    result: Any = None
    at: float = field(default_factory=time.monotonic)  # when the server received it

    @property
    def chat_id(self) -> int | None:
        """The chat the call addressed, if any."""
        value = self.params.get("chat_id")
        return int(value) if value is not None else None

    @property
    def thread_id(self) -> int | None:
        """The forum topic (or private-chat thread) the call posted in, if any."""
        value = self.params.get("message_thread_id")
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
class ServerLimits:
    """The flood limits the server enforces, answering 429 when one is broken."""

    per_second: int = 30
    per_chat_per_second: int = 3  # Telegram lets a reply burst through
    per_group_per_minute: int = 20
    retry_after: int = 1
    # Sends with allow_paid_broadcast are counted apart, under their own overall limit.
    paid_per_second: int = 1000


@dataclass(frozen=True)
class Fault:
    """One failure to answer a send with: an HTTP error, a timeout, or a dropped connection.

    ``kind`` is "error" (``code``, ``description``, ``parameters``), "timeout" (the answer
    comes after ``delay`` seconds, too late; nothing is delivered), "drop" (the connection is
    closed with no answer; nothing is delivered) or "pass" (no fault: the send goes through,
    so that a fault can be aimed at a later send).
    """

    kind: str
    code: int = 500
    description: str = "Internal Server Error"
    parameters: dict[str, Any] | None = None
    delay: float = 0.0


@dataclass(frozen=True)
class Chat:
    """A chat the tests play from."""

    id: int
    type: str = "private"
    title: str | None = None
    is_forum: bool = False  # a supergroup with topics

    def as_json(self) -> dict[str, Any]:
        """The chat as the Bot API describes it."""
        data: dict[str, Any] = {"id": self.id, "type": self.type}
        if self.is_forum:
            data["is_forum"] = True
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
    # chat id → faults answered to that chat's next sends, one per send
    faults: dict[int, list[Fault]] = field(default_factory=dict)
    # chat id → the supergroup id it moved to: every send to the old id is refused with 400
    migrated: dict[int, int] = field(default_factory=dict)
    # Forum topics and private-chat threads: (chat, thread) closed or deleted take no posts.
    closed_threads: set[tuple[int, int]] = field(default_factory=set)
    deleted_threads: set[tuple[int, int]] = field(default_factory=set)
    # Whether the bot's owner turned on topics in private chats (getMe has_topics_enabled).
    topics_in_private: bool = False
    created_topics: dict[int, dict[int, str]] = field(default_factory=dict)  # chat → id → name
    limits: ServerLimits | None = None
    limit_violations: int = 0  # sends refused with 429 for breaking a limit
    broken_limits: list[str] = field(default_factory=list)  # which limit, for which chat
    chat_types: dict[int, str] = field(default_factory=dict)
    admins: dict[int, set[int]] = field(default_factory=dict)  # chat → administrators
    files: dict[str, bytes] = field(default_factory=dict)
    # Telegram's rules the bot broke: each such request was refused with a 400
    rule_breaks: list[str] = field(default_factory=list)
    # callback query id → how often the bot answered it (more than once is refused)
    answered: dict[str, int] = field(default_factory=dict)
    _asked: set[str] = field(default_factory=set)  # callback and inline query ids played
    _shown: dict[tuple[int, int], str] = field(default_factory=dict)  # what a message shows
    # what reached each chat, kept as calls come in so that looking it up costs nothing
    _delivered: dict[int, list[Call]] = field(default_factory=dict)
    _send_times: list[float] = field(default_factory=list)
    _paid_send_times: list[float] = field(default_factory=list)
    _chat_send_times: dict[int, list[float]] = field(default_factory=dict)
    _updates: list[dict[str, Any]] = field(default_factory=list)
    _update_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _message_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _changed: asyncio.Condition = field(default_factory=asyncio.Condition)
    _runner: web.AppRunner | None = None
    url: str = ""
    # What setWebhook set (None: the bot polls). With ``webhook_backends`` the server plays
    # the load balancer in front of several workers as well: each update goes to the next.
    webhook: dict[str, Any] | None = None
    webhook_backends: list[str] = field(default_factory=list)
    webhook_statuses: list[int] = field(default_factory=list)  # each post's HTTP status
    _backend_turn: itertools.count[int] = field(default_factory=itertools.count)
    _posting: set[asyncio.Task[None]] = field(default_factory=set)
    _client: aiohttp.ClientSession | None = None

    async def start(self) -> None:
        """Listen on a free port of 127.0.0.1."""
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_get("/file/bot{token}/documents/{file_id}", self._download)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}"

    async def stop(self) -> None:
        """Stop listening (and posting to the webhook)."""
        for task in self._posting:
            task.cancel()
        await asyncio.gather(*self._posting, return_exceptions=True)
        if self._client is not None:
            await self._client.close()
        if self._runner is not None:
            await self._runner.cleanup()

    # --- playing users -------------------------------------------------------------------

    async def send_text(
        self, chat: Chat, user: User, text: str, thread_id: int | None = None
    ) -> dict[str, Any]:
        """Queue a message from ``user`` in ``chat`` (in forum topic ``thread_id``, if given);
        commands get their entity."""
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": chat.as_json(),
            "from": user.as_json(),
            "text": text,
        }
        if thread_id is not None:
            message.update(message_thread_id=thread_id, is_topic_message=True)
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

    async def inline(self, user: User, query: str, offset: str = "") -> None:
        """Queue an inline query: ``user`` typed @bot ``query``."""
        data = {
            "id": str(next(self._update_ids)),
            "from": user.as_json(),
            "query": query,
            "offset": offset,
        }
        await self._push({"inline_query": data})

    async def change_membership(
        self, chat: Chat, by: User, new_status: str, *, can_post: bool = True
    ) -> None:
        """Queue a my_chat_member update: ``by`` changed the bot's status in ``chat``."""
        bot = dict(BOT_USER)
        new: dict[str, Any] = {"status": new_status, "user": bot}
        if new_status == "administrator":
            new = administrator(bot, can_post)
        elif new_status == "kicked":
            new["until_date"] = 0
        change = {
            "chat": chat.as_json(),
            "from": by.as_json(),
            "date": int(time.time()),
            "old_chat_member": {"status": "left", "user": bot},
            "new_chat_member": new,
        }
        await self._push({"my_chat_member": change})

    async def send_document(self, chat: Chat, user: User, name: str, data: bytes) -> None:
        """Queue a message carrying a file."""
        file_id = f"file{len(self.files) + 1}"
        self.files[file_id] = data
        message = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": chat.as_json(),
            "from": user.as_json(),
            "document": {
                "file_id": file_id,
                "file_unique_id": file_id,
                "file_name": name,
                "file_size": len(data),
            },
        }
        await self._push({"message": message})

    async def topic_event(self, chat: Chat, user: User, thread_id: int, event: str) -> None:
        """Queue the service message of a forum topic's ``event``: forum_topic_closed …"""
        message = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": chat.as_json(),
            "from": user.as_json(),
            "message_thread_id": thread_id,
            "is_topic_message": True,
            event: {},
        }
        await self._push({"message": message})

    async def push(self, payload: dict[str, Any]) -> None:
        """Queue any update: ``{"channel_post": …}``, ``{"edited_message": …}`` …"""
        await self._push(payload)

    def next_message_id(self) -> int:
        """A fresh message id, for updates built by hand."""
        return next(self._message_ids)

    async def _push(self, payload: dict[str, Any]) -> None:
        for kind in ("callback_query", "inline_query"):
            if kind in payload:
                self._asked.add(str(payload[kind]["id"]))
        update = {"update_id": next(self._update_ids), **payload}
        if self.webhook is not None:
            task = asyncio.create_task(self._post_to_webhook(update))
            self._posting.add(task)
            task.add_done_callback(self._posting.discard)
            return
        async with self._changed:
            self._updates.append(update)
            self._changed.notify_all()

    async def _post_to_webhook(self, update: dict[str, Any]) -> None:
        """Post an update as Telegram does, with the secret; again on a failure, a few times."""
        assert self.webhook is not None
        if self._client is None:
            self._client = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5))
        secret = str(self.webhook.get("secret_token", ""))
        for attempt in range(_WEBHOOK_ATTEMPTS):
            try:
                async with self._client.post(
                    self._webhook_target(),
                    json=update,
                    headers={"X-Telegram-Bot-Api-Secret-Token": secret},
                ) as response:
                    self.webhook_statuses.append(response.status)
                    if response.status < 500:
                        return
            except (aiohttp.ClientError, TimeoutError):
                self.webhook_statuses.append(0)
            await asyncio.sleep(0.05 * 2**attempt)

    def _webhook_target(self) -> str:
        """The webhook's URL, or the next worker's behind the load balancer."""
        assert self.webhook is not None
        url = str(self.webhook["url"])
        if not self.webhook_backends:
            return url
        backend = self.webhook_backends[next(self._backend_turn) % len(self.webhook_backends)]
        return backend.rstrip("/") + (urlsplit(url).path or "/")

    def pending_updates(self) -> int:
        """Updates the bot has not yet confirmed by asking past them."""
        return len(self._updates)

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
            return await self._get_updates(params)
        problem = await self._problem(request, method, params)
        if problem is not None:
            return problem
        refusal = self.refuse_chats.get(int(params.get("chat_id", 0) or 0))
        try:
            result = refusal or handler(params)
        except _Refused as refused:
            refusal = result = (refused.code, refused.description)
        await self._record(Call(method, params, result))
        if refusal is not None:
            return _error(*refusal)
        return web.json_response({"ok": True, "result": result})

    async def _get_updates(self, params: dict[str, Any]) -> web.Response:
        if self.webhook is not None:
            return _error(409, "Conflict: can't use getUpdates method while webhook is active")
        return web.json_response({"ok": True, "result": await self._api_getUpdates(params)})

    async def _problem(
        self, request: web.Request, method: str, params: dict[str, Any]
    ) -> web.Response | None:
        """The refusal a request gets for a broken rule, a fault, a migration or a limit."""
        refused = self._broken_rule(method, params) or self._unchanged_edit(method, params)
        if refused is not None:
            await self._record(Call(method, params, "refused"))
            return _error(400, f"Bad Request: {refused}")
        if method == "sendMessage":
            return await self._send_problem(request, params)
        return None

    def _broken_rule(self, method: str, params: dict[str, Any]) -> str | None:
        """Why Telegram would refuse this request with a 400, if it would."""
        problems = problems_of(method, params)
        if method in ("answerCallbackQuery", "answerInlineQuery"):
            problems += self._answer_problems(method, params)
        if problems:
            self.rule_breaks.extend(f"{method}: {problem}" for problem in problems)
            return problems[0]
        return None

    def _unchanged_edit(self, method: str, params: dict[str, Any]) -> str | None:
        """Telegram refuses an edit that would leave the message as it is: not a broken rule,
        but a refusal the bot must take in its stride."""
        if method != "editMessageText" or "chat_id" not in params:
            return None
        key = (int(params["chat_id"]), int(params["message_id"]))
        return "message is not modified" if self._shown.get(key) == _showing(params) else None

    def _answer_problems(self, method: str, params: dict[str, Any]) -> list[str]:
        query_id = str(params.get("callback_query_id", params.get("inline_query_id", "")))
        if query_id not in self._asked:
            return [f"query {query_id!r} was never asked"]
        if method == "answerCallbackQuery":
            self.answered[query_id] = self.answered.get(query_id, 0) + 1
            if self.answered[query_id] > 1:
                return [f"query {query_id!r} answered {self.answered[query_id]} times"]
        return []

    async def _record(self, call: Call) -> None:
        async with self._changed:
            self.calls.append(call)
            if call.method == "sendMessage" and isinstance(call.result, dict):
                self._delivered.setdefault(int(call.params["chat_id"]), []).append(call)
            self._changed.notify_all()

    def delivered(self, chat_id: int | None = None) -> list[Call]:
        """The messages that reached a chat, or every chat (refused and failed sends left out)."""
        if chat_id is not None:
            return list(self._delivered.get(chat_id, []))
        return sorted((c for calls in self._delivered.values() for c in calls), key=lambda c: c.at)

    def served_chats(self) -> int:
        """How many chats have received at least one message."""
        return len(self._delivered)

    async def _send_problem(
        self, request: web.Request, params: dict[str, Any]
    ) -> web.Response | None:
        """The refusal this send gets, if any: an injected fault, a migration, a limit."""
        chat_id = int(params.get("chat_id", 0) or 0)
        queued = self.faults.get(chat_id)
        if queued and queued[0].kind == "pass":
            queued.pop(0)
        elif queued:
            return await self._fault(request, params, queued.pop(0))
        thread = (chat_id, int(params.get("message_thread_id", 0) or 0))
        if thread in self.closed_threads | self.deleted_threads:
            await self._record(Call("sendMessage", params, "thread"))
            closed = thread in self.closed_threads
            why = "TOPIC_CLOSED" if closed else "message thread not found"
            return _error(400, f"Bad Request: {why}")
        if chat_id in self.migrated:
            await self._record(Call("sendMessage", params, "migrated"))
            return _error(
                400,
                "Bad Request: group chat was upgraded to a supergroup chat",
                {"migrate_to_chat_id": self.migrated[chat_id]},
            )
        paid = str(params.get("allow_paid_broadcast", "")).lower() == "true"
        if self.limits is not None and not self._within_limits(chat_id, paid):
            self.limit_violations += 1
            await self._record(Call("sendMessage", params, "429"))
            return _error(
                429,
                f"Too Many Requests: retry after {self.limits.retry_after}",
                {"retry_after": self.limits.retry_after},
            )
        return None

    async def _fault(
        self, request: web.Request, params: dict[str, Any], fault: Fault
    ) -> web.Response:
        await self._record(Call("sendMessage", params, f"fault:{fault.kind}"))
        if fault.kind == "timeout":
            await asyncio.sleep(fault.delay)
            return _error(504, "Gateway Timeout")
        if fault.kind == "drop":
            if request.transport is not None:
                request.transport.close()
            return web.Response(status=500)
        return _error(fault.code, fault.description, fault.parameters)

    def _within_limits(self, chat_id: int, paid: bool = False) -> bool:
        """Record a send, unless it breaks a limit (then it is refused and not recorded)."""
        assert self.limits is not None
        now = time.monotonic()
        overall = self._paid_send_times if paid else self._send_times
        while overall and overall[0] <= now - 1:
            overall.pop(0)
        overall_limit = self.limits.paid_per_second if paid else self.limits.per_second
        mine = [t for t in self._chat_send_times.get(chat_id, []) if t > now - 60]
        group = self.chat_types.get(chat_id, "private" if chat_id > 0 else "supergroup")
        broken_by = [
            name
            for name, broken in (
                ("overall", len(overall) >= overall_limit),
                ("chat", len([t for t in mine if t > now - 1]) >= self.limits.per_chat_per_second),
                ("group", group != "private" and len(mine) >= self.limits.per_group_per_minute),
            )
            if broken
        ]
        self.broken_limits.extend(f"{name}:{chat_id}" for name in broken_by)
        broken = bool(broken_by)
        if not broken:
            overall.append(now)
            mine.append(now)
        self._chat_send_times[chat_id] = mine
        return not broken

    async def _download(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return _error(401, "Unauthorized")
        data = self.files.get(request.match_info["file_id"])
        return web.Response(body=data) if data is not None else _error(404, "Not Found")

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
        return {**BOT_USER, "has_topics_enabled": self.topics_in_private}

    def _api_createForumTopic(self, params: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        chat_id = int(params["chat_id"])
        if chat_id > 0 and not self.topics_in_private:
            raise _Refused(400, "Bad Request: the bot has no topics in private chats")
        thread_id = next(self._message_ids)
        self.created_topics.setdefault(chat_id, {})[thread_id] = str(params["name"])
        return {"message_thread_id": thread_id, "name": params["name"], "icon_color": 7322096}

    def _api_sendMessage(self, params: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        return self._message(params, next(self._message_ids))

    def _api_editMessageText(self, params: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        return self._message(params, int(params["message_id"]))

    def _message(self, params: dict[str, Any], message_id: int) -> dict[str, Any]:
        chat_id = int(params["chat_id"])
        self._shown[(chat_id, message_id)] = _showing(params)
        message: dict[str, Any] = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup"},
            "from": BOT_USER,
            "text": params.get("text", ""),
        }
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        if params.get("message_thread_id"):
            message.update(
                message_thread_id=int(params["message_thread_id"]), is_topic_message=True
            )
        return message

    def _api_getChatMember(self, params: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        chat_id, user_id = int(params["chat_id"]), int(params["user_id"])
        user = {"id": user_id, "is_bot": False, "first_name": "Member"}
        if user_id not in self.admins.get(chat_id, set()):
            return {"status": "member", "user": user}
        return administrator(user)

    def _api_getFile(self, params: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        file_id = str(params["file_id"])
        return {
            "file_id": file_id,
            "file_unique_id": file_id,
            "file_size": len(self.files[file_id]),
            "file_path": f"documents/{file_id}",
        }

    def _api_answerCallbackQuery(self, _params: dict[str, Any]) -> bool:  # noqa: N802
        return True

    def _api_setMyCommands(self, _params: dict[str, Any]) -> bool:  # noqa: N802
        return True

    def _api_answerInlineQuery(self, _params: dict[str, Any]) -> bool:  # noqa: N802
        return True

    def _api_setMyDescription(self, _params: dict[str, Any]) -> bool:  # noqa: N802
        return True

    def _api_setMyShortDescription(self, _params: dict[str, Any]) -> bool:  # noqa: N802
        return True

    def _api_deleteWebhook(self, _params: dict[str, Any]) -> bool:  # noqa: N802
        self.webhook = None
        return True

    def _api_setWebhook(self, params: dict[str, Any]) -> bool:  # noqa: N802
        self.webhook = dict(params)
        return True


class _Refused(Exception):  # noqa: N818 - not an error of the tests: Telegram's refusal
    """A method's own refusal, answered as Telegram's error."""

    def __init__(self, code: int, description: str) -> None:
        super().__init__(description)
        self.code, self.description = code, description


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


def _showing(params: dict[str, Any]) -> str:
    """What a sent or edited message shows: its text and its buttons."""
    return json.dumps([params.get("text"), params.get("reply_markup")], sort_keys=True)


def _error(code: int, description: str, parameters: dict[str, Any] | None = None) -> web.Response:
    body: dict[str, Any] = {"ok": False, "error_code": code, "description": description}
    if parameters:
        body["parameters"] = parameters
    return web.json_response(body, status=code)


def administrator(user: dict[str, Any], can_post: bool = True) -> dict[str, Any]:
    """A ChatMemberAdministrator as the Bot API describes one."""
    rights = [
        "can_be_edited", "is_anonymous", "can_manage_chat", "can_delete_messages",
        "can_manage_video_chats", "can_restrict_members", "can_promote_members",
        "can_change_info", "can_invite_users", "can_post_stories", "can_edit_stories",
        "can_delete_stories",
    ]  # fmt: skip
    member: dict[str, Any] = {"status": "administrator", "user": user}
    member.update(dict.fromkeys(rights, False))
    member["can_post_messages"] = can_post
    return member


async def start_bot_process(
    api: FakeBotApi, token: str, folder: Path, **settings: str
) -> asyncio.subprocess.Process:
    """``python -m bot`` as a child process pointed at ``api``, its data and log in ``folder``.

    The database is folder/bot.sqlite3 and the seeds folder/seeds; ``settings`` add or
    override environment settings (RATE_PER_SECOND="50" …). The log is appended to
    folder/bot.log.
    """
    env = {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(_PROJECT_ROOT),
        "PTB_TIMEDELTA": "true",
        "BOT_TOKEN": token,
        "BOT_API_URL": api.url,
        "DATABASE_PATH": str(folder / "bot.sqlite3"),
        "SEEDS_DIR": str(folder / "seeds"),
        "SEEDS_SCAN_SECONDS": "0",
        "HTTP_LISTEN": "127.0.0.1:0",
        **settings,
    }
    with (folder / "bot.log").open("ab") as log:
        return await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", cwd=folder, env=env, stdout=log, stderr=log
        )
