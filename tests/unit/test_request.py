"""The aiohttp requests python-telegram-bot makes: the errors it expects, and no token in them."""

from __future__ import annotations

import asyncio

import pytest
from aiohttp import web
from telegram import Bot
from telegram.error import NetworkError, TimedOut

from bot.transport.request import AiohttpRequest
from tests.support.harness import TOKEN


async def test_a_refused_connection_is_a_network_error_without_the_token(
    unused_tcp_port: int,
) -> None:
    request = AiohttpRequest(2)
    await request.initialize()
    try:
        with pytest.raises(NetworkError) as raised:
            await request.post(f"http://127.0.0.1:{unused_tcp_port}/bot{TOKEN}/getMe")
    finally:
        await request.shutdown()
    assert TOKEN not in str(raised.value)
    assert "aiohttp" in str(raised.value)


async def test_a_slow_answer_is_a_timeout_and_files_go_as_multipart() -> None:
    seen: dict[str, str] = {}

    async def slow(_request: web.Request) -> web.Response:
        await asyncio.sleep(1)
        return web.json_response({"ok": True, "result": True})

    async def upload(request: web.Request) -> web.Response:
        form = await request.post()
        seen.update({key: str(getattr(value, "filename", value)) for key, value in form.items()})
        return web.json_response({"ok": True, "result": {"message_id": 1, "date": 0,
                                  "chat": {"id": 5, "type": "private"}}})  # fmt: skip

    server = web.Application()
    server.router.add_post("/bot{token}/getMe", slow)
    server.router.add_post("/bot{token}/sendDocument", upload)
    runner = web.AppRunner(server)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    request = AiohttpRequest(2)
    bot = Bot(TOKEN, base_url=f"http://127.0.0.1:{port}/bot", request=request)
    await request.initialize()
    try:
        with pytest.raises(TimedOut):
            await request.post(f"http://127.0.0.1:{port}/bot{TOKEN}/getMe", read_timeout=0.2)
        await bot.send_document(5, b"article text", filename="kazan.txt", caption="seed")
    finally:
        await request.shutdown()
        await runner.cleanup()
    assert seen == {"chat_id": "5", "caption": "seed", "document": "kazan.txt"}
