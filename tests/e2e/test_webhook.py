"""Webhook mode: Telegram posts updates to the worker, with its secret; health and metrics."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import aiohttp
import asyncpg
import pytest

from bot.__main__ import main
from bot.serve.webhook import SECRET_HEADER
from content.parser import parse_file
from tests.support.fake_bot_api import Chat, FakeBotApi, User
from tests.support.harness import (
    SEED,
    TOKEN,
    WEBHOOK_SECRET,
    WEBHOOK_URL,
    bot_running,
    make_settings,
    settings_for,
    webhook_settings,
)
from tests.support.postgres import fresh_database

SECRET, PUBLIC_URL = WEBHOOK_SECRET, WEBHOOK_URL
READER = User(812, "Ayşe")
PRIVATE = Chat(READER.id)
STRANGER = Chat(666)


@pytest.mark.parametrize(
    "path", ["/tele%20gram", "/%D8%A3%D8%AE%D8%A8%D8%A7%D8%B1/hook", "/hook/{token}", "/a%7Bb%7D"]
)
async def test_a_webhook_path_is_taken_literally_as_telegram_posts_it(
    api: FakeBotApi, tmp_path: Path, seeds_dir: Path, unused_tcp_port: int, path: str
) -> None:
    api.webhook_backends.append(f"http://127.0.0.1:{unused_tcp_port}")
    settings = settings_for(
        api,
        tmp_path,
        seeds_dir,
        webhook_url=f"https://news.example{path}",
        webhook_listen=f"127.0.0.1:{unused_tcp_port}",
        webhook_secret=SECRET,
    )
    async with bot_running(settings):
        await api.send_text(PRIVATE, READER, "/summary")
        await api.wait_for_calls("sendMessage", PRIVATE.id, 1)
        async with http() as session:
            other = f"http://127.0.0.1:{unused_tcp_port}/hook/other"
            async with session.post(other, headers={SECRET_HEADER: SECRET}, json={}) as answer:
                assert answer.status == 404  # a pattern would have taken it
    assert api.webhook_statuses == [200]


@asynccontextmanager
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    """A client for talking to the worker directly, as a stranger or a load balancer would."""
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5)) as session:
        yield session


def update_of(chat: Chat, text: str, update_id: int = 10_000) -> dict[str, Any]:
    """A message update, as Telegram would post it."""
    return {
        "update_id": update_id,
        "message": {
            "message_id": 1,
            "date": 1_800_000_000,
            "chat": chat.as_json(),
            "from": User(chat.id).as_json(),
            "text": text,
            "entities": [
                {"type": "bot_command", "offset": 0, "length": len(text.split(maxsplit=1)[0])}
            ],
        },
    }


async def test_updates_arrive_by_webhook_with_its_secret(
    api: FakeBotApi, tmp_path: Path, seeds_dir: Path, unused_tcp_port: int
) -> None:
    settings = webhook_settings(api, tmp_path, seeds_dir, unused_tcp_port)
    async with bot_running(settings):
        assert api.webhook is not None
        assert api.webhook["url"] == PUBLIC_URL
        assert api.webhook["secret_token"] == SECRET
        assert int(api.webhook["max_connections"]) == 40
        assert {"message", "callback_query", "my_chat_member"} <= set(
            api.webhook["allowed_updates"]
        )
        await api.send_text(PRIVATE, READER, "/summary")
        (summary,) = await api.wait_for_calls("sendMessage", PRIVATE.id, 1)
        assert parse_file(SEED).bullets[0][:20] in summary.text
    assert api.webhook_statuses == [200]
    # The other workers still serve: stopping one never takes the webhook down.
    assert api.webhook is not None
    assert api.calls_to("deleteWebhook") == []


async def test_a_request_without_the_secret_is_refused_and_not_handled(
    api: FakeBotApi, tmp_path: Path, seeds_dir: Path, unused_tcp_port: int
) -> None:
    settings = webhook_settings(api, tmp_path, seeds_dir, unused_tcp_port)
    hook = f"http://127.0.0.1:{unused_tcp_port}/telegram/hook"
    forged = update_of(STRANGER, "/summary")
    async with bot_running(settings), http() as client:
        for headers in ({}, {"X-Telegram-Bot-Api-Secret-Token": "guess"}):
            async with client.post(hook, json=forged, headers=headers) as response:
                assert response.status == 403
        right = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
        for body in (b"not json", b"[1, 2]", b'{"update_id": "x"}'):
            async with client.post(hook, data=body, headers=right) as response:
                assert response.status == 400
        async with client.get(f"http://127.0.0.1:{unused_tcp_port}/telegram/other") as response:
            assert response.status in (404, 405)
        # Updates after them are handled as ever, and the forged one never was.
        await api.send_text(PRIVATE, READER, "/summary")
        await api.wait_for_calls("sendMessage", PRIVATE.id, 1)
    assert api.calls_to("sendMessage", STRANGER.id) == []


def _message(**fields: Any) -> dict[str, Any]:
    """A private message to the bot with ``fields`` changed (None: left out)."""
    message = update_of(PRIVATE, "/summary")["message"] | fields
    return {key: value for key, value in message.items() if value is not None}


MALFORMED = {
    "a message that is a string": b'{"update_id": 7, "message": "x"}',
    "nested past reason": b'{"update_id": 7, "message": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
    "NaN": b'{"update_id": 7, "message": {"message_id": NaN}}',
    "a date past the calendar": json.dumps({"update_id": 7, "message": _message(date=10**20)}),
    "a message from no chat": json.dumps({"update_id": 7, "message": _message(chat=None)}),
    "a negative update id": json.dumps({"update_id": -7, "message": _message()}),
    "a thread id past 64 bits": json.dumps(
        {"update_id": 7, "message": _message(message_thread_id=2**63, is_topic_message=True)}
    ),
    "a negative thread id": json.dumps(
        {"update_id": 7, "message": _message(message_thread_id=-5, is_topic_message=True)}
    ),
    "a press from nobody": json.dumps(
        {"update_id": 7, "callback_query": {"id": "1", "chat_instance": "c", "data": "x"}}
    ),
}


async def test_a_malformed_body_with_the_secret_gets_400_once_and_changes_nothing(
    api: FakeBotApi,
    tmp_path: Path,
    seeds_dir: Path,
    unused_tcp_port: int,
    caplog: pytest.LogCaptureFixture,
) -> None:
    settings = webhook_settings(api, tmp_path, seeds_dir, unused_tcp_port)
    hook = f"http://127.0.0.1:{unused_tcp_port}/telegram/hook"
    right = {SECRET_HEADER: SECRET, "Content-Type": "application/json"}
    async with bot_running(settings), http() as client:
        for name, body in MALFORMED.items():
            caplog.clear()
            async with client.post(hook, data=body, headers=right) as response:
                assert response.status == 400, name
            assert len(caplog.records) == 1, name
            assert caplog.records[0].exc_info is None, name  # one line, no traceback
        await api.send_text(PRIVATE, READER, "/summary")
        await api.wait_for_calls("sendMessage", PRIVATE.id, 1)
    assert len(api.calls_to("sendMessage", PRIVATE.id)) == 1


async def test_an_update_posted_again_is_handled_once(
    api: FakeBotApi, tmp_path: Path, seeds_dir: Path, unused_tcp_port: int
) -> None:
    settings = webhook_settings(api, tmp_path, seeds_dir, unused_tcp_port)
    hook = f"http://127.0.0.1:{unused_tcp_port}/telegram/hook"
    right = {SECRET_HEADER: SECRET}
    async with bot_running(settings), http() as client:
        for _ in range(3):  # the load balancer timed out, so Telegram posts it again
            repeat = update_of(PRIVATE, "/summary", 7001)
            async with client.post(hook, json=repeat, headers=right) as answer:
                assert answer.status == 200
        fresh = update_of(PRIVATE, "/sections", 7002)
        async with client.post(hook, json=fresh, headers=right) as answer:
            assert answer.status == 200
        await api.wait_for_calls("sendMessage", PRIVATE.id, 2)
        await asyncio.sleep(0.3)  # time for a repeat to be answered, were it handled
    assert len(api.calls_to("sendMessage", PRIVATE.id)) == 2


def metric(page: str, name: str) -> float:
    """The value of one series of a Prometheus text page."""
    match = re.search(rf"^{re.escape(name)} (\S+)$", page, re.MULTILINE)
    assert match is not None, f"{name} is not on the page"
    return float(match[1])


async def test_health_and_metrics_are_served_beside_the_updates(
    api: FakeBotApi, tmp_path: Path, seeds_dir: Path, unused_tcp_port: int
) -> None:
    settings = webhook_settings(api, tmp_path, seeds_dir, unused_tcp_port)
    base = f"http://127.0.0.1:{unused_tcp_port}"
    async with bot_running(settings), http() as client:
        for text in ("/summary", "/sections"):
            await api.send_text(PRIVATE, READER, text)
        await api.wait_for_calls("sendMessage", PRIVATE.id, 2)
        async with client.get(f"{base}/healthz") as response:
            assert response.status == 200
        async with client.get(f"{base}/metrics") as response:
            assert response.status == 200
            assert response.content_type == "text/plain"
            page = await response.text()
    assert metric(page, "mojaz_updates_handled_total") == 2
    assert metric(page, 'mojaz_messages_sent_total{kind="reply"}') == 2
    assert metric(page, 'mojaz_send_seconds_count{kind="reply"}') == 2
    assert metric(page, 'mojaz_deliveries{state="queued"}') == 0
    assert metric(page, "mojaz_outbox_queue_depth") == 0
    assert metric(page, "mojaz_workers") == 1


async def test_health_follows_the_database(
    api: FakeBotApi,
    tmp_path: Path,
    seeds_dir: Path,
    unused_tcp_port: int,
    postgres_server: Any,
) -> None:
    healthz = f"http://127.0.0.1:{unused_tcp_port}/healthz"
    async with fresh_database(postgres_server) as url:
        name = urlsplit(url).path.lstrip("/")
        settings = webhook_settings(api, tmp_path, seeds_dir, unused_tcp_port, database_url=url)
        admin = await asyncpg.connect(postgres_server.get_uri())
        try:
            async with bot_running(settings), http() as client:
                async with client.get(healthz) as response:
                    assert response.status == 200
                await admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
                await admin.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1",
                    name,
                )
                async with client.get(healthz) as response:
                    assert response.status == 503  # the load balancer routes around it
                await admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
                for _ in range(50):  # the pool reconnects on the next request
                    async with client.get(healthz) as response:
                        if response.status == 200:
                            break
                    await asyncio.sleep(0.1)
                assert response.status == 200
        finally:
            await admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
            await admin.close()


def test_webhook_mode_needs_its_secret(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(ValueError, match="WEBHOOK_SECRET is required"):
        make_settings(webhook_url=PUBLIC_URL)
    with pytest.raises(ValueError, match="may hold only"):
        make_settings(webhook_url=PUBLIC_URL, webhook_secret="has spaces")
    with pytest.raises(ValueError, match="https://"):
        make_settings(webhook_url="http://news.example/hook", webhook_secret=SECRET)
    with pytest.raises(ValueError, match="host:port"):
        make_settings(webhook_listen="8080")
    assert make_settings(webhook_url="").webhook() is None
    monkeypatch.chdir(tmp_path)  # no .env here
    monkeypatch.setenv("BOT_TOKEN", TOKEN)
    monkeypatch.setenv("WEBHOOK_URL", PUBLIC_URL)
    monkeypatch.delenv("WEBHOOK_SECRET", raising=False)
    assert main([]) == 2
    assert "WEBHOOK_SECRET is required" in capsys.readouterr().err


async def test_a_cms_publishes_on_the_webhooks_listener_and_readers_get_it(
    api: FakeBotApi, tmp_path: Path, seeds_dir: Path, unused_tcp_port: int
) -> None:
    token = "a-cms-token-long-enough"
    settings = webhook_settings(api, tmp_path, seeds_dir, unused_tcp_port, api_token=token)
    endpoint = f"http://127.0.0.1:{unused_tcp_port}/api/articles"
    post = {"title": "خبر من نظام النشر", "text": "أعلنت تركيا عن اتفاق جديد مع جيرانها.\n",
            "url": "https://news.example/cms/1"}  # fmt: skip
    async with bot_running(settings), http() as client:
        await api.send_text(PRIVATE, READER, "/subscribe")
        await api.wait_for_calls("sendMessage", PRIVATE.id, 1)
        async with client.post(endpoint, json=post) as response:
            assert response.status == 401
        headers = {"Authorization": f"Bearer {token}"}
        async with client.post(endpoint, json=post, headers=headers) as response:
            answer = await response.json()
            assert response.status == 200, answer
        assert answer["outcome"] == "added"
        await api.wait_for(
            lambda _: any("خبر من نظام النشر" in c.text for c in api.delivered(READER.id))
        )
