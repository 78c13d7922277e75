"""The upstream pool (agora_gateway.pool) against real servers: it reuses keep-alive
connections up to its limit under concurrency, and never sends a request down a
connection the server already closed."""

from __future__ import annotations

import asyncio

import httpcore
import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from agora_gateway import pool
from agora_gateway.pool import UpstreamTransport
from agora_gateway_testing import serve


async def _slowly(request: Request) -> PlainTextResponse:
    await asyncio.sleep(0.02)
    return PlainTextResponse("ok")


async def test_concurrent_requests_share_a_bounded_pool() -> None:
    transport = UpstreamTransport(
        httpx.Limits(max_connections=16, max_keepalive_connections=4, keepalive_expiry=30)
    )
    async with (
        serve(Starlette(routes=[Route("/", _slowly)])) as url,
        httpx.AsyncClient(transport=transport, base_url=url) as client,
    ):
        for _ in range(3):
            answers = await asyncio.gather(*(client.get("/") for _ in range(50)))
            assert [a.status_code for a in answers] == [200] * 50
            assert all(a.text == "ok" for a in answers)
        pooled = transport._pool.connections
        # At most 16 at once; once they are all back, no more than 4 stay open.
        assert 1 <= len(pooled) <= 4, pooled
        assert all(c.is_idle() for c in pooled)


async def test_expired_idle_connections_are_closed_by_the_next_sweep(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Only the connection about to be handed out is asked on every pass whether it
    expired; the others are swept at most once every SWEEP_SECONDS, which still closes
    them: here connections to one service, expired, while requests go to another."""
    transport = UpstreamTransport(
        httpx.Limits(max_connections=16, max_keepalive_connections=8, keepalive_expiry=0.1)
    )
    # Long enough that a loaded machine does not reach the second sweep too early.
    monkeypatch.setattr(pool, "SWEEP_SECONDS", 3.0)
    app = Starlette(routes=[Route("/", _slowly)])
    async with (
        serve(app) as first,
        serve(app) as second,
        httpx.AsyncClient(transport=transport) as client,
    ):
        await asyncio.gather(*(client.get(first) for _ in range(3)))
        await asyncio.sleep(0.2)  # expired, not yet swept
        assert (await client.get(second)).status_code == 200
        assert len(transport._pool.connections) == 4
        await asyncio.sleep(pool.SWEEP_SECONDS)
        assert (await client.get(second)).status_code == 200
        (left,) = transport._pool.connections
        assert left.can_handle_request(httpcore.URL(second).origin)


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

    server = await asyncio.start_server(answer_once, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    transport = UpstreamTransport(httpx.Limits(max_keepalive_connections=4))
    try:
        async with httpx.AsyncClient(
            transport=transport, base_url=f"http://127.0.0.1:{port}"
        ) as client:
            for _ in range(3):
                answer = await client.get("/")
                assert (answer.status_code, answer.text) == (200, "ok")
                await asyncio.sleep(0.2)  # the server hangs up meanwhile
    finally:
        server.close()
        await server.wait_closed()
    assert connections == 3


def test_services_keep_idle_connections_longer_than_the_gateway_pool() -> None:
    """Found by the rolling update drill (ADR 0092): with uvicorn's 5 s a service
    closed idle connections the pool still held for 30 s, and a checkout sent down one
    as it closed failed with 503 (a POST is never retried)."""
    from agora_gateway.settings import Settings
    from agora_kit.serving import server_config

    service = server_config(Starlette(), "127.0.0.1", 0)
    assert service.timeout_keep_alive > Settings().keepalive_expiry_seconds
