"""Running the Application until asked to stop: the one path used in production and tests."""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import AsyncIterator

from telegram import Update

from bot.app import MojazApp

# Long polling: Telegram holds getUpdates open this many seconds when there is nothing new.
POLL_TIMEOUT = 30


@contextlib.asynccontextmanager
async def running(app: MojazApp, poll_timeout: int = POLL_TIMEOUT) -> AsyncIterator[MojazApp]:
    """Initialise, start up and poll; on exit stop polling, stop, shut down, in that order."""
    await app.initialize()
    try:
        if app.post_init is not None:
            await app.post_init(app)
        if app.updater is None:
            raise RuntimeError("the Application was built without an Updater")
        await app.updater.start_polling(timeout=poll_timeout, allowed_updates=Update.ALL_TYPES)
        await app.start()
        yield app
    finally:
        if app.updater is not None and app.updater.running:
            await app.updater.stop()
        if app.running:
            await app.stop()
            if app.post_stop is not None:
                await app.post_stop(app)
        await app.shutdown()
        if app.post_shutdown is not None:
            await app.post_shutdown(app)


async def run_until_signalled(app: MojazApp) -> None:
    """Serve until SIGINT or SIGTERM."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    async with running(app):
        await stop.wait()
