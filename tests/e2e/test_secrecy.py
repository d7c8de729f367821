"""The bot token never reaches the logs, not even through a logged URL or a traceback."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.app import build_application
from bot.logs import REDACTED, setup_logging
from bot.runner import running
from tests.support.fake_bot_api import Chat, FakeBotApi, User
from tests.support.harness import TOKEN, settings_for

READER = User(777)
CHAT = Chat(READER.id)
BROKEN_CHAT = Chat(778)


@pytest.fixture
def log_stream() -> Iterator[io.StringIO]:
    """Everything the bot logs, at DEBUG, through its own logging set-up."""
    root = logging.getLogger()
    saved_handlers, saved_level = list(root.handlers), root.level
    stream = io.StringIO()
    setup_logging("DEBUG", [TOKEN], stream)
    yield stream
    for handler in list(root.handlers):
        root.removeHandler(handler)
    for handler in saved_handlers:
        root.addHandler(handler)
    root.setLevel(saved_level)


async def test_token_is_absent_from_everything_logged(
    api: FakeBotApi, tmp_path: Path, seeds_dir: Path, log_stream: io.StringIO
) -> None:
    api.refuse_chats[BROKEN_CHAT.id] = (400, "Bad Request: chat not found")
    app = build_application(settings_for(api, tmp_path, seeds_dir), TOKEN)
    async with running(app, poll_timeout=1):
        await api.send_text(CHAT, READER, "/summary")
        await api.send_text(BROKEN_CHAT, READER, "/iran")
        await api.wait_for_calls("sendMessage", CHAT.id, 1)
        await api.wait_for(lambda _: "caused an error" in log_stream.getvalue())
    logged = log_stream.getvalue()
    assert TOKEN not in logged
    assert TOKEN.split(":")[1] not in logged
    assert "Set Bot API URL" in logged  # python-telegram-bot logs its URL, token and all …
    assert REDACTED in logged  # … and the token in them was blanked out
    assert "Traceback" in logged  # the failing update's traceback went through it too
