"""POST /api/articles: a CMS publishes, authenticated, idempotent by link, errors with lines."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.serve.api import PATH, add_publishing_api, publisher
from content.storage.sqlite.store import Store
from content.topics import Lexicon
from tests.support.news_site import article_body

TOKEN = "api-token-for-tests"
Api = tuple[TestClient[web.Request, web.Application], Store, Path]
BEARER = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
async def api(tmp_path: Path, lexicon: Lexicon) -> AsyncIterator[Api]:
    seeds = tmp_path / "seeds"
    async with await Store.open(tmp_path / "api.sqlite3", lexicon) as store:
        server = web.Application(client_max_size=20_000)
        add_publishing_api(server, TOKEN, publisher(lambda: store, seeds, 20_000, lambda: None))
        async with TestClient(TestServer(server)) as client:
            yield client, store, seeds


async def test_a_post_without_the_token_is_refused(api: Api) -> None:
    client, store, _ = api
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN}):
        response = await client.post(PATH, json={"text": "x"}, headers=headers)
        assert response.status == 401
    assert await store.article_count() == 0


async def test_a_posted_article_is_stored_and_reposting_its_link_replaces_it(
    api: Api,
) -> None:
    client, store, seeds = api
    post = {
        "title": "قمة المناخ تنتهي باتفاق هش",
        "html": article_body("قمة المناخ تنتهي باتفاق هش"),
        "url": "https://news.example/cop?utm_source=cms",
        "author": "سارة المنصوري",
        "published": "2025-03-12",
    }
    response = await client.post(PATH, json=post, headers=BEARER)
    answer = await response.json()
    assert response.status == 200, answer
    assert answer["outcome"] == "added"
    assert answer["article"]["title"] == post["title"]
    assert answer["article"]["url"] == "https://news.example/cop"
    assert answer["article"]["summary"] == "automatic"
    assert [s["heading"] for s in answer["article"]["sections"]] == ["خلفية الأزمة"]
    again = await client.post(PATH, json={**post, "author": "محمد علي"}, headers=BEARER)
    assert (await again.json())["outcome"] == "replaced"
    assert await store.article_count() == 1
    assert len(list(seeds.glob("*.txt"))) == 1


async def test_a_post_that_is_no_article_says_why_with_its_line(
    api: Api,
) -> None:
    client, store, _ = api
    bad = "فقرة.\nأبرز النقاط:\n".encode()
    response = await client.post(PATH, data=bad, headers={**BEARER, "Content-Type": "text/plain"})
    assert response.status == 422
    (error,) = (await response.json())["errors"]
    assert error["line"] == 2
    assert "has no bullets" in error["reason"]
    empty = await client.post(PATH, json={"title": "بلا نص"}, headers=BEARER)
    assert (await empty.json())["errors"][0]["reason"] == "an article needs html or text"
    huge = await client.post(PATH, data=b"x" * 30_000, headers=BEARER)
    assert huge.status == 413
    assert await store.article_count() == 0
