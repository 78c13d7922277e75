"""Edge authentication: bearer JWTs verified locally, API keys exchanged (and cached)
for scoped tokens, scopes enforced before anything reaches a service."""

from __future__ import annotations

import asyncio

from agora_gateway.runtime import Gateway
from agora_gateway_testing import FakeUpstream, GatewayFactory, RunningGateway

KEY = "agora_abcdefghijkl_" + "s" * 43


def _problem(response: object) -> None:
    headers = response.headers  # type: ignore[attr-defined]
    assert headers["content-type"] == "application/problem+json"


async def test_a_valid_bearer_token_is_forwarded_unchanged(
    gateway: RunningGateway, fake: FakeUpstream
) -> None:
    token = fake.issuer.token("user-1")
    response = await gateway.client.get(
        "/api/v1/users/me", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200
    assert response.json()["headers"]["authorization"] == f"Bearer {token}"


async def test_an_invalid_token_is_401_on_every_route_public_ones_included(
    gateway: RunningGateway, fake: FakeUpstream
) -> None:
    expired = fake.issuer.token("user-1", ttl=-120)
    forged = fake.issuer.token("user-1")[:-4] + "AAAA"
    seen_before = len(fake.seen)
    for authorization in (f"Bearer {expired}", f"Bearer {forged}", "Bearer nope", "Basic eDp5"):
        for path in ("/api/v1/products/1", "/api/v1/users/me", "/.well-known/jwks.json"):
            response = await gateway.client.get(path, headers={"Authorization": authorization})
            assert response.status_code == 401, (authorization, path)
            _problem(response)
            assert response.headers["www-authenticate"].startswith("Bearer")
    assert len(fake.seen) == seen_before, "nothing with a bad token reaches a service"


async def test_an_api_key_becomes_a_scoped_token_and_is_not_forwarded(
    gateway: RunningGateway, fake: FakeUpstream
) -> None:
    user = fake.add_key(KEY, "catalog:read")
    response = await gateway.client.get("/api/v1/products/42", headers={"X-API-Key": KEY})
    assert response.status_code == 200
    headers = response.json()["headers"]
    assert "x-api-key" not in headers
    principal = await gateway.app.state.jwks_verifier.verify(
        headers["authorization"].removeprefix("Bearer ")
    )
    assert principal.user_id == user
    assert principal.scopes == frozenset({"catalog:read"})
    # Cached by the key's hash: the user service is asked once, not per request.
    for _ in range(5):
        again = await gateway.client.get("/api/v1/products/42", headers={"X-API-Key": KEY})
        assert again.status_code == 200
    assert fake.exchanges == 1


async def test_concurrent_first_calls_with_one_key_share_one_exchange(
    gateway: RunningGateway, fake: FakeUpstream
) -> None:
    fake.add_key(KEY, "catalog:read")
    answers = await asyncio.gather(
        *(gateway.client.get("/api/v1/products/1", headers={"X-API-Key": KEY}) for _ in range(10))
    )
    assert [a.status_code for a in answers] == [200] * 10
    assert fake.exchanges == 1


async def test_scopes_are_enforced_at_the_edge(gateway: RunningGateway, fake: FakeUpstream) -> None:
    fake.add_key(KEY, "catalog:read")
    key = {"X-API-Key": KEY}
    assert (await gateway.client.get("/api/v1/products", headers=key)).status_code == 200
    assert (await gateway.client.get("/api/v1/search?q=x", headers=key)).status_code == 200
    before = len(fake.seen)
    refused = {
        ("POST", "/api/v1/checkout"): "orders:write",
        ("POST", "/api/v1/cart/items"): "orders:write",
        ("GET", "/api/v1/orders"): "orders:read",
        ("POST", "/api/v1/products"): "inventory:write",
        ("PUT", "/api/v1/inventory/SKU-1"): "inventory:write",
        ("GET", "/api/v1/users/me"): "sign in as the user",
        ("POST", "/api/v1/users/me/api-keys"): "sign in as the user",
        ("POST", "/api/v1/auth/reauthenticate"): "sign in as the user",
        ("GET", "/api/v1/admin/users"): "sign in as the user",
    }
    for (method, path), needed in refused.items():
        response = await gateway.client.request(method, path, headers=key, json={})
        assert response.status_code == 403, (method, path)
        _problem(response)
        assert needed in response.json()["detail"]
        assert "insufficient_scope" in response.headers["www-authenticate"]
    assert len(fake.seen) == before, "a refused call never reaches the service"


async def test_an_orders_key_can_place_orders_and_not_write_the_catalog(
    gateway: RunningGateway, fake: FakeUpstream
) -> None:
    fake.add_key(KEY, "orders:read orders:write")
    key = {"X-API-Key": KEY}
    checkout = await gateway.client.post(
        "/api/v1/checkout", headers={**key, "Idempotency-Key": "k-1"}, json={}
    )
    assert checkout.status_code == 201
    assert checkout.json()["headers"]["idempotency-key"] == "k-1"
    assert (await gateway.client.get("/api/v1/orders/1", headers=key)).status_code == 200
    assert (await gateway.client.get("/api/v1/products/1", headers=key)).status_code == 403


async def test_a_bad_key_is_401_and_sessions_ignore_scopes(
    gateway: RunningGateway, fake: FakeUpstream
) -> None:
    for bad in (b"agora_unknown_key", b"", "ключ".encode()):
        response = await gateway.client.get("/api/v1/products/1", headers={b"X-API-Key": bad})
        assert response.status_code == 401, bad
        _problem(response)
    # A signed-in user's own token has no scope claim: the services decide by role.
    token = fake.issuer.token("user-1")
    ok = await gateway.client.post(
        "/api/v1/checkout", headers={"Authorization": f"Bearer {token}"}, json={}
    )
    assert ok.status_code == 201


async def test_both_kinds_of_credentials_at_once_are_refused(
    gateway: RunningGateway, fake: FakeUpstream
) -> None:
    fake.add_key(KEY, "catalog:read")
    token = fake.issuer.token("user-1")
    response = await gateway.client.get(
        "/api/v1/products/1", headers={"Authorization": f"Bearer {token}", "X-API-Key": KEY}
    )
    assert response.status_code == 400
    _problem(response)


async def test_a_revoked_key_works_until_its_cache_entry_expires(
    start_gateway: GatewayFactory, fake: FakeUpstream
) -> None:
    fake.add_key(KEY, "catalog:read")
    now = [1000.0]  # the cache's clock, moved by hand: no test waits on wall time
    async with start_gateway(api_key_cache_seconds=30) as gateway:
        Gateway.of(gateway.app).auth.cache.clock = lambda: now[0]
        key = {"X-API-Key": KEY}
        assert (await gateway.client.get("/api/v1/products/1", headers=key)).status_code == 200
        del fake.keys[KEY]  # revoked in the user service
        now[0] += 29.9
        assert (await gateway.client.get("/api/v1/products/1", headers=key)).status_code == 200
        now[0] += 0.2
        revoked = await gateway.client.get("/api/v1/products/1", headers=key)
        assert revoked.status_code == 401


async def test_made_up_keys_are_limited_per_address(
    start_gateway: GatewayFactory, fake: FakeUpstream
) -> None:
    async with start_gateway(api_key_exchange_limit="3/minute") as gateway:
        codes = [
            (
                await gateway.client.get("/api/v1/products/1", headers={"X-API-Key": f"k{i}"})
            ).status_code
            for i in range(5)
        ]
    assert codes == [401, 401, 401, 429, 429]
    assert fake.exchanges == 3


async def test_keys_cannot_be_checked_while_the_user_service_is_down(
    start_gateway: GatewayFactory,
) -> None:
    async with start_gateway(user_url="http://127.0.0.1:1") as gateway:
        response = await gateway.client.get("/api/v1/products/1", headers={"X-API-Key": KEY})
    assert response.status_code == 503
    _problem(response)
    assert response.headers["retry-after"] == "5"
