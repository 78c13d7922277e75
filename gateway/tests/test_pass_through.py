"""The gateway's plain pass-through: public paths reach their service intact, internal
ones never do, and a service that is down is a 503 problem, not a stack trace."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI, Request, Response

from agora_gateway.app import create_app
from agora_gateway.routes import upstream_for
from agora_gateway.settings import Settings

upstream = FastAPI()


@upstream.api_route("/{path:path}", methods=["GET", "POST", "DELETE"])
async def echo(request: Request, path: str) -> Response:
    body = await request.body()
    seen: dict[str, Any] = {
        "path": request.url.path,
        "query": request.url.query,
        "method": request.method,
        "body": body.decode(),
        "request_id": request.headers.get("x-request-id"),
        "forwarded_for": request.headers.get("x-forwarded-for"),
        "authorization": request.headers.get("authorization"),
    }
    return Response(
        content=json.dumps(seen),
        status_code=201 if request.method == "POST" else 200,
        media_type="application/json",
        headers={
            "x-upstream": "user",
            "connection": "close",
            "date": "Mon, 01 Jan 2024 00:00:00 GMT",
        },
    )


@pytest.fixture
async def gateway() -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(Settings())
    app.state.http_client = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=upstream), base_url="http://upstream"
    )
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://gateway"
    ) as client:
        yield client
    await app.state.http_client.aclose()


@pytest.mark.parametrize(
    ("path", "service"),
    [
        ("/api/v1/auth/login", "user"),
        ("/api/v1/admin/users/42", "user"),
        ("/.well-known/jwks.json", "user"),
        ("/api/v1/admin/vendors/7", "catalog"),
        ("/api/v1/search/suggest", "catalog"),
        ("/api/v1/vendor/orders/1/ship", "order"),
        ("/api/v1/vendors/1", "catalog"),
        ("/api/v1/admin/payments/3/refund", "payment"),
        ("/api/v1/notifications/ws", "notification"),
        ("/api/v1/internal/token-exchange", None),
        ("/api/v1/authx", None),
        ("/internal/anything", None),
    ],
)
def test_routes_by_longest_public_prefix(path: str, service: str | None) -> None:
    assert upstream_for(path) == service


async def test_a_request_reaches_its_service_intact(gateway: httpx.AsyncClient) -> None:
    response = await gateway.post(
        "/api/v1/auth/register?lang=de",
        json={"email": "ada@example.com"},
        headers={"X-Request-ID": "req-123", "Authorization": "Bearer abc"},
    )
    assert response.status_code == 201
    seen = response.json()
    assert seen["path"] == "/api/v1/auth/register"
    assert seen["query"] == "lang=de"
    assert seen["body"] == '{"email":"ada@example.com"}'
    assert seen["request_id"] == "req-123"
    assert seen["authorization"] == "Bearer abc"
    assert seen["forwarded_for"]
    assert response.headers["x-upstream"] == "user"
    assert response.headers["x-request-id"] == "req-123"
    assert "close" not in response.headers.get("connection", "")
    # The gateway's server writes its own Date; the upstream's would make two.
    assert "2024" not in response.headers.get("date", "")


async def test_internal_and_unknown_paths_are_not_routed(gateway: httpx.AsyncClient) -> None:
    for path in ("/api/v1/internal/token-exchange", "/internal/keys", "/api/v1/nope"):
        response = await gateway.post(path, json={})
        assert response.status_code == 404, path
        assert response.headers["content-type"] == "application/problem+json"


async def test_a_service_that_is_down_is_a_503_problem() -> None:
    app = create_app(Settings(user_url="http://127.0.0.1:1"))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://gateway"
    ) as client:
        response = await client.get("/api/v1/users/me")
    await app.state.http_client.aclose()
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["retry-after"] == "5"
    assert "127.0.0.1" not in response.text
