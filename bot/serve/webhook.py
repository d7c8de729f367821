"""Webhook mode: Telegram posts each update to this worker, behind any load balancer.

The server also answers ``GET /healthz`` (200 while the store answers, 503 when it does not,
for the load balancer to route around a worker) and ``GET /metrics`` (Prometheus).

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
from typing import Any
from urllib.parse import unquote, urlsplit

from aiohttp import web
from telegram import Bot, Update

from bot.serve.metrics import CONTENT_TYPE

logger = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a header's name
# An update is a few kilobytes; a body larger than this is not one.
_MAX_BODY = 1 << 20
_HEALTH_SECONDS = 2.0


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

    def __init__(
        self,
        settings: WebhookSettings,
        bot: Bot,
        update_queue: asyncio.Queue[object],
        health: Callable[[], Awaitable[bool]],
        metrics: Callable[[], Awaitable[bytes]],
    ) -> None:
        self._settings = settings
        self._bot = bot
        self._queue = update_queue
        self._health = health
        self._metrics = metrics
        self._runner: web.AppRunner | None = None
        self.port = settings.port  # the port bound, once started (0 asks for a free one)

    async def start(self) -> None:
        """Listen, then tell Telegram where to post (so no update arrives before we can)."""
        server = web.Application(client_max_size=_MAX_BODY)
        # A plain resource: ``{…}`` in the path is text to match, not a pattern.
        updates = web.PlainResource(self._settings.path)
        server.router.register_resource(updates)
        updates.add_route("POST", self._update)
        server.router.add_get("/healthz", self._healthz)
        server.router.add_get("/metrics", self._metrics_page)
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
            data = json.loads(await request.read())
            update = _update_from(data, self._bot)
        except (ValueError, TypeError, KeyError) as error:
            # Telegram would send it again and again: answer, but say what was wrong.
            logger.warning("Dropped a webhook request that is not an update: %s", error)
            return web.Response(status=400, text="not an update")
        await self._queue.put(update)
        return web.Response(text="ok")

    async def _healthz(self, _request: web.Request) -> web.Response:
        try:
            healthy = await asyncio.wait_for(self._health(), _HEALTH_SECONDS)
        except Exception as error:  # noqa: BLE001 - whatever the store raises, it is down
            logger.warning("Health check failed: %s", error)
            healthy = False
        if healthy:
            return web.Response(text="ok")
        return web.Response(status=503, text="the store does not answer")

    async def _metrics_page(self, _request: web.Request) -> web.Response:
        try:
            body = await self._metrics()
        except Exception as error:  # noqa: BLE001 - the store is down: say so, do not crash
            logger.warning("Could not read the metrics: %s", error)
            return web.Response(status=503, text="the store does not answer")
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE})


def _update_from(data: Any, bot: Bot) -> Update:
    if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
        raise ValueError("no update_id")
    update = Update.de_json(data, bot)
    if update is None:
        raise ValueError("empty update")
    return update
