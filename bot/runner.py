"""Running the Application until asked to stop: the one path used in production and tests."""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import AsyncIterator

from telegram import Update

from bot.app import MojazApp
from bot.serve.http import Listener

# Long polling: Telegram holds getUpdates open this many seconds when there is nothing new.
POLL_TIMEOUT = 30


@contextlib.asynccontextmanager
async def running(
    app: MojazApp, poll_timeout: int = POLL_TIMEOUT, listener: Listener | None = None
) -> AsyncIterator[MojazApp]:
    """Initialise, start up, and poll or take the webhook's updates, with the worker's HTTP
    listener if it has one; on exit stop taking updates before the Application stops, so
    that none is accepted and then dropped."""
    await app.initialize()
    try:
        if app.post_init is not None:
            await app.post_init(app)
        if listener is None or not listener.takes_updates:
            if app.updater is None:
                raise RuntimeError("the Application was built without an Updater")
            await app.updater.start_polling(timeout=poll_timeout, allowed_updates=Update.ALL_TYPES)
        await app.start()
        if listener is not None:
            await listener.start()
        yield app
    finally:
        if listener is not None:
            await listener.stop()
        if app.updater is not None and app.updater.running:
            await app.updater.stop()
        if app.running:
            await app.stop()
            if app.post_stop is not None:
                await app.post_stop(app)
        await app.shutdown()
        if app.post_shutdown is not None:
            await app.post_shutdown(app)


async def run_until_signalled(app: MojazApp, listener: Listener | None = None) -> None:
    """Serve until SIGINT or SIGTERM."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    async with running(app, listener=listener):
        await stop.wait()
