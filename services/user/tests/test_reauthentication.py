"""Sensitive account changes need a recent sign-in: creating API keys, turning 2FA on
or off and erasing the account answer 401 ``reauthentication-required`` to a session
signed in more than five minutes ago, until POST /auth/reauthenticate proves the
password (and the second factor) again."""

from __future__ import annotations

from typing import Any

import httpx
import jwt
import pyotp
import pytest

from agora_user_testing import PASSWORD, Account, UserApi, bearer

TOTP = "/api/v1/users/me/mfa/totp"
REAUTH = "/api/v1/auth/reauthenticate"
KEYS = "/api/v1/users/me/api-keys"
KEY = {"name": "sync", "scopes": ["catalog:read"]}


async def stale(api: UserApi, account: Account) -> Account:
    """The same session ten minutes after its sign-in, with a refreshed access token."""
    await api.query(
        "UPDATE sessions SET authenticated_at = authenticated_at - interval '10 minutes'"
    )
    refreshed = await api.client.post(
        "/api/v1/auth/refresh", json={"refresh_token": account.refresh_token}
    )
    assert refreshed.status_code == 200, refreshed.text
    account.access_token = refreshed.json()["access_token"]
    account.refresh_token = refreshed.json()["refresh_token"]
    return account


def code(api: UserApi, secret: str) -> str:
    return pyotp.TOTP(secret).at(api.context.clock())


async def next_step(api: UserApi) -> None:
    """Let the current code be usable once more (codes are single-use)."""
    await api.query("UPDATE users SET totp_last_step = totp_last_step - 1")


async def enrolled(api: UserApi) -> tuple[Account, str]:
    account = await api.signed_in()
    secret = (await api.client.post(TOTP, headers=account.headers)).json()["secret"]
    confirm = await api.client.post(
        f"{TOTP}/confirm", json={"code": code(api, secret)}, headers=account.headers
    )
    assert confirm.status_code == 204, confirm.text
    await next_step(api)
    return account, secret


def assert_reauthentication_required(response: httpx.Response) -> None:
    assert response.status_code == 401, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["type"].endswith("/reauthentication-required")
    assert "insufficient_user_authentication" in response.headers["WWW-Authenticate"]


def auth_time(token: str) -> int:
    claims: dict[str, Any] = jwt.decode(token, options={"verify_signature": False})
    return int(claims["auth_time"])


async def test_a_fresh_sign_in_may_create_a_key(api: UserApi) -> None:
    account = await api.signed_in()
    assert auth_time(account.access_token) > 0
    assert (await api.client.post(KEYS, json=KEY, headers=account.headers)).status_code == 201


async def test_a_stale_session_must_reauthenticate_before_creating_a_key(api: UserApi) -> None:
    account = await stale(api, await api.signed_in())
    assert_reauthentication_required(await api.client.post(KEYS, json=KEY, headers=account.headers))
    assert await api.query("SELECT * FROM api_keys") == []
    # Reading is not sensitive.
    assert (await api.client.get(KEYS, headers=account.headers)).status_code == 200

    wrong = await api.client.post(
        REAUTH, json={"password": "wrong-password-1"}, headers=account.headers
    )
    assert wrong.status_code == 401
    assert wrong.json()["type"].endswith("/invalid-credentials")

    again = await api.client.post(REAUTH, json={"password": PASSWORD}, headers=account.headers)
    assert again.status_code == 200, again.text
    tokens = again.json()
    assert auth_time(tokens["access_token"]) > auth_time(account.access_token)
    created = await api.client.post(KEYS, json=KEY, headers=bearer(tokens["access_token"]))
    assert created.status_code == 201, created.text
    # The stolen, older access token of the same session stays stale.
    assert_reauthentication_required(await api.client.post(KEYS, json=KEY, headers=account.headers))
    # The new refresh token keeps the new sign-in time.
    refreshed = await api.client.post(
        "/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]}
    )
    assert auth_time(refreshed.json()["access_token"]) == auth_time(tokens["access_token"])


async def test_reauthentication_needs_a_signed_in_person(api: UserApi) -> None:
    response = await api.client.post(REAUTH, json={"password": PASSWORD})
    assert response.status_code == 401


async def test_erasing_the_account_needs_a_recent_sign_in(api: UserApi) -> None:
    account = await stale(api, await api.signed_in())
    assert_reauthentication_required(
        await api.client.delete("/api/v1/users/me", headers=account.headers)
    )
    [user] = await api.query("SELECT email FROM users")
    assert user["email"] == account.email


async def test_enrolling_two_factor_needs_a_recent_sign_in(api: UserApi) -> None:
    account = await stale(api, await api.signed_in())
    assert_reauthentication_required(await api.client.post(TOTP, headers=account.headers))


@pytest.mark.parametrize("with_code", [False, True])
async def test_with_two_factor_on_reauthentication_needs_a_code(
    api: UserApi, with_code: bool
) -> None:
    account, secret = await enrolled(api)
    account = await stale(api, account)
    assert_reauthentication_required(
        await api.client.request(
            "DELETE", TOTP, json={"code": code(api, secret)}, headers=account.headers
        )
    )
    await next_step(api)
    body = {"password": PASSWORD, **({"code": code(api, secret)} if with_code else {})}
    response = await api.client.post(REAUTH, json=body, headers=account.headers)
    if not with_code:
        assert response.status_code == 401
        assert response.json()["type"].endswith("/mfa-failed")
        return
    assert response.status_code == 200, response.text
    await next_step(api)
    off = await api.client.request(
        "DELETE",
        TOTP,
        json={"code": code(api, secret)},
        headers=bearer(response.json()["access_token"]),
    )
    assert off.status_code == 204, off.text
