"""POST /auth/refresh and /auth/logout: rotation, reuse detection that ends the whole
family (RFC 9700), logout, and sessions that end when they should."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import jwt

from agora_user_testing import UserApi, bearer

REFRESH = "/api/v1/auth/refresh"
LOGOUT = "/api/v1/auth/logout"
ME = "/api/v1/users/me"


async def test_refresh_rotates_the_pair(api: UserApi) -> None:
    account = await api.signed_in()
    response = await api.client.post(REFRESH, json={"refresh_token": account.refresh_token})
    assert response.status_code == 200, response.text
    pair = response.json()
    assert pair["refresh_token"] != account.refresh_token
    assert pair["access_token"] != account.access_token
    assert (await api.client.get(ME, headers=bearer(pair["access_token"]))).status_code == 200
    # The next rotation works from the new token.
    nxt = await api.client.post(REFRESH, json={"refresh_token": pair["refresh_token"]})
    assert nxt.status_code == 200


async def test_a_reused_refresh_token_kills_its_whole_family(api: UserApi) -> None:
    account = await api.signed_in()
    other_session = await api.login(replace(account))
    rotated = (await api.client.post(REFRESH, json={"refresh_token": account.refresh_token})).json()

    # An attacker (or a confused client) presents the spent token again.
    reuse = await api.client.post(REFRESH, json={"refresh_token": account.refresh_token})
    assert reuse.status_code == 401
    assert reuse.json()["type"].endswith("/refresh-token-reused")

    # Everything of that family is dead now: the successor and its access token.
    successor = await api.client.post(REFRESH, json={"refresh_token": rotated["refresh_token"]})
    assert successor.status_code == 401
    assert (await api.client.get(ME, headers=bearer(rotated["access_token"]))).status_code == 401
    [session] = await api.query("SELECT revoked_reason FROM sessions WHERE revoked_at IS NOT NULL")
    assert session["revoked_reason"] == "refresh_token_reuse"

    # Another login of the same user (another family) lives on.
    assert (await api.client.get(ME, headers=other_session.headers)).status_code == 200
    again = await api.client.post(REFRESH, json={"refresh_token": other_session.refresh_token})
    assert again.status_code == 200


async def test_logout_revokes_the_session(api: UserApi) -> None:
    account = await api.signed_in()
    response = await api.client.post(LOGOUT, json={"refresh_token": account.refresh_token})
    assert response.status_code == 204
    assert (
        await api.client.post(REFRESH, json={"refresh_token": account.refresh_token})
    ).status_code == 401
    # The user service refuses the session's access token at once.
    assert (await api.client.get(ME, headers=account.headers)).status_code == 401
    # Logging out twice, or with a token nobody knows, is harmless.
    assert (
        await api.client.post(LOGOUT, json={"refresh_token": account.refresh_token})
    ).status_code == 204
    assert (await api.client.post(LOGOUT, json={"refresh_token": "nope"})).status_code == 204


async def test_unknown_and_expired_refresh_tokens_are_401(api: UserApi) -> None:
    assert (await api.client.post(REFRESH, json={"refresh_token": "nope"})).status_code == 401
    account = await api.signed_in()
    api.context.clock.advance(timedelta(days=31))
    response = await api.client.post(REFRESH, json={"refresh_token": account.refresh_token})
    assert response.status_code == 401
    assert response.json()["type"].endswith("/invalid-refresh-token")


async def test_refresh_carries_role_changes_into_the_new_access_token(api: UserApi) -> None:
    account = await api.signed_in()
    await api.query("UPDATE users SET roles = '{customer,vendor}' WHERE id = :id", id=account.id)
    pair = (await api.client.post(REFRESH, json={"refresh_token": account.refresh_token})).json()
    claims = jwt.decode(pair["access_token"], options={"verify_signature": False})
    assert claims["roles"] == ["customer", "vendor"]
