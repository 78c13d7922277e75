"""Hardening: security headers, CORS from an allow-list, body, URL and header limits."""

from __future__ import annotations

from collections.abc import AsyncIterator

from agora_gateway.settings import Settings
from agora_gateway_testing import FakeUpstream, GatewayFactory, RunningGateway
from agora_kit.settings import CommonSettings


async def test_every_answer_carries_the_security_headers(gateway: RunningGateway) -> None:
    for path in ("/api/v1/products/1", "/api/v1/nope", "/healthz"):
        response = await gateway.client.get(path)
        h = response.headers
        assert h["strict-transport-security"].startswith("max-age=31536000")
        assert h["x-content-type-options"] == "nosniff"
        assert h["x-frame-options"] == "DENY"
        assert h["referrer-policy"] == "no-referrer"
        assert h["content-security-policy"].startswith("default-src 'none'")
        assert "frame-ancestors 'none'" in h["content-security-policy"]
        assert "server" not in h
    docs = await gateway.client.get("/docs")
    csp = docs.headers["content-security-policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert "<script>" not in docs.text  # no inline script for the CSP to allow


async def test_cors_answers_only_allowed_origins(start_gateway: GatewayFactory) -> None:
    async with start_gateway(cors_allow_origins=["https://shop.example"]) as gateway:
        preflight = await gateway.client.options(
            "/api/v1/products/1",
            headers={
                "Origin": "https://shop.example",
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "authorization, x-api-key, content-type",
            },
        )
        assert preflight.status_code == 200
        assert preflight.headers["access-control-allow-origin"] == "https://shop.example"
        assert "x-api-key" in preflight.headers["access-control-allow-headers"].lower()
        simple = await gateway.client.get(
            "/api/v1/products/1", headers={"Origin": "https://shop.example"}
        )
        assert simple.headers["access-control-allow-origin"] == "https://shop.example"
        assert "ratelimit-remaining" in simple.headers["access-control-expose-headers"].lower()
        evil = await gateway.client.get(
            "/api/v1/products/1", headers={"Origin": "https://evil.example"}
        )
        assert "access-control-allow-origin" not in evil.headers
        evil_preflight = await gateway.client.options(
            "/api/v1/products/1",
            headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
        )
        assert evil_preflight.status_code == 400


async def test_a_body_over_the_limit_is_413_and_never_reaches_the_service(
    start_gateway: GatewayFactory, fake: FakeUpstream
) -> None:
    async with start_gateway(max_body_bytes=1000) as gateway:
        announced = await gateway.client.post("/api/v1/products", content=b"x" * 1001)
        assert announced.status_code == 413
        assert announced.headers["content-type"] == "application/problem+json"
        assert announced.json()["request_id"] == announced.headers["x-request-id"]

        async def chunks() -> AsyncIterator[bytes]:
            for _ in range(5):
                yield b"y" * 300

        streamed = await gateway.client.post("/api/v1/products", content=chunks())
        assert streamed.status_code == 413
        assert streamed.headers["content-type"] == "application/problem+json"
        fits = await gateway.client.post("/api/v1/products", content=b"z" * 1000)
        assert fits.status_code == 201
    assert [s["body"] for s in fake.seen if s["path"] == "/api/v1/products"] == ["z" * 1000]


async def test_urls_and_headers_over_their_limits_are_refused(gateway: RunningGateway) -> None:
    long_url = await gateway.client.get("/api/v1/products/1?q=" + "a" * 9000)
    assert long_url.status_code == 414
    assert long_url.headers["content-type"] == "application/problem+json"
    big_headers = await gateway.client.get(
        "/api/v1/products/1", headers={f"x-h{i}": "v" * 200 for i in range(90)}
    )
    assert big_headers.status_code == 431
    many = await gateway.client.get(
        "/api/v1/products/1", headers={f"x-n{i}": "1" for i in range(120)}
    )
    assert many.status_code == 431


async def test_outside_production_a_page_on_localhost_may_call_by_default(
    gateway: RunningGateway,
) -> None:
    for origin in ("http://localhost:5173", "http://127.0.0.1:3000", "http://localhost"):
        preflight = await gateway.client.options(
            "/api/v1/products/1",
            headers={"Origin": origin, "Access-Control-Request-Method": "POST"},
        )
        assert preflight.status_code == 200, origin
        assert preflight.headers["access-control-allow-origin"] == origin
    for origin in ("http://localhost.evil.example", "https://evil.example", "http://localhost:1.x"):
        answer = await gateway.client.get("/api/v1/products/1", headers={"Origin": origin})
        assert "access-control-allow-origin" not in answer.headers, origin


def test_production_and_an_allow_list_leave_localhost_out() -> None:
    production = CommonSettings.model_construct(environment="production")
    assert Settings.model_construct(common=production).cors_origin_pattern() is None
    listed = Settings(cors_allow_origins=["https://shop.example"])
    assert listed.cors_origin_pattern() is None
    assert Settings(cors_allow_origin_regex="").cors_origin_pattern() is None
    assert Settings().cors_origin_pattern() is not None
