"""python-telegram-bot's HTTP requests made with aiohttp rather than httpx.

At broadcast rates the HTTP client is most of a send's cost: measured against the fake Bot
API server (bench/scale_out.py), httpx's connection pool spends more time per request the
more connections it holds, while aiohttp's stays flat. python-telegram-bot lets a bot bring
its own ``BaseRequest``; this is one, with the same timeouts and the same errors (TimedOut,
NetworkError) as the built-in one, so nothing above it can tell the difference.

An error never carries the request's URL: it holds the bot's token.
"""

from __future__ import annotations

import aiohttp
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

_DEFAULT_TIMEOUT = 5.0
_MEDIA_WRITE_TIMEOUT = 20.0


class AiohttpRequest(BaseRequest):
    """One aiohttp session with up to ``connections`` connections to the Bot API."""

    def __init__(
        self,
        connections: int = 16,
        read_timeout: float | None = _DEFAULT_TIMEOUT,
        connect_timeout: float | None = _DEFAULT_TIMEOUT,
        pool_timeout: float | None = 1.0,
    ) -> None:
        self._connections = connections
        self._read_timeout = read_timeout
        self._connect_timeout = connect_timeout
        self._pool_timeout = pool_timeout
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        """The read timeout used when a call gives none."""
        return self._read_timeout

    async def initialize(self) -> None:
        """Open the session (again, after a shutdown)."""
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=self._connections, ttl_dns_cache=300)
            self._session = aiohttp.ClientSession(
                connector=connector, headers={"User-Agent": self.USER_AGENT}
            )

    async def shutdown(self) -> None:
        """Close the session and its connections."""
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def do_request(  # noqa: PLR0913, PLR0917 - BaseRequest's signature
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: object = BaseRequest.DEFAULT_NONE,  # a float, None, or DEFAULT_NONE
        write_timeout: object = BaseRequest.DEFAULT_NONE,
        connect_timeout: object = BaseRequest.DEFAULT_NONE,
        pool_timeout: object = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """Make the request; its HTTP status and body."""
        if self._session is None or self._session.closed:
            raise RuntimeError("AiohttpRequest is not initialized")
        has_files = request_data is not None and request_data.contains_files
        write = _given(write_timeout, _MEDIA_WRITE_TIMEOUT if has_files else _DEFAULT_TIMEOUT)
        read = _given(read_timeout, self._read_timeout)
        timeout = aiohttp.ClientTimeout(
            # aiohttp has no write timeout: sending counts towards the whole request's.
            total=None if read is None or write is None else read + write,
            connect=_given(pool_timeout, self._pool_timeout),
            sock_connect=_given(connect_timeout, self._connect_timeout),
            sock_read=read,
        )
        try:
            async with self._session.request(
                method, url, data=_body(request_data), timeout=timeout
            ) as response:
                return response.status, await response.read()
        except TimeoutError as error:
            raise TimedOut from error
        except aiohttp.ClientError as error:
            # The class name only: aiohttp's messages may quote the URL, and with it the token.
            raise NetworkError(f"aiohttp.{type(error).__name__}") from error


def _given(value: object, default: float | None) -> float | None:
    """A timeout passed to a call, or ``default`` when the call passed none."""
    if isinstance(value, int | float) or value is None:
        return None if value is None else float(value)
    return default


def _body(request_data: RequestData | None) -> aiohttp.FormData | dict[str, str] | None:
    """The form the Bot API takes: fields, and files as multipart parts when there are any."""
    if request_data is None:
        return None
    if not request_data.contains_files:
        return request_data.json_parameters
    form = aiohttp.FormData()
    for name, value in request_data.json_parameters.items():
        form.add_field(name, value)
    for name, part in request_data.multipart_data.items():
        filename, content, *mime = part
        form.add_field(name, content, filename=filename, content_type=mime[0] if mime else None)
    return form
