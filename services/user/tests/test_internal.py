"""POST /internal/token-exchange: what the gateway does with an X-API-Key."""

from __future__ import annotations

import json
from datetime import timedelta

import httpx
import jwt

from agora_kit.auth import JWKSVerifier, JWTConfig
from agora_user_testing import UserApi

EXCHANGE = "/internal/token-exchange"


async def test_a_valid_key_becomes_a_short_lived_jwt_with_its_scopes(api: UserApi) -> None:
    account = await api.signed_in()
    key = await api.api_key(account, ["orders:read", "catalog:read"], name="reports")
    response = await api.client.post(EXCHANGE, json={"api_key": key["key"]})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 300
    assert body["scope"] == "catalog:read orders:read"
    assert body["user_id"] == account.id

    # Any service verifies it like a user's token, through the published JWKS, and
    # sees the owner limited to the key's scopes.
    verifier = JWKSVerifier(
        JWTConfig(jwks_url="http://user/.well-known/jwks.json", issuer="agora", audience="agora"),
        http_client=api.client,
    )
    principal = await verifier.verify(body["access_token"])
    assert principal.user_id == account.id
    assert principal.scopes == frozenset({"orders:read", "catalog:read"})
    assert principal.allows("orders:read")
    assert not principal.allows("orders:write")
    claims = jwt.decode(body["access_token"], options={"verify_signature": False})
    assert claims["exp"] - claims["iat"] == 300

    # The exchange records when the key was last used.
    listed = (await api.client.get("/api/v1/users/me/api-keys", headers=account.headers)).json()[
        "items"
    ][0]
    assert listed["last_used_at"] is not None


async def test_made_up_keys_are_401(api: UserApi) -> None:
    account = await api.signed_in()
    real = (await api.api_key(account, ["catalog:read"]))["key"]
    for fake in (
        "nope",
        real[:-1] + ("A" if real[-1] != "A" else "B"),
        real + "x",
        "agora_" + "a" * 12 + "_" + "b" * 43,
        "\x00",
        "agora__",
        "agora_\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00_secret",
    ):
        # ensure_ascii: a lone surrogate travels as an escape and reaches the server.
        response = await api.client.post(
            EXCHANGE,
            content=json.dumps({"api_key": fake}),
            headers={"Content-Type": "application/json"},
        )
        assert response.status_code == 401, fake
    # Not even text: rejected before any look-up.
    response = await api.client.post(
        EXCHANGE,
        content=json.dumps({"api_key": "agora_" + "\ud800" * 12 + "_secret"}),
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 422


async def test_a_disabled_owner_disables_the_key(api: UserApi) -> None:
    account = await api.signed_in()
    key = (await api.api_key(account, ["catalog:read"]))["key"]
    await api.query("UPDATE users SET is_active = false WHERE id = :id", id=account.id)
    assert (await api.client.post(EXCHANGE, json={"api_key": key})).status_code == 401
    await api.query("UPDATE users SET is_active = true WHERE id = :id", id=account.id)
    assert (await api.client.post(EXCHANGE, json={"api_key": key})).status_code == 200


async def test_last_used_is_written_at_most_once_a_minute(api: UserApi) -> None:
    account = await api.signed_in()
    key = (await api.api_key(account, ["catalog:read"]))["key"]
    await api.client.post(EXCHANGE, json={"api_key": key})
    [first] = await api.query("SELECT last_used_at FROM api_keys")
    await api.client.post(EXCHANGE, json={"api_key": key})
    [second] = await api.query("SELECT last_used_at FROM api_keys")
    assert first == second
    api.context.clock.advance(timedelta(minutes=2))
    await api.client.post(EXCHANGE, json={"api_key": key})
    [third] = await api.query("SELECT last_used_at FROM api_keys")
    assert third["last_used_at"] > first["last_used_at"]


async def test_the_exchange_refuses_callers_without_the_service_credential(
    api: UserApi,
) -> None:
    """Only Agora's own parts may turn keys into tokens: a caller that reached the
    service (on loopback, say) without the credential gets 403 and no token."""
    account = await api.signed_in()
    key = (await api.api_key(account, ["orders:read"], name="reports"))["key"]
    for credential in (None, "development-only-service-token-guess"):
        headers = {"x-agora-service-token": credential} if credential else {}
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=api.app), base_url="http://user", headers=headers
        ) as outsider:
            refused = await outsider.post(EXCHANGE, json={"api_key": key})
        assert refused.status_code == 403, refused.text
        assert refused.headers["content-type"] == "application/problem+json"
        assert "access_token" not in refused.text
