"""The bot on PostgreSQL (DATABASE_URL): the same conversation and pushes as on SQLite."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import pytest

from bot.__main__ import run
from content.parser import parse_file
from tests.support.articles import write_article
from tests.support.fake_bot_api import Chat, FakeBotApi, User
from tests.support.harness import (
    FAST_OUTBOX,
    SEED,
    TOKEN,
    bot_running,
    make_settings,
    settings_for,
)
from tests.support.postgres import fresh_database

READER = User(611, "Lucía")
PRIVATE = Chat(READER.id)
URUGUAY_NEWS = (
    "montevideo-port",
    "ميناء مونتيفيديو",
    "وقّعت الأوروغواي اتفاقاً لتوسعة ميناء مونتيفيديو.",
)


async def test_the_bot_reads_subscribes_and_pushes_on_postgres(
    api: FakeBotApi, tmp_path: Path, seeds_dir: Path, postgres_server: Any
) -> None:
    async with fresh_database(postgres_server) as url:
        settings = settings_for(api, tmp_path, seeds_dir, database_url=url, **FAST_OUTBOX)
        assert not settings.database_path.exists()
        async with bot_running(settings):
            await api.send_text(PRIVATE, READER, "/summary")
            (summary,) = await api.wait_for_calls("sendMessage", PRIVATE.id, 1)
            assert parse_file(SEED).bullets[0][:20] in summary.text
            await api.send_text(PRIVATE, READER, "/subscribe uruguay")
            await api.wait_for_calls("sendMessage", PRIVATE.id, 2)
            write_article(seeds_dir, *URUGUAY_NEWS)
            pushed = await api.wait_for_calls("sendMessage", PRIVATE.id, 3)
            assert "مونتيفيديو" in pushed[2].text
        assert not settings.database_path.exists()  # nothing went to SQLite


@pytest.mark.parametrize(
    "form",
    [
        "mojaz:s3cret-pw@{host}/news",
        "mojaz@{host}/news?password=s3cret-pw",
        "mojaz:s3cret%2Dpw@{host}/news",
        "mojaz@{host}/news?sslmode=disable&password=s3cret%2dpw",
    ],
)
def test_an_unreachable_database_is_named_without_its_password(
    capsys: pytest.CaptureFixture[str], unused_tcp_port: int, form: str
) -> None:
    url = "postgresql://" + form.format(host=f"127.0.0.1:{unused_tcp_port}")
    settings = make_settings(bot_token=TOKEN, database_url=url)
    args = argparse.Namespace(command="ingest", files=[str(SEED)], console=False, lang="ar")
    assert run(args, settings, TOKEN) == 1
    error = capsys.readouterr().err
    assert f"127.0.0.1:{unused_tcp_port}/news" in error
    assert "s3cret-pw" not in error


def test_database_url_must_be_postgres() -> None:
    with pytest.raises(ValueError, match="postgresql://"):
        make_settings(database_url="mysql://x@127.0.0.1/db")
    assert make_settings(database_url="").database_url is None
