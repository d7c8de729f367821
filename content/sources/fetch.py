"""Fetching pages and feeds without being turned against our own network.

A URL can point anywhere, and a newsroom's feed is written by whoever controls it, so:

- only ``http`` and ``https``; at most MAX_REDIRECTS redirects, each checked as the first URL;
- every address a host name resolves to is checked *before* connecting, and the connection
  goes to a checked address (the resolver below is aiohttp's, so a name cannot resolve to a
  public address for the check and a private one for the connection): no private, loopback,
  link-local, multicast, reserved or unspecified address, IPv4-mapped IPv6 included, unless
  the operator allows them (``FETCH_ALLOW_PRIVATE``, for tests and intranets);
- a connect and a read timeout, and a size cap read as the body arrives, never trusted from
  ``Content-Length`` alone;
- conditional GET (``ETag``, ``Last-Modified``) and ``Retry-After`` handed back, and a polite
  pace per host.

Every refusal is a FetchRefusedError that says why, in words an operator can act on.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult

MAX_REDIRECTS = 5
CONNECT_SECONDS = 10.0
READ_SECONDS = 20.0
PER_HOST_SECONDS = 1.0  # at least this long between two requests to one host
_SCHEMES = frozenset({"http", "https"})
_CHUNK = 64 * 1024
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_USER_AGENT = "MojazBot/1.0 (+https://github.com/mojaz; a news briefing bot)"


class FetchRefusedError(Exception):
    """A URL that was not fetched, and why; ``kind`` names the reason for metrics: link,
    address, connect, timeout, status, size, redirects or http."""

    def __init__(self, message: str, kind: str = "http") -> None:
        super().__init__(message)
        self.kind = kind


@dataclass(frozen=True, slots=True)
class Fetched:
    """What a GET brought back."""

    url: str  # after redirects
    status: int  # 200, or 304 when a conditional GET found nothing new
    body: bytes = b""
    content_type: str = ""
    charset: str = ""
    etag: str = ""
    last_modified: str = ""
    retry_after: float | None = None  # seconds, from a 429 or 503


def refused_address(address: str) -> str:
    """Why ``address`` may not be fetched from ("" when it may)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    # The narrower kinds first: a link-local address is private too, and says less so.
    for kind, is_kind in (
        ("loopback", ip.is_loopback),
        ("link-local", ip.is_link_local),
        ("multicast", ip.is_multicast),
        ("unspecified", ip.is_unspecified),
        ("reserved", ip.is_reserved),
        ("private", ip.is_private),
    ):
        if is_kind:
            return f"{address} is a {kind} address"
    return ""


class GuardedResolver(AbstractResolver):
    """aiohttp's resolver, refusing the addresses :func:`refused_address` names."""

    def __init__(self, allow_private: bool, trusted: frozenset[str] = frozenset()) -> None:
        self._allow_private = allow_private
        self._trusted = trusted
        self._inner = aiohttp.ThreadedResolver()

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        found = await self._inner.resolve(host, port, family)
        if self._allow_private or host in self._trusted:
            return found
        reasons = [refused_address(result["host"]) for result in found]
        allowed = [result for result, reason in zip(found, reasons, strict=True) if not reason]
        if not allowed:
            raise FetchRefusedError(
                f"{host}: {reasons[0] if reasons else 'no address'}", "address"
            )
        return allowed

    async def close(self) -> None:
        await self._inner.close()


@dataclass
class Fetcher:
    """GETs pages and feeds under the rules above; one per process, closed when done."""

    max_bytes: int
    allow_private: bool = False
    # Hosts (names or addresses) of an intranet the operator trusts, allowed though private.
    trusted: frozenset[str] = frozenset()
    connect_seconds: float = CONNECT_SECONDS
    read_seconds: float = READ_SECONDS
    per_host_seconds: float = PER_HOST_SECONDS
    _session: aiohttp.ClientSession | None = None
    _last_at: dict[str, float] = field(default_factory=dict)
    _pace: asyncio.Lock = field(default_factory=asyncio.Lock)

    async def get(self, url: str, etag: str = "", last_modified: str = "") -> Fetched:
        """Fetch ``url``; FetchRefusedError says why it was not."""
        session = self._open()
        headers = {"User-Agent": _USER_AGENT, "Accept-Encoding": "gzip, deflate"}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        for _ in range(MAX_REDIRECTS + 1):
            _check_url(url, self.allow_private, self.trusted)
            await self._wait_turn(url)
            try:
                async with session.get(url, headers=headers, allow_redirects=False) as response:
                    if response.status in _REDIRECTS and "Location" in response.headers:
                        url = urljoin(url, response.headers["Location"])
                        continue
                    return await self._read(url, response)
            except FetchRefusedError:
                raise
            except aiohttp.ClientConnectorError as error:
                raise _connector_refusal(url, error) from None
            except TimeoutError:
                raise FetchRefusedError(f"{url}: no answer in time", "timeout") from None
            except aiohttp.ClientError as error:
                raise FetchRefusedError(f"{url}: {error.__class__.__name__}: {error}") from None
        raise FetchRefusedError(f"{url}: more than {MAX_REDIRECTS} redirects", "redirects")

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    def _open(self) -> aiohttp.ClientSession:
        if self._session is None:
            timeout = aiohttp.ClientTimeout(
                sock_connect=self.connect_seconds, sock_read=self.read_seconds
            )
            resolver = GuardedResolver(self.allow_private, self.trusted)
            connector = aiohttp.TCPConnector(resolver=resolver)
            self._session = aiohttp.ClientSession(timeout=timeout, connector=connector)
        return self._session

    async def _wait_turn(self, url: str) -> None:
        """At most one request to a host every per_host_seconds."""
        host = urlsplit(url).hostname or ""
        async with self._pace:
            wait = self._last_at.get(host, -1e9) + self.per_host_seconds - time.monotonic()
            self._last_at[host] = time.monotonic() + max(wait, 0.0)
        if wait > 0:
            await asyncio.sleep(wait)

    async def _read(self, url: str, response: aiohttp.ClientResponse) -> Fetched:
        headers = response.headers
        common: dict[str, Any] = {
            "url": url,
            "status": response.status,
            "etag": headers.get("ETag", ""),
            "last_modified": headers.get("Last-Modified", ""),
        }
        if response.status == 304:
            return Fetched(**common)
        if response.status in (429, 503):
            return Fetched(**common, retry_after=_seconds(headers.get("Retry-After", "")))
        if response.status != 200:
            raise FetchRefusedError(f"{url}: the server answered {response.status}", "status")
        declared = response.content_length
        if declared is not None and declared > self.max_bytes:
            raise FetchRefusedError(
                f"{url}: {declared:,} bytes, over the limit of {self.max_bytes:,}", "size"
            )
        body = bytearray()
        async for chunk in response.content.iter_chunked(_CHUNK):
            body += chunk
            if len(body) > self.max_bytes:
                raise FetchRefusedError(
                    f"{url}: over the limit of {self.max_bytes:,} bytes", "size"
                )
        return Fetched(
            **common,
            body=bytes(body),
            content_type=response.content_type,
            charset=response.charset or "",
        )


def _check_url(url: str, allow_private: bool, trusted: frozenset[str]) -> None:
    """Refuse a link that is not http(s), has no host or credentials, or names a refused
    address outright (an address is not resolved, so the resolver never sees it)."""
    parts = urlsplit(url)
    if parts.scheme not in _SCHEMES:
        raise FetchRefusedError(f"{url}: only http and https links are fetched", "link")
    if not parts.hostname:
        raise FetchRefusedError(f"{url}: no host in the link", "link")
    if parts.username or parts.password:
        raise FetchRefusedError(
            f"{url}: a link with a user name or password is not fetched", "link"
        )
    try:
        allowed = allow_private or parts.hostname in trusted
        reason = "" if allowed else refused_address(parts.hostname)
    except ValueError:
        return  # a name: the resolver checks what it resolves to
    if reason:
        raise FetchRefusedError(f"{url}: {reason}", "address")


def _connector_refusal(url: str, error: aiohttp.ClientConnectorError) -> FetchRefusedError:
    """The resolver's refusal, if that is why aiohttp could not connect; else the OS error."""
    cause = error.__cause__ or error.__context__
    if isinstance(cause, FetchRefusedError):
        return FetchRefusedError(f"{url}: {str(cause).split(': ', 1)[-1]}", cause.kind)
    return FetchRefusedError(f"{url}: cannot connect ({error.os_error})", "connect")


def _seconds(value: str) -> float | None:
    try:
        return max(0.0, float(value))
    except ValueError:
        return None
