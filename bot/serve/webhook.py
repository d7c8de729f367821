"""Webhook mode: Telegram posts each update to this worker, behind any load balancer.

An update Telegram posts again (a load balancer timed out on it) is handled once, across
workers, within ``REPEAT_WINDOW_SECONDS``. The server also answers the probes
(bot.serve.http: ``/healthz`` for the load balancer to route around a worker, ``/metrics``)
and the publishing API where it is turned on.

Every worker calls ``setWebhook`` with the same public URL at start-up, and none deletes
it at stop: the others are still serving, and Telegram keeps undelivered updates for the
next worker to answer.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import unquote, urlsplit

from aiohttp import web
from telegram import Bot, Chat, MaybeInaccessibleMessage, Update

from bot.serve.http import MAX_BODY, Exposition, Health, Routes, add_probes
from content.models import MAX_THREAD_ID

logger = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a header's name
# How long an update's id is remembered as handled: Telegram re-posts within minutes.
REPEAT_WINDOW_SECONDS = 3600.0


@dataclass(frozen=True, slots=True)
class WebhookSettings:
    """Where Telegram posts (``url``), where this worker listens, and the shared secret."""

    url: str
    host: str
    port: int
    secret: str
    max_connections: int = 40

    @property
    def path(self) -> str:
        """The path of ``url``, decoded as the server sees requests (``/tele%20gram`` is
        ``/tele gram``): the one the server takes updates at, matched literally."""
        return unquote(urlsplit(self.url).path) or "/"


class WebhookServer:
    """An aiohttp server that hands Telegram's updates to the Application's queue."""

    takes_updates = True  # nothing polls beside it

    def __init__(
        self,
        settings: WebhookSettings,
        bot: Bot,
        update_queue: asyncio.Queue[object],
        health: Health,
        metrics: Exposition,
        first_sight: Callable[[int], Awaitable[bool]],
    ) -> None:
        self._settings = settings
        self._bot = bot
        self._queue = update_queue
        self._health = health
        self._metrics = metrics
        self._first_sight = first_sight
        # More routes on the same listener (the publishing API, where it is turned on).
        self.extra_routes: Routes | None = None
        self.max_body = MAX_BODY  # an update is a few kilobytes; the API may need more
        self._runner: web.AppRunner | None = None
        self.port = settings.port  # the port bound, once started (0 asks for a free one)

    async def start(self) -> None:
        """Listen, then tell Telegram where to post (so no update arrives before we can)."""
        server = web.Application(client_max_size=self.max_body)
        # A plain resource: ``{…}`` in the path is text to match, not a pattern.
        updates = web.PlainResource(self._settings.path)
        server.router.register_resource(updates)
        updates.add_route("POST", self._update)
        add_probes(server, self._health, self._metrics)
        if self.extra_routes is not None:
            self.extra_routes(server)
        self._runner = web.AppRunner(server, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self._settings.host, self._settings.port)
        await site.start()
        self.port = int(self._runner.addresses[0][1])
        await self._bot.set_webhook(
            self._settings.url,
            secret_token=self._settings.secret,
            allowed_updates=Update.ALL_TYPES,
            max_connections=self._settings.max_connections,
        )
        logger.info(
            "Taking updates at %s on %s:%d", self._settings.path, self._settings.host, self.port
        )

    async def stop(self) -> None:
        """Stop taking updates; the webhook stays set for the other workers."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _update(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, self._settings.secret.encode()):
            logger.warning("Refused a webhook request without the right secret")
            return web.Response(status=403, text="forbidden")
        try:
            update = update_from_body(await request.read(), self._bot)
        except MalformedUpdateError as error:
            # 400, not 500: Telegram retries a 5xx for good. One line, no traceback.
            logger.warning("Dropped a webhook request that is not an update: %s", error)
            return web.Response(status=400, text="not an update")
        if await self._seen_before(update.update_id):
            logger.info("Update %d was posted again: handled once already", update.update_id)
            return web.Response(text="ok")
        await self._queue.put(update)
        return web.Response(text="ok")

    async def _seen_before(self, update_id: int) -> bool:
        """Whether any worker took this update already; a store that does not answer is
        not a reason to drop an update, so then it is handled (at least once)."""
        try:
            return not await self._first_sight(update_id)
        except Exception as error:  # noqa: BLE001 - any store's failure: handle it anyway
            logger.warning("Could not check update %d against those handled: %s", update_id, error)
            return False


class MalformedUpdateError(ValueError):
    """A webhook body that is not a well-formed update."""


def update_from_body(body: bytes, bot: Bot) -> Update:
    """The update a webhook body holds; MalformedUpdateError for anything else, whatever is
    wrong with it (not JSON, NaN, nested past reason, a date past the calendar, a message
    from no chat, a thread id no chat can have)."""
    try:
        data = json.loads(body, parse_constant=_no_constant)
    except (ValueError, RecursionError) as error:
        raise MalformedUpdateError(f"not JSON: {str(error)[:80]}") from error
    if not isinstance(data, dict) or not _is_id(data.get("update_id")):
        raise MalformedUpdateError("no update_id")
    try:
        update = Update.de_json(data, bot)
    except Exception as error:
        raise MalformedUpdateError(f"{type(error).__name__}: {str(error)[:80]}") from error
    problem = _problem_of(update)
    if problem:
        raise MalformedUpdateError(problem)
    return update


def _no_constant(name: str) -> None:
    raise ValueError(f"{name} is not a number JSON allows")


def _is_id(value: object, largest: int = 2**63 - 1) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= largest


def _problem_of(update: Update) -> str | None:
    """What makes a decoded update one no handler could answer, or None."""
    messages: list[MaybeInaccessibleMessage | None] = [update.effective_message]
    if update.callback_query is not None:
        messages.append(update.callback_query.message)
        if update.callback_query.from_user is None:
            return "a button press from nobody"
    for message in messages:
        if message is None:
            continue
        if not isinstance(message.chat, Chat) or not isinstance(message.chat.id, int):
            return "a message from no chat"
        if not isinstance(message.date, datetime):
            return "a message with no date"
        thread = getattr(message, "message_thread_id", None)
        if thread is not None and not _is_id(thread, MAX_THREAD_ID):
            return f"a thread id no chat can have: {thread}"
    return None
