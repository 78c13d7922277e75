"""Routing and the proxy itself: public paths reach their service intact, internal ones
never do, headers are cleaned both ways, bodies stream both ways."""

from __future__ import annotations

import asyncio
import time
import tracemalloc
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI, Request, Response
from fastapi.responses import StreamingResponse

from agora_gateway.routes import scopes_for, upstream_for
from agora_gateway_testing import FakeUpstream, GatewayFactory, RunningGateway, serve


@pytest.mark.parametrize(
    ("path", "service"),
    [
        ("/api/v1/auth/login", "user"),
        ("/api/v1/admin/users/42", "user"),
        ("/.well-known/jwks.json", "user"),
        ("/api/v1/admin/vendors/7", "catalog"),
        ("/api/v1/search/suggest", "catalog"),
        ("/api/v1/vendor/orders/1/ship", "order"),
        ("/api/v1/vendor/returns/1/receive", "order"),
        ("/api/v1/vendors/1", "catalog"),
        ("/api/v1/admin/payments/3/refund", "payment"),
        ("/api/v1/admin/analytics", "order"),
        ("/api/v1/admin/orders", "order"),
        ("/api/v1/admin/payouts", "payment"),
        ("/api/v1/admin/ledger", "payment"),
        ("/api/v1/vendors/me/connect", "payment"),
        ("/api/v1/vendors/me/connect/sandbox", "payment"),
        ("/api/v1/vendors/me", "catalog"),
        ("/api/v1/admin/connect-accounts/7", "payment"),
        ("/api/v1/notifications/ws", "notification"),
        ("/api/v1/internal/token-exchange", None),
        ("/api/v1/authx", None),
        ("/internal/anything", None),
        ("/healthz", None),
    ],
)
def test_routes_by_longest_public_prefix(path: str, service: str | None) -> None:
    routed = upstream_for(path)
    assert (routed[0] if routed else None) == service


@pytest.mark.parametrize(
    ("method", "path", "scopes"),
    [
        ("GET", "/api/v1/products/1", ("catalog:read", "inventory:write")),
        ("HEAD", "/api/v1/products", ("catalog:read", "inventory:write")),
        ("POST", "/api/v1/products", ("inventory:write",)),
        ("POST", "/api/v1/products/1/reviews", ()),
        ("PUT", "/api/v1/inventory/SKU-1", ("inventory:write",)),
        ("POST", "/api/v1/checkout", ("orders:write",)),
        ("POST", "/api/v1/cart/items", ("orders:write",)),
        ("POST", "/api/v1/orders/1/cancel", ("orders:write",)),
        ("POST", "/api/v1/orders/1/returns", ("orders:write",)),
        ("POST", "/api/v1/vendor/returns/1/receive", ("orders:write",)),
        ("GET", "/api/v1/vendor/returns", ("orders:read",)),
        ("GET", "/api/v1/orders", ("orders:read",)),
        ("GET", "/api/v1/payments", ("orders:read",)),
        ("GET", "/api/v1/users/me", ()),
        ("POST", "/api/v1/vendors", ()),
        ("GET", "/api/v1/vendors/me", ()),
        ("GET", "/api/v1/notifications", ()),
        ("GET", "/.well-known/jwks.json", None),
    ],
)
def test_each_route_names_the_scopes_an_api_key_needs(
    method: str, path: str, scopes: tuple[str, ...] | None
) -> None:
    assert scopes_for(method, path) == scopes


async def test_a_request_reaches_its_service_intact(
    gateway: RunningGateway, fake: FakeUpstream
) -> None:
    response = await gateway.client.post(
        "/api/v1/auth/register?lang=de&x=%2F",
        json={"email": "ada@example.com"},
        headers={
            "X-Request-ID": "req-123",
            "X-Forwarded-For": "6.6.6.6",
            "Forwarded": "for=6.6.6.6",
            "Connection": "keep-alive, x-secret-hop",
            "X-Secret-Hop": "not for upstream",
            "TE": "trailers",
        },
    )
    assert response.status_code == 201
    seen = response.json()
    assert seen["path"] == "/api/v1/auth/register"
    assert seen["query"] == "lang=de&x=%2F"
    assert seen["body"] == '{"email":"ada@example.com"}'
    headers = seen["headers"]
    assert headers["x-request-id"] == "req-123"
    # The gateway says who called, not the caller.
    assert headers["x-forwarded-for"] == "127.0.0.1"
    assert headers["x-forwarded-proto"] == "http"
    assert headers["x-forwarded-host"] == gateway.url.removeprefix("http://")
    assert "forwarded" not in headers
    assert "x-secret-hop" not in headers
    assert "te" not in headers
    assert "traceparent" in headers
    # Answer: hop-by-hop and banner headers are the upstream's business only.
    assert response.headers["x-upstream"] == "fake"
    assert response.headers["x-request-id"] == "req-123"
    assert "x-hop" not in response.headers
    assert "x-powered-by" not in response.headers
    assert "server" not in response.headers


async def test_only_the_callers_own_headers_reach_the_service(
    gateway: RunningGateway, fake: FakeUpstream
) -> None:
    """The gateway's client adds none of its own (no User-Agent, Accept-Encoding or
    cookies): a cookie one service set for one caller goes to that caller, and is never
    sent upstream for another (a shared client's cookie jar would)."""
    first = await gateway.client.get("/api/v1/orders/mine?set_cookie=for-ada")
    assert first.status_code == 200
    assert "session=for-ada" in first.headers["set-cookie"]
    assert not gateway.app.state.http_client.cookies, "the gateway keeps no cookie"
    other = httpx.AsyncClient(base_url=gateway.url)
    for name in ("user-agent", "accept-encoding", "accept"):
        other.headers.pop(name)
    async with other:
        answer = await other.get("/api/v1/orders/mine")
    assert answer.status_code == 200
    headers = answer.json()["headers"]
    assert "cookie" not in headers
    for name in ("user-agent", "accept-encoding", "accept"):
        assert name not in headers, headers


async def test_internal_health_and_unknown_paths_are_not_routed(
    gateway: RunningGateway, fake: FakeUpstream
) -> None:
    for path in (
        "/api/v1/internal/token-exchange",
        "/internal/token-exchange",
        "/api/v1/nope",
        "/api/v1/products/../../internal/token-exchange",
    ):
        response = await gateway.client.post(path, json={"api_key": "x"})
        assert response.status_code in (400, 404), path
        assert response.headers["content-type"] == "application/problem+json"
    assert fake.exchanges == 0
    assert not [s for s in fake.seen if "internal" in s["path"]]


async def test_request_and_response_bodies_stream(start_gateway: GatewayFactory) -> None:
    release = asyncio.Event()
    upstream = FastAPI()

    @upstream.post("/api/v1/products/upload")
    async def upload(request: Request) -> dict[str, int]:
        total = 0
        async for chunk in request.stream():
            total += len(chunk)
        return {"received": total}

    @upstream.get("/api/v1/products/feed")
    async def feed() -> StreamingResponse:
        async def chunks() -> AsyncIterator[bytes]:
            yield b"first\n"
            await asyncio.wait_for(release.wait(), timeout=5)
            yield b"second\n"

        return StreamingResponse(chunks(), media_type="text/plain")

    async with (
        serve(upstream) as url,
        start_gateway(catalog_url=url) as gateway,
    ):
        body = b"x" * 700_000
        uploaded = await gateway.client.post("/api/v1/products/upload", content=body)
        assert uploaded.json() == {"received": len(body)}

        async def chunked() -> AsyncIterator[bytes]:
            for _ in range(10):
                yield b"y" * 10_000

        chunked_upload = await gateway.client.post("/api/v1/products/upload", content=chunked())
        assert chunked_upload.json() == {"received": 100_000}

        # The first chunk reaches the client while the upstream is still writing.
        async with gateway.client.stream("GET", "/api/v1/products/feed") as response:
            lines = response.aiter_lines()
            assert await anext(lines) == "first"
            release.set()
            assert await anext(lines) == "second"


async def test_a_large_csv_export_streams_through_in_bounded_memory(
    start_gateway: GatewayFactory,
) -> None:
    """A 70 MB export passes through the gateway while the gateway (and the client
    reading it, in this process too) never hold more than a few chunks of it."""
    chunk = b"0123456789abcdef," * 4095 + b"\r\n"  # 68 KiB
    count = 1024
    upstream = FastAPI()

    @upstream.get("/api/v1/admin/orders")
    async def export() -> StreamingResponse:
        async def rows() -> AsyncIterator[bytes]:
            for _ in range(count):
                yield chunk

        return StreamingResponse(rows(), media_type="text/csv; charset=utf-8")

    async with (
        serve(upstream) as url,
        start_gateway(order_url=url) as gateway,
    ):
        tracemalloc.start()
        try:
            received = 0
            async with gateway.client.stream(
                "GET", "/api/v1/admin/orders", params={"format": "csv"}
            ) as response:
                assert response.status_code == 200
                assert response.headers["content-type"] == "text/csv; charset=utf-8"
                async for part in response.aiter_raw():
                    received += len(part)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert received == len(chunk) * count
    assert peak < received // 8, f"{peak} bytes held at once for {received} sent"


async def test_keep_alive_connections_are_reused(
    gateway: RunningGateway, fake: FakeUpstream
) -> None:
    async def port() -> int:
        answer = await gateway.client.get("/api/v1/products/1")
        assert answer.status_code == 200
        return int(answer.json()["client_port"])

    first = await port()
    # Twenty more calls, one after another, all down the first one's connection.
    assert {await port() for _ in range(20)} == {first}


async def test_head_and_query_strings_pass(gateway: RunningGateway) -> None:
    head = await gateway.client.head("/api/v1/products/1?fields=title")
    assert head.status_code == 200
    assert head.content == b""
    started = time.perf_counter()
    response = await gateway.client.get("/api/v1/products/7", params={"q": "ä ö"})
    assert response.json()["query"] == "q=%C3%A4+%C3%B6"
    assert time.perf_counter() - started < 2


async def test_an_upstream_error_body_never_leaks(start_gateway: GatewayFactory) -> None:
    upstream = FastAPI()

    @upstream.get("/api/v1/products/broken")
    async def broken() -> Response:
        raise RuntimeError("never shown")

    @upstream.get("/api/v1/products/leaky")
    async def leaky() -> Response:
        return Response(
            "Traceback (most recent call last): password=hunter2 at db.internal:5432",
            status_code=502,
            headers={"retry-after": "7"},
        )

    async with serve(upstream) as url, start_gateway(catalog_url=url) as gateway:
        answer = await gateway.client.get("/api/v1/products/leaky")
        assert answer.status_code == 502
        assert answer.headers["content-type"] == "application/problem+json"
        assert answer.headers["retry-after"] == "7"
        assert "hunter2" not in answer.text
        assert "Traceback" not in answer.text
        assert answer.json()["request_id"] == answer.headers["x-request-id"]
        crashed = await gateway.client.get("/api/v1/products/broken")
        assert crashed.status_code == 500
        assert crashed.headers["content-type"] == "application/problem+json"
        assert "catalog service could not answer" in crashed.json()["detail"]


async def test_redirects_never_name_an_upstream(start_gateway: GatewayFactory) -> None:
    upstream = FastAPI()

    @upstream.get("/api/v1/products")
    async def products() -> dict[str, list[str]]:
        return {"items": []}

    @upstream.post("/api/v1/products")
    async def create(request: Request) -> Response:
        # What request.url_for gives a service behind the gateway: its own address.
        return Response(
            status_code=201, headers={"location": f"{request.base_url}api/v1/products/9"}
        )

    async with serve(upstream) as url, start_gateway(catalog_url=url) as gateway:
        slash = await gateway.client.get("/api/v1/products/?limit=5", follow_redirects=False)
        assert slash.status_code == 307
        location = slash.headers["location"]
        assert url.split("//", 1)[1] not in location
        assert location == "/api/v1/products?limit=5"
        followed = await gateway.client.get("/api/v1/products/", follow_redirects=True)
        assert followed.status_code == 200
        assert str(followed.url) == f"{gateway.url}/api/v1/products"
        created = await gateway.client.post("/api/v1/products", json={})
        assert created.status_code == 201
        assert created.headers["location"] == "/api/v1/products/9"
