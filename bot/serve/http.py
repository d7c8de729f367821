"""The worker's own HTTP routes beside Telegram's: ``GET /healthz`` (200 while the store
answers, 503 when it does not, for a load balancer or a supervisor to route around or restart
a worker), ``GET /metrics`` (Prometheus), and whatever else is turned on (the publishing API).

A webhook worker serves them on the webhook's listener. A polling worker has no listener of
its own for Telegram, so it serves them on ``HTTP_LISTEN`` with :class:`HttpListener`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Protocol

from aiohttp import web

from bot.serve.metrics import CONTENT_TYPE

logger = logging.getLogger(__name__)

Health = Callable[[], Awaitable[bool]]
Exposition = Callable[[], Awaitable[bytes]]
Routes = Callable[[web.Application], None]

# A request to these routes is small; the publishing API's body is capped by its own route.
MAX_BODY = 1 << 20
_HEALTH_SECONDS = 2.0


class Listener(Protocol):
    """A worker's HTTP server: started after the Application, stopped before it."""

    takes_updates: bool  # True for the webhook's: then nothing polls Telegram

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


def add_probes(server: web.Application, health: Health, metrics: Exposition) -> None:
    """Mount ``/healthz`` and ``/metrics`` on ``server``."""

    async def healthz(_request: web.Request) -> web.Response:
        try:
            healthy = await asyncio.wait_for(health(), _HEALTH_SECONDS)
        except Exception as error:  # noqa: BLE001 - whatever the store raises, it is down
            logger.warning("Health check failed: %s", error)
            healthy = False
        if healthy:
            return web.Response(text="ok")
        return web.Response(status=503, text="the store does not answer")

    async def metrics_page(_request: web.Request) -> web.Response:
        try:
            body = await metrics()
        except Exception as error:  # noqa: BLE001 - the store is down: say so, do not crash
            logger.warning("Could not read the metrics: %s", error)
            return web.Response(status=503, text="the store does not answer")
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE})

    server.router.add_get("/healthz", healthz)
    server.router.add_get("/metrics", metrics_page)


class HttpListener:
    """The probes and the extra routes of a polling worker, on ``host:port``."""

    takes_updates = False  # Telegram's updates come by polling, not here

    def __init__(
        self,
        host: str,
        port: int,
        health: Health,
        metrics: Exposition,
        routes: Routes | None,
        max_body: int = MAX_BODY,
    ) -> None:
        self._host = host
        self.port = port  # the port bound, once started (0 asks for a free one)
        self._health = health
        self._metrics = metrics
        self._routes = routes
        self._max_body = max_body
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        """Listen. A port already taken is logged, not fatal: readers are served without it."""
        server = web.Application(client_max_size=self._max_body)
        add_probes(server, self._health, self._metrics)
        if self._routes is not None:
            self._routes(server)
        runner = web.AppRunner(server, access_log=None)
        await runner.setup()
        try:
            await web.TCPSite(runner, self._host, self.port).start()
        except OSError as error:
            logger.error(
                "No /healthz, /metrics or API: cannot listen on %s:%d (%s); set HTTP_LISTEN",
                self._host, self.port, error.strerror or error,
            )  # fmt: skip
            await runner.cleanup()
            return
        self._runner = runner
        self.port = int(runner.addresses[0][1])
        logger.info("Serving /healthz and /metrics on %s:%d", self._host, self.port)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
