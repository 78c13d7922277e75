"""How the proxy reaches a service: a client sends one request and hands back an
:class:`Answer` to stream (ADR 0125).

Two clients. :class:`AiohttpClient` is what runs: aiohttp's pooled keep-alive client,
whose HTTP parser is C, at about a fifth of the CPU httpx and httpcore took for the
same request. :class:`HttpxClient` wraps any ``httpx.AsyncClient``: a test's
(``httpx.MockTransport``) or an in-process fleet's (``httpx.ASGITransport``), where
the services are not listening on sockets. Both say what went wrong in the same three
exceptions, so the retry policy and the circuit breakers (``agora_gateway.upstream``)
are one for both."""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

import aiohttp
import httpx
from yarl import URL

Body = bytes | AsyncIterator[bytes] | None


class ConnectFailure(Exception):
    """Nothing reached the service's application: no connection (refused, or none free
    in time), or a kept-alive connection the service had closed, which it hung up on
    without answering. Safe to send again while the body can be replayed."""

    def __init__(self, detail: str, *, timed_out: bool = False) -> None:
        super().__init__(detail)
        self.timed_out = timed_out


class ReadTimeout(Exception):
    """The service took the request and did not answer (or send more) in time."""


class ProtocolFailure(Exception):
    """The connection failed after the request went out, or the answer was not HTTP;
    also raised mid-body, when the headers have been relayed already."""


@dataclass(slots=True)
class Answer:
    """A service's answer, its body still to be read: ``body`` once, then ``close``."""

    status_code: int
    raw_headers: Sequence[tuple[bytes, bytes]]
    body: AsyncIterator[bytes]
    close: Callable[[], Awaitable[None]]

    def header(self, name: str) -> str | None:
        """The first value of the header ``name`` (lower case), if any."""
        wanted = name.encode("latin-1")
        for key, value in self.raw_headers:
            if key.lower() == wanted:
                return value.decode("latin-1")
        return None

    async def read(self, limit: int | None = None) -> bytes:
        """The body, whole or (past ``limit`` bytes) cut short, and the answer closed."""
        parts: list[bytes] = []
        size = 0
        try:
            async for chunk in self.body:
                parts.append(chunk)
                size += len(chunk)
                if limit is not None and size > limit:
                    break
        finally:
            await self.close()
        return b"".join(parts)


class UpstreamClient(Protocol):
    async def send(
        self,
        method: str,
        url: str,
        headers: list[tuple[str, str]],
        body: Body,
        *,
        read_timeout: float,
        connect_timeout: float,
    ) -> Answer:
        """The service's answer with its body unread; raises :class:`ConnectFailure`,
        :class:`ReadTimeout` or :class:`ProtocolFailure`."""
        ...

    async def aclose(self) -> None: ...


# aiohttp adds these when the caller did not send them; the service must see only the
# caller's own headers (and the gateway's forwarding ones).
_NOT_ADDED = frozenset({"User-Agent", "Accept", "Accept-Encoding", "Content-Type"})


class AiohttpClient:
    """aiohttp's client: keep-alive connections up to ``max_connections`` in all, each
    closed after ``keepalive_seconds`` idle; no cookies kept (the gateway calls for
    everyone), no redirects followed (the caller's to follow), bodies relayed as sent
    (not decompressed), no proxy from the environment, no DNS cache. The session is made
    on first use, inside the running loop."""

    def __init__(self, *, max_connections: int, keepalive_seconds: float) -> None:
        self._max_connections = max_connections
        self._keepalive_seconds = keepalive_seconds
        self._session: aiohttp.ClientSession | None = None

    def _open(self) -> aiohttp.ClientSession:
        if self._session is None:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(
                    limit=self._max_connections,
                    limit_per_host=0,
                    keepalive_timeout=self._keepalive_seconds,
                    # A service's name is resolved for each new connection: aiohttp's
                    # default 10 s cache kept a replaced pod's address after the name
                    # had moved, past the old pod's stop (a rolling update's 503s).
                    use_dns_cache=False,
                ),
                cookie_jar=aiohttp.DummyCookieJar(),
                auto_decompress=False,
                skip_auto_headers=_NOT_ADDED,
                trust_env=False,
            )
        return self._session

    async def send(
        self,
        method: str,
        url: str,
        headers: list[tuple[str, str]],
        body: Body,
        *,
        read_timeout: float,
        connect_timeout: float,
    ) -> Answer:
        timeout = _timeout(read_timeout, connect_timeout)
        try:
            response = await self._open().request(
                method,
                URL(url, encoded=True),  # the caller's path and query, byte for byte
                headers=headers,
                data=body,
                allow_redirects=False,
                timeout=timeout,
            )
        except aiohttp.ConnectionTimeoutError as exc:
            raise ConnectFailure(repr(exc), timed_out=True) from exc
        except (aiohttp.ClientConnectorError, aiohttp.ServerDisconnectedError) as exc:
            raise ConnectFailure(repr(exc)) from exc
        except TimeoutError as exc:  # aiohttp's socket read timeout is one too
            raise ReadTimeout(repr(exc)) from exc
        except aiohttp.ClientError as exc:
            raise ProtocolFailure(repr(exc)) from exc
        return Answer(response.status, response.raw_headers, _chunks(response), _release(response))

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None


@functools.cache
def _timeout(read: float, connect: float) -> aiohttp.ClientTimeout:
    """No limit on the whole exchange (a large export streams for as long as it
    flows); ``connect`` to get a connection (from the pool, or a new one), ``read`` for
    the answer to start and between its chunks."""
    return aiohttp.ClientTimeout(total=None, connect=connect, sock_connect=connect, sock_read=read)


async def _chunks(response: aiohttp.ClientResponse) -> AsyncIterator[bytes]:
    try:
        async for chunk in response.content.iter_any():
            yield chunk
    except TimeoutError as exc:
        raise ReadTimeout(repr(exc)) from exc
    except aiohttp.ClientError as exc:
        raise ProtocolFailure(repr(exc)) from exc


def _release(response: aiohttp.ClientResponse) -> Callable[[], Awaitable[None]]:
    async def close() -> None:
        # Back to the pool when the body was read to its end, else the connection closes.
        response.release()

    return close


class HttpxClient:
    """Any httpx client as the proxy's: for tests and in-process fleets."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client

    async def send(
        self,
        method: str,
        url: str,
        headers: list[tuple[str, str]],
        body: Body,
        *,
        read_timeout: float,
        connect_timeout: float,
    ) -> Answer:
        # The caller's headers alone: the client's build_request would add its defaults
        # (User-Agent, Accept, Accept-Encoding) and its cookies.
        timeout = httpx.Timeout(read_timeout, connect=connect_timeout, pool=connect_timeout)
        request = httpx.Request(
            method, url, headers=headers, content=body, extensions={"timeout": timeout.as_dict()}
        )
        try:
            response = await self.client.send(request, stream=True)
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
            raise ConnectFailure(
                repr(exc), timed_out=isinstance(exc, httpx.TimeoutException)
            ) from exc
        except httpx.TimeoutException as exc:
            raise ReadTimeout(repr(exc)) from exc
        except httpx.RemoteProtocolError as exc:
            if "without sending" in str(exc):  # a kept-alive connection it had closed
                raise ConnectFailure(repr(exc)) from exc
            raise ProtocolFailure(repr(exc)) from exc
        except httpx.HTTPError as exc:
            raise ProtocolFailure(repr(exc)) from exc
        return Answer(
            response.status_code, response.headers.raw, _httpx_chunks(response), response.aclose
        )

    async def aclose(self) -> None:
        await self.client.aclose()


async def _httpx_chunks(response: httpx.Response) -> AsyncIterator[bytes]:
    try:
        async for chunk in response.aiter_raw():
            yield chunk
    except httpx.TimeoutException as exc:
        raise ReadTimeout(repr(exc)) from exc
    except httpx.HTTPError as exc:
        raise ProtocolFailure(repr(exc)) from exc
