"""Upstreams that are down, slow or failing: quick 503s and 504s as problems, retries
only where they are safe, and a circuit breaker that stops knocking on a dead door."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI, Response

from agora_gateway.client import HttpxClient
from agora_gateway.runtime import Gateway
from agora_gateway.upstream import BreakerState, CircuitBreaker
from agora_gateway_testing import GatewayFactory, serve
from agora_kit.testing.fixtures import free_port


async def test_a_service_that_is_down_is_a_quick_503_problem(
    start_gateway: GatewayFactory,
) -> None:
    async with start_gateway(catalog_url=f"http://127.0.0.1:{free_port()}") as gateway:
        started = time.perf_counter()
        response = await gateway.client.get("/api/v1/products/1")
        elapsed = time.perf_counter() - started
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    assert int(response.headers["retry-after"]) >= 1
    assert "127.0.0.1" not in response.text
    assert elapsed < 2, elapsed


async def test_the_circuit_opens_then_probes_then_closes(start_gateway: GatewayFactory) -> None:
    calls = 0
    healthy = False
    upstream = FastAPI()

    @upstream.get("/api/v1/products/{product_id}")
    async def product(product_id: str) -> Response:
        nonlocal calls
        calls += 1
        return Response("{}", status_code=200 if healthy else 503)

    async with (
        serve(upstream) as url,
        start_gateway(
            catalog_url=url, breaker_failure_threshold=3, breaker_open_seconds=10
        ) as gateway,
    ):
        now = [1000.0]  # the breaker's clock, moved by hand: no test waits on wall time
        Gateway.of(gateway.app).upstreams.breakers["catalog"].clock = lambda: now[0]
        for _ in range(3):
            assert (await gateway.client.get("/api/v1/products/1")).status_code == 503
        assert calls == 3
        # Open: answered at once, the service is left alone.
        refused = await gateway.client.get("/api/v1/products/1")
        assert refused.status_code == 503
        assert refused.headers["retry-after"] == "10"
        assert "unavailable" in refused.json()["detail"]
        assert calls == 3
        metrics = (await gateway.client.get("/metrics")).text
        assert 'agora_gateway_circuit_state{service="gateway",upstream="catalog"} 2.0' in metrics
        now[0] += 10.1
        healthy = True
        # Half-open: one probe goes through; its success closes the circuit.
        assert (await gateway.client.get("/api/v1/products/1")).status_code == 200
        assert calls == 4
        assert (await gateway.client.get("/api/v1/products/1")).status_code == 200
        metrics = (await gateway.client.get("/metrics")).text
        assert 'agora_gateway_circuit_state{service="gateway",upstream="catalog"} 0.0' in metrics


def test_a_failed_probe_opens_the_circuit_again() -> None:
    now = [0.0]
    breaker = CircuitBreaker("catalog", threshold=2, open_seconds=10, clock=lambda: now[0])
    for _ in range(2):
        assert breaker.acquire()
        breaker.record(False)
    assert breaker.state is BreakerState.OPEN
    assert not breaker.acquire()
    assert breaker.retry_after() == 10
    now[0] = 10.0
    assert breaker.acquire()  # the probe
    assert not breaker.acquire()  # only one at a time
    breaker.record(False)
    assert breaker.state is BreakerState.OPEN
    assert breaker.retry_after() == 10


async def test_a_slow_service_is_a_504_after_the_route_timeout(
    start_gateway: GatewayFactory,
) -> None:
    upstream = FastAPI()

    @upstream.get("/api/v1/search")
    async def slow() -> dict[str, str]:
        await asyncio.sleep(3)
        return {}

    async with (
        serve(upstream) as url,
        start_gateway(catalog_url=url, route_timeouts={"GET /api/v1/search": 0.3}) as gateway,
    ):
        started = time.perf_counter()
        response = await gateway.client.get("/api/v1/search")
        elapsed = time.perf_counter() - started
    assert response.status_code == 504
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"].endswith("/upstream-timeout")
    assert elapsed < 2, elapsed


async def _body(data: bytes) -> AsyncIterator[bytes]:
    yield data  # streamed, as a real connection's answer is


@pytest.mark.parametrize(("method", "attempts", "status"), [("GET", 3, 200), ("POST", 1, 503)])
async def test_only_idempotent_requests_are_retried_after_a_connection_failure(
    start_gateway: GatewayFactory, method: str, attempts: int, status: int
) -> None:
    tries: list[str] = []

    def flaky(request: httpx.Request) -> httpx.Response:
        if request.url.path.startswith("/api/"):
            tries.append(request.method)
            if len(tries) < 3:
                raise httpx.ConnectError("connection refused", request=request)
        return httpx.Response(200, content=_body(b'{"ok": true}'))

    async with start_gateway(retry_backoff_seconds=0.01) as gateway:
        await gateway.app.state.upstream_client.aclose()
        gateway.app.state.upstream_client = HttpxClient(
            httpx.AsyncClient(transport=httpx.MockTransport(flaky))
        )
        body = {"sku": "a"} if method == "POST" else None
        response = await gateway.client.request(method, "/api/v1/cart/items", json=body)
    assert response.status_code == status
    assert tries == [method] * attempts
