"""The entry point, the settings and the offline console."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.console import run_console
from content.parser import parse_file
from tests.support.harness import ROOT, SEED, make_settings, no_file_to_read
from tests.support.news_site import article_page, rss

ARTICLE = parse_file(SEED)


def clean_env(**extra: str) -> dict[str, str]:
    """An environment without any Mojaz setting the developer may have exported."""
    keep = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG", "SYSTEMROOT"}}
    return {**keep, "PYTHONIOENCODING": "utf-8", **extra}


def run_bot(
    args: list[str], tmp_path: Path, stdin: str = "", **env: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=tmp_path,
        env=clean_env(PYTHONPATH=str(ROOT), **env),
        timeout=60,
        check=False,
    )


def test_without_a_token_it_says_what_to_do(tmp_path: Path) -> None:
    result = run_bot([], tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "BOT_TOKEN" in lines[0]
    assert "--console" in lines[0]


def test_console_answers_piped_input(tmp_path: Path) -> None:
    result = run_bot(
        ["--console"],
        tmp_path,
        stdin="/iran\n",
        SEEDS_DIR=str(ROOT / "seeds"),
        DATABASE_PATH=str(tmp_path / "console.sqlite3"),
    )
    assert result.returncode == 0, result.stderr
    assert ARTICLE.sections[3].paragraphs[0] in result.stdout
    assert "<b>" not in result.stdout  # HTML is shown as plain text


def test_console_reads_the_folders_the_command_line_names(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    database = tmp_path / "try" / "quick.sqlite3"
    result = run_bot(
        ["--console", "--seeds", str(ROOT / "seeds"), "--database", str(database)],
        elsewhere,
        stdin="/iran\n",
    )
    assert result.returncode == 0, result.stderr
    assert ARTICLE.sections[3].paragraphs[0] in result.stdout
    assert database.is_file()
    shipped = len(list((ROOT / "seeds").glob("*.txt")))
    assert f"Articles: {shipped} file(s) in {ROOT / 'seeds'}" in result.stderr
    assert str(database) in result.stderr


def test_a_settings_error_names_the_setting_never_its_value(tmp_path: Path) -> None:
    result = run_bot(["--console"], tmp_path, DATABASE_URL="mysql://news:s3cret-pw@db/news")
    assert result.returncode == 2
    assert "DATABASE_URL" in result.stderr
    assert "s3cret-pw" not in result.stderr


@pytest.mark.parametrize("kind", ["fifo", "folder", "device", "huge"])
def test_an_env_file_that_is_no_file_is_refused_with_its_reason(tmp_path: Path, kind: str) -> None:
    no_file_to_read(tmp_path / ".env", kind, size=2 << 20)
    result = run_bot(["--console"], tmp_path, stdin="/start\n")
    assert result.returncode == 2
    assert ".env" in result.stderr
    reason = "over the limit" if kind == "huge" else "not a regular file"
    assert reason in result.stderr
    assert "Traceback" not in result.stderr


def test_console_says_when_it_finds_no_articles(tmp_path: Path) -> None:
    result = run_bot(["--console"], tmp_path, stdin="/start\n")
    assert result.returncode == 0, result.stderr
    assert f"Articles: {tmp_path / 'seeds'} (no such folder)" in result.stderr
    assert "--seeds DIR" in result.stderr


def test_ingest_command_stores_files_and_reports_bad_ones(tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_text("فقرة.\nأبرز النقاط:\n", encoding="utf-8")  # a summary without bullets
    database = tmp_path / "cli.sqlite3"
    result = run_bot(["ingest", str(SEED), str(bad)], tmp_path, DATABASE_PATH=str(database))
    assert result.returncode == 1
    assert f"{SEED}: added (brics-kazan-summit-ar)" in result.stdout
    # A file from outside the seeds folder is copied in, so no restart can undo it.
    assert (tmp_path / "seeds" / SEED.name).read_bytes() == SEED.read_bytes()
    assert not (tmp_path / "seeds" / bad.name).exists()
    assert f"{bad}:2: the summary heading «أبرز النقاط:» has no bullets" in result.stderr
    again = run_bot(["ingest", str(SEED)], tmp_path, DATABASE_PATH=str(database))
    assert again.returncode == 0
    assert "unchanged" in again.stdout


async def test_console_presses_buttons(tmp_path: Path) -> None:
    settings = make_settings(
        seeds_dir=ROOT / "seeds",
        database_path=tmp_path / "console.sqlite3",
    )
    out = io.StringIO()
    lines = "/start\n:press الأقسام\n:press إيران والصين\n:press السابق\n:press غير موجود\n"
    await run_console(settings, io.StringIO(lines), out)
    shown = out.getvalue()
    assert "[📝 الخلاصة] [📑 الأقسام] [🌍 المواضيع]" in shown
    assert "[المقدمة]" in shown
    assert f"✎ {ARTICLE.title}\n{ARTICLE.sections[3].heading}" in shown
    assert f"✎ {ARTICLE.title}\n{ARTICLE.sections[2].heading}" in shown
    assert "no button «غير موجود»" in shown


def test_admin_ids_accept_commas_and_spaces() -> None:
    settings = make_settings(admin_ids="1, 2 3")
    assert settings.admin_ids == {1, 2, 3}


def test_a_lease_shorter_than_two_send_timeouts_is_refused() -> None:
    with pytest.raises(ValidationError, match="OUTBOX_LEASE_SECONDS must be at least twice"):
        make_settings(outbox_lease_seconds=15, outbox_timeout_seconds=10)
    assert make_settings(outbox_lease_seconds=20, outbox_timeout_seconds=10).outbox().lease == 20


def test_an_unknown_log_level_is_refused() -> None:
    with pytest.raises(ValidationError, match="log level"):
        make_settings(log_level="LOUD")


@pytest.mark.parametrize(
    ("url", "base", "files"),
    [
        (None, "https://api.telegram.org/bot", "https://api.telegram.org/file/bot"),
        ("http://127.0.0.1:8081", "http://127.0.0.1:8081/bot", "http://127.0.0.1:8081/file/bot"),
        ("http://h:1/bot/", "http://h:1/bot", "http://h:1/file/bot"),
        ("http://h/bot{token}/x", "http://h/bot{token}/x", "http://h/file/bot{token}/x"),
    ],
)
def test_bot_api_url(url: str | None, base: str, files: str) -> None:
    settings = make_settings(bot_api_url=url)
    assert settings.api_base_url() == base
    assert settings.api_file_url() == files


def test_the_token_is_secret_in_settings() -> None:
    settings = make_settings(bot_token="1:very-secret")
    assert "very-secret" not in repr(settings)
    assert "very-secret" not in str(settings.model_dump())


@pytest.mark.parametrize("command", [["ingest", str(SEED)], ["--console"]])
@pytest.mark.parametrize("kind", ["folder", "not a database"])
def test_a_database_that_cannot_be_opened_is_named_not_traced(
    tmp_path: Path, command: list[str], kind: str
) -> None:
    database = tmp_path / "mojaz.sqlite3"
    if kind == "folder":
        database.mkdir()
    else:
        database.write_bytes(b"this is not SQLite" * 100)
    result = run_bot(command, tmp_path, stdin="/start\n", DATABASE_PATH=str(database))
    assert result.returncode == 1
    assert f"cannot open the database {database}" in result.stderr
    assert "Traceback" not in result.stderr


def test_check_previews_and_stores_nothing_and_withdraw_takes_an_article_down(
    tmp_path: Path,
) -> None:
    database = tmp_path / "cli.sqlite3"
    bad = tmp_path / "bad.txt"
    bad.write_text("فقرة.\nأبرز النقاط:\n", encoding="utf-8")
    checked = run_bot(["check", str(SEED), str(bad)], tmp_path, DATABASE_PATH=str(database))
    assert checked.returncode == 1  # one file is rejected
    assert f"✓ {SEED}" in checked.stdout
    assert "summary:   6 bullet(s), the editor's: قمة بوتين" in checked.stdout
    assert f"✗ {bad}:2: the summary heading" in checked.stdout
    assert not database.exists()  # nothing stored
    run_bot(["ingest", str(SEED)], tmp_path, DATABASE_PATH=str(database))
    gone = run_bot(["withdraw", "brics-kazan-summit-ar"], tmp_path, DATABASE_PATH=str(database))
    assert gone.returncode == 0, gone.stderr
    assert "brics-kazan-summit-ar: withdrawn" in gone.stdout
    assert not (tmp_path / "seeds" / SEED.name).exists()
    assert (tmp_path / "seeds" / ".withdrawn" / SEED.name).exists()
    again = run_bot(["withdraw", "brics-kazan-summit-ar"], tmp_path, DATABASE_PATH=str(database))
    assert again.returncode == 1
    assert "no article has this id" in again.stderr


@contextmanager
def threaded_site(routes: dict[str, tuple[str, str]]) -> Iterator[str]:
    """A news site on 127.0.0.1 in a thread, for a bot running as a subprocess."""

    class Pages(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0]
            kind, text = routes.get(path, ("text/plain", ""))
            body = text.encode()
            self.send_response(200 if path in routes else 404)
            self.send_header("Content-Type", f"{kind}; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Pages)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_a_page_and_a_feed_are_checked_and_ingested_by_link(tmp_path: Path) -> None:
    routes = {
        "/news/cop": ("text/html", article_page()),
        "/feed": ("application/rss+xml", rss([("g1", "/news/cop", "")])),
    }
    database = tmp_path / "links.sqlite3"
    with threaded_site(routes) as site:
        routes["/feed"] = ("application/rss+xml", rss([("g1", f"{site}/news/cop", "")]))
        refused = run_bot(["check", f"{site}/news/cop"], tmp_path)
        assert refused.returncode == 1  # our own network, unless the operator allows it
        assert "127.0.0.1 is a loopback address" in refused.stdout
        allowed = {"FETCH_ALLOW_PRIVATE": "true", "DATABASE_PATH": str(database)}
        checked = run_bot(["check", f"{site}/news/cop"], tmp_path, **allowed)
        assert checked.returncode == 0, checked.stdout + checked.stderr
        assert "title:     قمة المناخ تنتهي باتفاق هش" in checked.stdout
        assert not database.exists()
        stored = run_bot(["ingest", f"{site}/feed"], tmp_path, **allowed)
        assert stored.returncode == 0, stored.stderr
        assert f"{site}/news/cop: added" in stored.stdout
        again = run_bot(["ingest", f"{site}/news/cop?utm_source=tg"], tmp_path, **allowed)
        assert "unchanged" in again.stdout  # the same story, the same file: never doubled
    seeds = [name for name in os.listdir(tmp_path / "seeds") if name.endswith(".txt")]
    assert len(seeds) == 1
