"""/users/me/api-keys: a key shown once and stored as a digest, listed without the
secret, scoped, revocable, and nobody else's business."""

from __future__ import annotations

from typing import Any

from agora_user_testing import Account, UserApi

KEYS = "/api/v1/users/me/api-keys"
EXCHANGE = "/internal/token-exchange"


async def new_key(api: UserApi, account: Account, **body: Any) -> dict[str, Any]:
    payload = {"name": "inventory sync", "scopes": ["catalog:read", "orders:read"], **body}
    response = await api.client.post(KEYS, json=payload, headers=account.headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


async def test_a_key_is_shown_once_and_stored_as_a_digest(api: UserApi) -> None:
    account = await api.signed_in()
    key = await new_key(api, account)
    assert key["key"].startswith(key["prefix"] + "_")
    assert key["prefix"].startswith("agora_")
    assert key["scopes"] == ["catalog:read", "orders:read"]
    assert key["created_at"]
    stored = str(await api.query("SELECT * FROM api_keys"))
    secret = key["key"].rsplit("_", 1)[-1]
    assert key["key"] not in stored
    assert secret not in stored

    listing = await api.client.get(KEYS, headers=account.headers)
    assert listing.status_code == 200
    [item] = listing.json()["items"]
    assert item["id"] == key["id"]
    assert item["prefix"] == key["prefix"]
    assert "key" not in item
    assert secret not in listing.text


async def test_unknown_scopes_are_422_and_inventory_is_for_vendors(api: UserApi) -> None:
    account = await api.signed_in()
    for scopes in (["admin:everything"], [], ["catalog:read", "root"]):
        response = await api.client.post(
            KEYS, json={"name": "x", "scopes": scopes}, headers=account.headers
        )
        assert response.status_code == 422, scopes
        assert response.json()["errors"][0]["name"].startswith("body.scopes")
    for vendors_only in ("inventory:write", "webhooks:write"):
        refused = await api.client.post(
            KEYS, json={"name": "x", "scopes": [vendors_only]}, headers=account.headers
        )
        assert refused.status_code == 403, vendors_only
        assert refused.json()["type"].endswith("/scope-not-allowed")


async def test_a_revoked_key_stops_working(api: UserApi) -> None:
    account = await api.signed_in()
    key = await new_key(api, account)
    assert (await api.client.post(EXCHANGE, json={"api_key": key["key"]})).status_code == 200

    revoked = await api.client.delete(f"{KEYS}/{key['id']}", headers=account.headers)
    assert revoked.status_code == 204
    exchange = await api.client.post(EXCHANGE, json={"api_key": key["key"]})
    assert exchange.status_code == 401
    assert exchange.json()["type"].endswith("/invalid-api-key")
    # Presented directly, on any route, public ones included: 401.
    for method, path in (("GET", "/api/v1/users/me"), ("POST", "/api/v1/auth/password/forgot")):
        response = await api.client.request(
            method, path, headers={"X-API-Key": key["key"]}, json={"email": "a@example.com"}
        )
        assert response.status_code == 401, path
    assert (await api.client.get(KEYS, headers=account.headers)).json()["items"] == []


async def test_keys_are_private_to_their_owner(api: UserApi) -> None:
    alice = await api.signed_in()
    mallory = await api.signed_in()
    key = await new_key(api, alice)

    listing = await api.client.get(KEYS, headers=mallory.headers)
    assert listing.json()["items"] == []
    for key_id in (key["id"], "not-a-uuid", "00000000-0000-0000-0000-000000000000"):
        response = await api.client.delete(f"{KEYS}/{key_id}", headers=mallory.headers)
        assert response.status_code == 404, key_id
        assert response.headers["content-type"] == "application/problem+json"
    # Alice's key still works.
    assert (await api.client.post(EXCHANGE, json={"api_key": key["key"]})).status_code == 200


async def test_api_keys_and_their_tokens_cannot_manage_accounts(api: UserApi) -> None:
    account = await api.signed_in()
    key = await new_key(api, account)
    with_key = await api.client.post(
        KEYS,
        json={"name": "escalate", "scopes": ["orders:write"]},
        headers={"X-API-Key": key["key"]},
    )
    assert with_key.status_code == 403
    token = (await api.client.post(EXCHANGE, json={"api_key": key["key"]})).json()["access_token"]
    for method, path in (
        ("GET", KEYS),
        ("DELETE", "/api/v1/users/me"),
        ("GET", "/api/v1/users/me"),
    ):
        response = await api.client.request(
            method, path, headers={"Authorization": f"Bearer {token}"}
        )
        assert response.status_code == 403, path
    assert (await api.client.get("/api/v1/users/me", headers=account.headers)).status_code == 200


async def test_listing_is_cursor_paginated_newest_first(api: UserApi) -> None:
    account = await api.signed_in()
    ids = [(await new_key(api, account, name=f"key {i}"))["id"] for i in range(5)]
    page = (await api.client.get(f"{KEYS}?limit=2", headers=account.headers)).json()
    seen = [k["id"] for k in page["items"]]
    while page["next_cursor"]:
        page = (
            await api.client.get(
                f"{KEYS}?limit=2&cursor={page['next_cursor']}", headers=account.headers
            )
        ).json()
        seen += [k["id"] for k in page["items"]]
    assert seen == list(reversed(ids))


async def test_there_is_a_limit_per_account(api: UserApi) -> None:
    api.context.settings.api_key_max_per_user = 2
    account = await api.signed_in()
    await new_key(api, account)
    await new_key(api, account)
    response = await api.client.post(
        KEYS, json={"name": "third", "scopes": ["catalog:read"]}, headers=account.headers
    )
    assert response.status_code == 409
