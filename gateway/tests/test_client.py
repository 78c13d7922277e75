"""The proxy's client (agora_gateway.client) against real servers: keep-alive
connections reused up to its limit under concurrency and closed once idle too long,
never a request down a connection the server closed, only the caller's headers and
body sent as they came, and each failure named the way the retry policy needs."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse
from starlette.routing import Route

from agora_gateway.client import (
    AiohttpClient,
    Answer,
    Body,
    ConnectFailure,
    ProtocolFailure,
    ReadTimeout,
)
from agora_gateway_testing import serve
from agora_kit.testing.fixtures import free_port

Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


async def _port(request: Request) -> PlainTextResponse:
    await asyncio.sleep(0.02)
    return PlainTextResponse(str(request.client.port if request.client else 0))


async def _echo(request: Request) -> JSONResponse:
    body = await request.body()
    raw = [(k.decode(), v.decode()) for k, v in request.headers.raw]
    return JSONResponse(
        {
            "headers": raw,
            "body": body.decode(),
            "target": (request.scope["raw_path"] + b"?" + request.scope["query_string"]).decode(),
        }
    )


async def _get(
    client: AiohttpClient,
    url: str,
    *,
    method: str = "GET",
    headers: list[tuple[str, str]] | None = None,
    body: Body = None,
    read_timeout: float = 5.0,
) -> tuple[Answer, bytes]:
    answer = await client.send(
        method, url, headers or [], body, read_timeout=read_timeout, connect_timeout=2.0
    )
    return answer, await answer.read()


async def test_concurrent_requests_share_a_bounded_pool() -> None:
    client = AiohttpClient(max_connections=16, keepalive_seconds=30)
    ports: set[bytes] = set()
    async with serve(Starlette(routes=[Route("/", _port)])) as url:
        try:
            for _ in range(3):
                answers = await asyncio.gather(*(_get(client, url + "/") for _ in range(50)))
                assert [a.status_code for a, _ in answers] == [200] * 50
                ports.update(body for _, body in answers)
        finally:
            await client.aclose()
    # 150 requests, 50 at a time, down at most 16 connections, kept and reused.
    assert 1 <= len(ports) <= 16, ports


async def test_a_connection_idle_too_long_is_closed_not_reused() -> None:
    # aiohttp closes idle connections on its loop's timers (no clock to move by hand):
    # a window long enough that a busy machine does not close one between two requests.
    client = AiohttpClient(max_connections=4, keepalive_seconds=1.5)
    async with serve(Starlette(routes=[Route("/", _port)])) as url:
        try:
            _, first = await _get(client, url + "/")
            _, again = await _get(client, url + "/")
            await asyncio.sleep(3.5)
            _, later = await _get(client, url + "/")
        finally:
            await client.aclose()
    assert first == again
    assert later != first


async def _tcp_server(handler: Handler) -> tuple[asyncio.Server, str]:
    server = await asyncio.start_server(handler, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    return server, f"http://127.0.0.1:{port}/"


async def test_a_connection_the_server_closed_is_not_reused() -> None:
    """A server that answers with keep-alive, then hangs up: the next request goes down
    a new connection instead of failing on the dead one."""
    connections = 0

    async def answer_once(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal connections
        connections += 1
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
        await writer.drain()
        await asyncio.sleep(0.05)
        writer.close()

    server, url = await _tcp_server(answer_once)
    client = AiohttpClient(max_connections=4, keepalive_seconds=30)
    try:
        for _ in range(3):
            answer, body = await _get(client, url)
            assert (answer.status_code, body) == (200, b"ok")
            await asyncio.sleep(0.2)  # the server hangs up meanwhile
    finally:
        await client.aclose()
        server.close()
        await server.wait_closed()
    assert connections == 3


async def test_only_the_callers_headers_and_body_go_out_as_they_came() -> None:
    """No User-Agent, Accept, Accept-Encoding or Content-Type of the client's own; a
    body of announced length streamed with that length (not chunked); the path and
    query byte for byte."""

    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"a":'
        yield b"1}"

    async with serve(Starlette(routes=[Route("/{target:path}", _echo, methods=["POST"])])) as url:
        client = AiohttpClient(max_connections=4, keepalive_seconds=30)
        try:
            answer, body = await _get(
                client,
                url + "/x%2Fy?q=%2F&a=b",
                method="POST",
                headers=[("content-length", "7"), ("x-one", "1"), ("x-one", "2")],
                body=chunks(),
            )
        finally:
            await client.aclose()
    assert answer.status_code == 200, body
    seen = json.loads(body)
    assert seen["body"] == '{"a":1}'
    assert seen["target"] == "/x%2Fy?q=%2F&a=b"
    headers = seen["headers"]
    names = [name for name, _ in headers]
    assert ["content-length", "7"] in headers
    assert [value for name, value in headers if name == "x-one"] == ["1", "2"]
    assert "transfer-encoding" not in names
    for name in ("user-agent", "accept", "accept-encoding", "content-type", "cookie"):
        assert name not in names, headers


async def test_failures_are_named_for_the_retry_policy() -> None:
    """Refused, and a kept-alive connection hung up on before any answer: nothing
    reached the application, a ConnectFailure (safe to retry). Taken and not answered
    in time: a ReadTimeout. Cut off mid-body: a ProtocolFailure while relaying."""
    client = AiohttpClient(max_connections=4, keepalive_seconds=30)

    async def hang_up(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.close()

    async def never_answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        await asyncio.sleep(5)

    async def cut_short(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial")
        await writer.drain()
        writer.close()

    servers = [await _tcp_server(h) for h in (hang_up, never_answer, cut_short)]
    try:
        with pytest.raises(ConnectFailure) as refused:
            await _get(client, f"http://127.0.0.1:{free_port()}/")
        assert not refused.value.timed_out
        with pytest.raises(ConnectFailure):
            await _get(client, servers[0][1], method="POST")
        with pytest.raises(ReadTimeout):
            await _get(client, servers[1][1], read_timeout=0.3)
        answer = await client.send(
            "GET", servers[2][1], [], None, read_timeout=5, connect_timeout=2
        )
        assert answer.status_code == 200
        with pytest.raises(ProtocolFailure):
            await answer.read()
    finally:
        await client.aclose()
        for server, _ in servers:
            server.close()
            await server.wait_closed()


def test_services_keep_idle_connections_longer_than_the_gateway_pool() -> None:
    """Found by the rolling update drill (ADR 0092): with uvicorn's 5 s a service
    closed idle connections the pool still held for 30 s, and a checkout sent down one
    as it closed failed with 503 (a POST is never retried)."""
    from agora_gateway.settings import Settings
    from agora_kit.serving import server_config

    service = server_config(Starlette(), "127.0.0.1", 0)
    assert service.timeout_keep_alive > Settings().keepalive_expiry_seconds
