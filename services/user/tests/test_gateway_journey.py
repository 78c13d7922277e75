"""The journeys of API.md through the real gateway app (its plain pass-through), with
the user service behind it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI

from agora_gateway.app import create_app as create_gateway
from agora_gateway.client import HttpxClient
from agora_gateway.settings import Settings as GatewaySettings
from agora_kit.auth import JWKSVerifier, JWTConfig
from agora_user_testing import PASSWORD, UserApi

API = "/api/v1"


@pytest.fixture
async def gateway(user_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    app = create_gateway(GatewaySettings())
    await app.state.http_client.aclose()
    app.state.http_client = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=user_app), base_url="http://user"
    )
    app.state.upstream_client = HttpxClient(app.state.http_client)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://gateway"
    ) as client:
        yield client
    await app.state.http_client.aclose()


async def test_a_customer_journey_through_the_gateway(
    gateway: httpx.AsyncClient, api: UserApi
) -> None:
    registered = await gateway.post(
        f"{API}/auth/register",
        json={"email": "ada@example.com", "password": PASSWORD, "full_name": "Ada Lovelace"},
    )
    assert registered.status_code == 201, registered.text
    assert set(registered.json()) >= {"id", "email", "full_name", "roles", "email_verified"}
    assert registered.headers["x-request-id"]

    [mail] = await api.events("email_verification_requested.v2")
    verified = await gateway.post(f"{API}/auth/verify-email", json={"token": api.mail_token(mail)})
    assert verified.status_code == 204

    login = await gateway.post(
        f"{API}/auth/login", json={"email": "ada@example.com", "password": PASSWORD}
    )
    assert login.status_code == 200, login.text
    tokens = login.json()
    assert tokens["token_type"] == "bearer"
    auth = {"Authorization": f"Bearer {tokens['access_token']}"}

    me = await gateway.get(f"{API}/users/me", headers=auth)
    assert me.status_code == 200
    assert me.json()["email_verified"] is True

    refreshed = await gateway.post(
        f"{API}/auth/refresh", json={"refresh_token": tokens["refresh_token"]}
    )
    assert refreshed.status_code == 200
    auth = {"Authorization": f"Bearer {refreshed.json()['access_token']}"}

    created = await gateway.post(
        f"{API}/users/me/api-keys", json={"name": "sync", "scopes": ["catalog:read"]}, headers=auth
    )
    assert created.status_code == 201
    key = created.json()
    listed = await gateway.get(f"{API}/users/me/api-keys", headers=auth)
    assert [k["id"] for k in listed.json()["items"]] == [key["id"]]
    assert key["key"] not in listed.text

    # The token exchange is for the gateway's own use: not reachable from outside.
    for path in ("/internal/token-exchange", f"{API}/internal/token-exchange"):
        outside = await gateway.post(path, json={"api_key": key["key"]})
        assert outside.status_code == 404, path
    # ...but the service itself answers it.
    inside = await api.client.post("/internal/token-exchange", json={"api_key": key["key"]})
    assert inside.status_code == 200

    revoked = await gateway.delete(f"{API}/users/me/api-keys/{key['id']}", headers=auth)
    assert revoked.status_code == 204
    dead = await gateway.get(f"{API}/users/me", headers={"X-API-Key": key["key"]})
    assert dead.status_code == 401
    assert dead.headers["content-type"] == "application/problem+json"

    # Keys from the JWKS, through the gateway, verify the access token.
    jwks = await gateway.get("/.well-known/jwks.json")
    assert jwks.status_code == 200
    verifier = JWKSVerifier(
        JWTConfig(
            jwks_url="http://gateway/.well-known/jwks.json", issuer="agora", audience="agora"
        ),
        http_client=gateway,
    )
    principal = await verifier.verify(refreshed.json()["access_token"])
    assert principal.roles == frozenset({"customer"})

    assert (await gateway.get(f"{API}/admin/users", headers=auth)).status_code == 403

    logout = await gateway.post(
        f"{API}/auth/logout", json={"refresh_token": refreshed.json()["refresh_token"]}
    )
    assert logout.status_code == 204
    assert (await gateway.get(f"{API}/users/me", headers=auth)).status_code == 401


async def test_a_forgotten_password_journey_through_the_gateway(
    gateway: httpx.AsyncClient, api: UserApi
) -> None:
    account = await api.signed_in("grace@example.com")
    forgot = await gateway.post(f"{API}/auth/password/forgot", json={"email": account.email})
    assert forgot.status_code == 202
    unknown = await gateway.post(f"{API}/auth/password/forgot", json={"email": "x@example.com"})
    assert unknown.status_code == 202
    [mail] = await api.events("password_reset_requested.v2")
    reset = await gateway.post(
        f"{API}/auth/password/reset",
        json={"token": api.mail_token(mail), "new_password": "amber-quokka-meadow-19"},
    )
    assert reset.status_code == 204
    assert (await gateway.get(f"{API}/users/me", headers=account.headers)).status_code == 401
    login = await gateway.post(
        f"{API}/auth/login", json={"email": account.email, "password": "amber-quokka-meadow-19"}
    )
    assert login.status_code == 200


async def test_failed_logins_through_the_gateway_end_in_429(
    gateway: httpx.AsyncClient, api: UserApi
) -> None:
    await api.register("ada@example.com")
    codes = [
        (
            await gateway.post(
                f"{API}/auth/login", json={"email": "ada@example.com", "password": "x"}
            )
        ).status_code
        for _ in range(6)
    ]
    assert codes == [401] * 5 + [429]
