"""Fetching safely: against a local site the test starts on 127.0.0.1, never the internet."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from aiohttp import web

from content.sources.fetch import Fetcher, FetchRefusedError, refused_address

BIG = b"x" * 5000


async def _site() -> web.Application:
    app = web.Application()

    async def page(_request: web.Request) -> web.Response:
        return web.Response(
            body="مرحبا".encode("cp1256"),
            content_type="text/html",
            charset="windows-1256",
            headers={"ETag": '"v1"'},
        )

    async def conditional(request: web.Request) -> web.Response:
        if request.headers.get("If-None-Match") == '"v1"':
            return web.Response(status=304)
        return web.Response(text="new", headers={"ETag": '"v1"'})

    async def loop(_request: web.Request) -> web.Response:
        raise web.HTTPFound("/loop")

    async def hop(_request: web.Request) -> web.Response:
        raise web.HTTPFound("/page")

    async def to_metadata(_request: web.Request) -> web.Response:
        raise web.HTTPFound("http://169.254.169.254/latest/meta-data/")

    async def to_file(_request: web.Request) -> web.Response:
        raise web.HTTPFound("file:///etc/passwd")

    async def big(_request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse()  # no Content-Length: the cap is read, not trusted
        await response.prepare(_request)
        for _ in range(5):
            await response.write(BIG[:1000])
        return response

    async def slow(_request: web.Request) -> web.Response:
        await asyncio.sleep(2)
        return web.Response(text="late")

    async def busy(_request: web.Request) -> web.Response:
        return web.Response(status=429, headers={"Retry-After": "30"})

    for path, handler in (("/page", page), ("/conditional", conditional), ("/loop", loop),
                          ("/hop", hop), ("/to-file", to_file), ("/to-metadata", to_metadata),
                          ("/big", big), ("/slow", slow), ("/busy", busy)):  # fmt: skip
        app.router.add_get(path, handler)
    return app


@pytest.fixture
async def site() -> AsyncIterator[str]:
    runner = web.AppRunner(await _site())
    await runner.setup()
    server = web.TCPSite(runner, "127.0.0.1", 0)
    await server.start()
    port = runner.addresses[0][1]
    yield f"http://127.0.0.1:{port}"
    await runner.cleanup()


@pytest.fixture
async def fetcher() -> AsyncIterator[Fetcher]:
    fetching = Fetcher(max_bytes=4000, allow_private=True, read_seconds=0.5, per_host_seconds=0)
    yield fetching
    await fetching.close()


async def test_a_page_comes_with_its_charset_and_validators(fetcher: Fetcher, site: str) -> None:
    page = await fetcher.get(f"{site}/hop")  # one redirect, followed
    assert page.url == f"{site}/page"
    assert page.body.decode(page.charset) == "مرحبا"
    assert page.etag == '"v1"'


async def test_a_conditional_get_finds_nothing_new(fetcher: Fetcher, site: str) -> None:
    assert (await fetcher.get(f"{site}/conditional", etag='"v1"')).status == 304


async def test_a_busy_server_says_when_to_come_back(fetcher: Fetcher, site: str) -> None:
    busy = await fetcher.get(f"{site}/busy")
    assert (busy.status, busy.retry_after) == (429, 30.0)


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/loop", "more than 5 redirects"),
        ("/to-file", "only http and https"),
        ("/big", "over the limit of 4,000 bytes"),
        ("/slow", "no answer in time"),
    ],
)
async def test_what_is_not_fetched_says_why(
    fetcher: Fetcher, site: str, path: str, reason: str
) -> None:
    with pytest.raises(FetchRefusedError, match=reason):
        await fetcher.get(site + path)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/x",
        "http://localhost:9/x",
        "http://[::1]:9/x",
        "http://[::ffff:127.0.0.1]:9/x",
        "http://10.0.0.1/x",
        "http://169.254.169.254/latest/meta-data/",
        "http://0.0.0.0/x",
    ],
)
async def test_no_request_reaches_our_own_network(url: str) -> None:
    guarded = Fetcher(max_bytes=1000, connect_seconds=0.5)
    try:
        with pytest.raises(FetchRefusedError, match="address"):
            await guarded.get(url)
    finally:
        await guarded.close()


async def test_a_redirect_into_our_network_is_refused(site: str) -> None:
    """The test site is trusted only to serve the redirect: every hop is checked again."""
    guarded = Fetcher(max_bytes=1000, connect_seconds=0.5, trusted=frozenset({"127.0.0.1"}))
    try:
        assert (await guarded.get(f"{site}/page")).status == 200  # trusted, so fetched
        with pytest.raises(FetchRefusedError, match=r"169\.254\.169\.254 is a link-local address"):
            await guarded.get(f"{site}/to-metadata")
    finally:
        await guarded.close()


@pytest.mark.parametrize(
    ("address", "kind"),
    [("127.0.0.1", "loopback"), ("192.168.1.1", "private"), ("fe80::1", "link-local"),
     ("224.0.0.1", "multicast"), ("::ffff:10.1.2.3", "private"), ("93.184.216.34", "")],
)  # fmt: skip
def test_addresses_are_judged_by_kind(address: str, kind: str) -> None:
    assert (kind in refused_address(address)) if kind else refused_address(address) == ""
