"""Rate limits: per API key, per user, per client address; stricter on sign-in routes;
headers that count down and reset; memory in all-in-one, Redis when distributed."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest

from agora_gateway_testing import FakeUpstream, GatewayFactory
from agora_kit.testing.fixtures import free_port
from agora_tools.pytest_plugin import RedisServer

KEY = "agora_ratelimitkey_" + "k" * 43


def _limits(response: httpx.Response) -> tuple[int, int, int]:
    h = response.headers
    return int(h["ratelimit-limit"]), int(h["ratelimit-remaining"]), int(h["ratelimit-reset"])


async def test_headers_count_down_refuse_then_reset(start_gateway: GatewayFactory) -> None:
    async with start_gateway(rate_limit_anonymous="3 per 2 seconds") as gateway:
        answers = [await gateway.client.get("/api/v1/products/1") for _ in range(4)]
        assert [a.status_code for a in answers] == [200, 200, 200, 429]
        assert [_limits(a)[:2] for a in answers] == [(3, 2), (3, 1), (3, 0), (3, 0)]
        assert all(0 <= _limits(a)[2] <= 2 for a in answers)
        assert answers[0].headers["ratelimit-policy"] == "3;w=2"
        refused = answers[3]
        assert refused.headers["content-type"] == "application/problem+json"
        assert refused.json()["type"].endswith("/too-many-requests")
        assert 1 <= int(refused.headers["retry-after"]) <= 2
        await asyncio.sleep(int(refused.headers["retry-after"]) + 0.1)
        again = await gateway.client.get("/api/v1/products/1")
        assert again.status_code == 200
        assert _limits(again)[:2] == (3, 2)


async def test_users_keys_and_addresses_count_separately(
    start_gateway: GatewayFactory, fake: FakeUpstream
) -> None:
    fake.add_key(KEY, "catalog:read")
    async with start_gateway(
        rate_limit_anonymous="2/minute", rate_limit_user="5/minute", rate_limit_api_key="3/minute"
    ) as gateway:
        ada = {"Authorization": f"Bearer {fake.issuer.token('ada')}"}
        bob = {"Authorization": f"Bearer {fake.issuer.token('bob')}"}
        key = {"X-API-Key": KEY}
        get = gateway.client.get
        assert _limits(await get("/api/v1/products/1", headers=ada))[:2] == (5, 4)
        assert _limits(await get("/api/v1/products/1", headers=ada))[:2] == (5, 3)
        assert _limits(await get("/api/v1/products/1", headers=bob))[:2] == (5, 4)
        assert _limits(await get("/api/v1/products/1", headers=key))[:2] == (3, 2)
        assert _limits(await get("/api/v1/products/1"))[:2] == (2, 1)
        assert _limits(await get("/api/v1/products/1"))[:2] == (2, 0)
        assert (await get("/api/v1/products/1")).status_code == 429
        # The anonymous limit of this address does not touch signed-in callers.
        assert (await get("/api/v1/products/1", headers=ada)).status_code == 200


async def test_sign_in_routes_have_a_stricter_limit(start_gateway: GatewayFactory) -> None:
    async with start_gateway() as gateway:
        codes = []
        for _ in range(11):
            response = await gateway.client.post("/api/v1/auth/login", json={})
            codes.append(response.status_code)
            assert response.headers["ratelimit-limit"] == "10"
        assert codes == [201] * 10 + [429]
        # Other routes keep the general limit.
        other = await gateway.client.get("/api/v1/products/1")
        assert other.status_code == 200
        assert other.headers["ratelimit-limit"] == "300"


async def test_limits_are_configurable_per_route(start_gateway: GatewayFactory) -> None:
    async with start_gateway(rate_limit_routes={"GET /api/v1/search/**": "1/minute"}) as gateway:
        assert (await gateway.client.get("/api/v1/search?q=a")).status_code == 200
        assert (await gateway.client.get("/api/v1/search/suggest?q=a")).status_code == 429
        assert (await gateway.client.get("/api/v1/products/1")).status_code == 200


@pytest.mark.integration
async def test_replicas_share_counters_in_redis(
    start_gateway: GatewayFactory, redis_server: RedisServer
) -> None:
    url = f"redis://127.0.0.1:{redis_server.port}/0"
    limit = f"3 per {int(time.time() * 1000) % 1000 + 60} seconds"  # a fresh key space
    async with (
        start_gateway(rate_limit_storage_url=url, rate_limit_anonymous=limit) as one,
        start_gateway(rate_limit_storage_url=url, rate_limit_anonymous=limit) as two,
    ):
        assert (await one.client.get("/readyz")).status_code == 200
        codes = [
            (await replica.client.get("/api/v1/products/1")).status_code
            for replica in (one, two, one, two)
        ]
    assert codes == [200, 200, 200, 429]


async def test_a_storage_outage_lets_requests_through(start_gateway: GatewayFactory) -> None:
    down = f"redis://127.0.0.1:{free_port()}/0"
    async with start_gateway(rate_limit_storage_url=down) as gateway:
        response = await gateway.client.get("/api/v1/products/1")
        assert response.status_code == 200
        assert "ratelimit-limit" not in response.headers
        ready = await gateway.client.get("/readyz")
        assert ready.status_code == 503
        assert ready.json()["checks"]["rate_limits"].startswith("failing")
        metrics = (await gateway.client.get("/metrics")).text
        assert 'agora_gateway_rate_limit_storage_errors_total{service="gateway"} 1.0' in metrics


async def test_a_rotated_forwarded_for_does_not_escape_the_sign_in_limit(
    start_gateway: GatewayFactory,
) -> None:
    # No proxy is configured in front of this gateway, so X-Forwarded-For is the
    # caller's own claim and must not pick the address the limit counts.
    async with start_gateway() as gateway:
        codes = []
        for attempt in range(11):
            response = await gateway.client.post(
                "/api/v1/auth/login", json={}, headers={"X-Forwarded-For": f"203.0.113.{attempt}"}
            )
            codes.append(response.status_code)
        assert codes == [201] * 10 + [429]
