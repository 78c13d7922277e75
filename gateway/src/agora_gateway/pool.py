"""The pool of keep-alive connections to the upstream services: httpcore's, with two
costs taken off every request (ADR 0090).

httpcore 1.0.9 reorganises its pool as each request enters and leaves it. In that pass
it asks every pooled connection whether it expired, and an idle one whether its socket
is readable (the server closed it), through anyio's typed attributes: a dictionary of
getters, a ``getpeername`` among them, built on every call. And for every idle
connection it counts the connections again, so the pass is quadratic in the pool's
size. Under 32 concurrent requests the two were 45 % of the gateway's samples.

Here a connection's stream answers "readable?" with one ``poll`` of the socket it
found once, and the pass is linear. It keeps idle connections up to
``max_keepalive_connections`` (httpcore compared the count of all connections with that
limit, closing idle ones whenever the pool held more, busy ones included), and a
connection promised to a request is neither closed nor promised again before the
request starts on it (encode/httpcore#1110)."""

# httpcore's stream and backend interfaces take their timeouts as arguments.
# ruff: noqa: ASYNC109

from __future__ import annotations

import select
import socket
import ssl
import time
from collections.abc import Iterable
from typing import Any

import httpcore
import httpx

SocketOption = (
    tuple[int, int, int] | tuple[int, int, bytes | bytearray] | tuple[int, int, None, int]
)


def _readable(sock: socket.socket) -> bool:
    """Whether reading would not block: data, or the peer's close. A closed socket
    counts as readable (the connection must go)."""
    if sock.fileno() == -1:
        return True
    poller = select.poll()
    poller.register(sock, select.POLLIN)
    return bool(poller.poll(0))


class _Stream(httpcore.AsyncNetworkStream):
    """anyio's stream, with the socket looked up once."""

    def __init__(self, stream: httpcore.AsyncNetworkStream) -> None:
        self._stream = stream
        self._socket: socket.socket | None = stream.get_extra_info("socket")

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return await self._stream.read(max_bytes, timeout)

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        await self._stream.write(buffer, timeout)

    async def aclose(self) -> None:
        await self._stream.aclose()

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.AsyncNetworkStream:
        return _Stream(await self._stream.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str) -> Any:
        if info == "is_readable" and self._socket is not None:
            return _readable(self._socket)
        return self._stream.get_extra_info(info)


class _Backend(httpcore.AsyncNetworkBackend):
    """anyio's network backend, handing out :class:`_Stream`."""

    def __init__(self) -> None:
        self._backend = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[SocketOption] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        stream = await self._backend.connect_tcp(host, port, timeout, local_address, socket_options)
        return _Stream(stream)

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[SocketOption] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        return _Stream(await self._backend.connect_unix_socket(path, timeout, socket_options))

    async def sleep(self, seconds: float) -> None:
        await self._backend.sleep(seconds)


# Idle connections are all asked whether they expired (keep-alive time, or the server
# closed them) at most this often; the one handed to a request always is.
SWEEP_SECONDS = 1.0


class _Pool(httpcore.AsyncConnectionPool):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._next_sweep = 0.0

    def _assign_requests_to_connections(self) -> list[httpcore.AsyncConnectionInterface]:
        """Drop closed connections, idle ones over the keep-alive limit and, once a
        SWEEP_SECONDS, idle ones that expired; then give each queued request an idle
        connection to its origin that has not expired, or a new one (closing an idle
        one when the pool is full). Returns those to close.

        httpcore asks every idle connection whether it expired on every pass (two per
        request), each a ``poll`` of its socket: with tens of pooled connections that
        was the gateway's largest cost but one (ADR 0124). Asking the connection about
        to be used is enough for correctness; the sweep only bounds how long a dead
        idle socket stays open.

        A connection handed to a request that has not started on it yet still looks
        idle: it is neither closed nor handed to a second request (HTTP/1.1 only, one
        request at a time), which httpcore's pass did, the loser then failing and
        queueing again."""
        now = time.monotonic()
        sweep = now >= self._next_sweep
        if sweep:
            self._next_sweep = now + SWEEP_SECONDS
        promised = {id(r.connection) for r in self._requests if r.connection is not None}
        closing: list[httpcore.AsyncConnectionInterface] = []
        kept: list[httpcore.AsyncConnectionInterface] = []
        spare: list[httpcore.AsyncConnectionInterface] = []  # idle and promised to nobody
        for connection in self._connections:
            if connection.is_closed():
                continue
            free = connection.is_idle() and id(connection) not in promised
            if free and (
                len(spare) >= self._max_keepalive_connections
                or (sweep and connection.has_expired())
            ):
                closing.append(connection)
                continue
            if free:
                spare.append(connection)
            kept.append(connection)
        self._connections[:] = kept
        for pool_request in self._requests:
            if not pool_request.is_queued():
                continue
            origin = pool_request.request.url.origin
            reuse = self._usable(spare, origin, closing)
            if reuse is not None:
                pool_request.assign_to_connection(reuse)
                continue
            if len(self._connections) >= self._max_connections:
                if not spare:
                    continue  # it waits for a connection to come back
                other = spare.pop(0)
                self._connections.remove(other)
                closing.append(other)
            connection = self.create_connection(origin)
            self._connections.append(connection)
            pool_request.assign_to_connection(connection)
        return closing

    def _usable(
        self,
        spare: list[httpcore.AsyncConnectionInterface],
        origin: httpcore.Origin,
        closing: list[httpcore.AsyncConnectionInterface],
    ) -> httpcore.AsyncConnectionInterface | None:
        """The first spare connection to ``origin`` that has not expired, taken out of
        ``spare``; expired ones met on the way leave the pool for ``closing``."""
        for connection in list(spare):
            if not (connection.can_handle_request(origin) and connection.is_available()):
                continue
            spare.remove(connection)
            if not connection.has_expired():
                return connection
            self._connections.remove(connection)
            closing.append(connection)
        return None


class UpstreamTransport(httpx.AsyncHTTPTransport):
    """httpx's transport on :class:`_Pool`: HTTP/1.1, no proxy from the environment."""

    def __init__(self, limits: httpx.Limits) -> None:
        super().__init__(limits=limits, trust_env=False)
        self._pool = _Pool(
            ssl_context=httpx.create_ssl_context(trust_env=False),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=_Backend(),
        )
