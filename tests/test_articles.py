"""Several articles: /articles switches what a chat reads; topics point to other articles."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.app import MojazApp
from content.parser import parse_file
from tests.conftest import ROOT, bot_running, settings_for
from tests.fake_bot_api import Call, Chat, FakeBotApi, User

READER = User(321)
CHAT = Chat(READER.id)
EGYPT = ROOT / "seeds" / "2024-03-egypt-imf-loan.ar.txt"


@pytest.fixture
async def bot(api: FakeBotApi, tmp_path: Path, seeds_dir: Path) -> AsyncIterator[MojazApp]:
    """The bot with the BRICS seed and the Egypt article (older by its file name)."""
    shutil.copy(EGYPT, seeds_dir / EGYPT.name)
    async with bot_running(settings_for(api, tmp_path, seeds_dir)) as app:
        yield app


async def ask(api: FakeBotApi, text: str) -> Call:
    before = len(api.calls_to("sendMessage", CHAT.id))
    await api.send_text(CHAT, READER, text)
    return (await api.wait_for_calls("sendMessage", CHAT.id, before + 1))[before]


async def press(api: FakeBotApi, call: Call, data: str, edits: int) -> Call:
    await api.press(READER, call.result, data)
    return (await api.wait_for_calls("editMessageText", CHAT.id, edits))[-1]


@pytest.mark.usefixtures("bot")
async def test_choosing_an_article_changes_what_the_chat_reads(api: FakeBotApi) -> None:
    egypt = parse_file(EGYPT)
    listing = await ask(api, "/articles")
    titles = [b["text"] for b in listing.buttons()]
    assert titles == ["قمة بوتين", egypt.title]  # newest first
    assert egypt.bullets[0] not in (await ask(api, "/summary")).text

    chosen = await press(api, listing, listing.buttons()[1]["callback_data"], 1)
    assert egypt.title in chosen.text
    assert egypt.bullets[0] in (await ask(api, "/summary")).text

    usa = await ask(api, "/usa")  # the Egypt article names the United States once …
    assert "الولايات المتحدة" in usa.text
    earlier = [b for b in usa.buttons() if b["text"].startswith("📰")]
    assert [b["text"] for b in earlier] == ["📰 قمة بوتين"]  # … and so does the BRICS one
    brics_usa = await press(api, usa, earlier[0]["callback_data"], 2)
    assert "قمة بوتين" in brics_usa.text
    assert "للولايات المتحدة" in brics_usa.text


@pytest.mark.usefixtures("bot")
async def test_another_chat_still_reads_the_newest(api: FakeBotApi) -> None:
    listing = await ask(api, "/articles")
    await press(api, listing, listing.buttons()[1]["callback_data"], 1)
    other = User(654)
    await api.send_text(Chat(other.id), other, "/summary")
    (reply,) = await api.wait_for_calls("sendMessage", other.id, 1)
    assert "قمة بوتين" in reply.text
