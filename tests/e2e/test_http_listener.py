"""A polling worker's own listener (HTTP_LISTEN): health, metrics and the publishing API, as a
webhook worker serves them on the webhook's listener."""

from __future__ import annotations

import logging
import socket
from pathlib import Path

import pytest

from bot.app import build_worker
from tests.e2e.test_webhook import http, metric
from tests.support.fake_bot_api import Chat, FakeBotApi, User
from tests.support.harness import TOKEN, bot_running, make_settings, settings_for

READER = User(813, "Nour")
PRIVATE = Chat(READER.id)
API_TOKEN = "a-cms-token-long-enough"


async def test_a_polling_worker_serves_health_metrics_and_the_api(
    api: FakeBotApi, tmp_path: Path, seeds_dir: Path, unused_tcp_port: int
) -> None:
    base = f"http://127.0.0.1:{unused_tcp_port}"
    settings = settings_for(
        api, tmp_path, seeds_dir, http_listen=f"127.0.0.1:{unused_tcp_port}", api_token=API_TOKEN
    )
    post = {"title": "خبر من نظام النشر", "text": "أعلنت تشيلي عن اتفاق جديد مع جيرانها.\n",
            "url": "https://news.example/cms/2"}  # fmt: skip
    async with bot_running(settings), http() as client:
        await api.send_text(PRIVATE, READER, "/subscribe")
        await api.wait_for_calls("sendMessage", PRIVATE.id, 1)
        async with client.get(f"{base}/healthz") as response:
            assert response.status == 200
        headers = {"Authorization": f"Bearer {API_TOKEN}"}
        async with client.post(f"{base}/api/articles", json=post, headers=headers) as response:
            answer = await response.json()
            assert response.status == 200, answer
        await api.wait_for(
            lambda _: any("خبر من نظام النشر" in c.text for c in api.delivered(READER.id))
        )
        async with client.get(f"{base}/metrics") as response:
            page = await response.text()
    assert answer["outcome"] == "added"
    assert metric(page, "mojaz_updates_handled_total") == 1
    assert metric(page, 'mojaz_messages_sent_total{kind="push"}') == 1


async def test_a_taken_port_is_logged_and_readers_are_still_served(
    api: FakeBotApi,
    tmp_path: Path,
    seeds_dir: Path,
    unused_tcp_port: int,
    caplog: pytest.LogCaptureFixture,
) -> None:
    settings = settings_for(api, tmp_path, seeds_dir, http_listen=f"127.0.0.1:{unused_tcp_port}")
    with socket.socket() as taken, caplog.at_level(logging.ERROR, "bot.serve.http"):
        taken.bind(("127.0.0.1", unused_tcp_port))
        taken.listen()
        async with bot_running(settings):
            await api.send_text(PRIVATE, READER, "/summary")
            (reply,) = await api.wait_for_calls("sendMessage", PRIVATE.id, 1)
    assert "•" in reply.text
    (logged,) = [r.getMessage() for r in caplog.records if r.name == "bot.serve.http"]
    assert f"cannot listen on 127.0.0.1:{unused_tcp_port}" in logged


async def test_an_empty_http_listen_serves_nothing(api: FakeBotApi, tmp_path: Path) -> None:
    settings = settings_for(api, tmp_path, tmp_path, http_listen="")
    assert build_worker(settings, TOKEN)[1] is None
    with pytest.raises(ValueError, match="HTTP_LISTEN must be host:port"):
        make_settings(http_listen="8080")
    assert make_settings(http_listen="[::1]:0").http_address() == ("::1", 0)
