"""POST /auth/login and /auth/token: tokens for the right password, one and the same
401 for an unknown address and a wrong password, and 429 once failures pile up."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import jwt
import pytest

from agora_kit.serving import SERVICE_TOKEN_HEADER
from agora_user.service.passwords import Passwords
from agora_user_testing import PASSWORD, UserApi

LOGIN = "/api/v1/auth/login"


def comparable(problem: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in problem.items() if k not in ("request_id", "instance")}


async def test_login_returns_a_short_lived_signed_access_token_and_a_refresh_token(
    api: UserApi,
) -> None:
    account = await api.register("ada@example.com")
    response = await api.client.post(LOGIN, json={"email": "ADA@example.com", "password": PASSWORD})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 900
    header = jwt.get_unverified_header(body["access_token"])
    assert header["alg"] == "EdDSA"
    assert header["kid"]
    claims = jwt.decode(body["access_token"], options={"verify_signature": False})
    assert claims["sub"] == account.id
    assert claims["roles"] == ["customer"]
    assert claims["iss"] == "agora"
    assert claims["aud"] == "agora"
    assert claims["exp"] - claims["iat"] == 900
    assert {"jti", "nbf", "sid"} <= set(claims)
    assert "scope" not in claims
    # The refresh token is opaque and stored only as a digest.
    assert body["refresh_token"].count(".") == 0
    rows = await api.query("SELECT token_hash FROM refresh_tokens")
    assert len(rows) == 1
    assert body["refresh_token"] not in str(rows)


async def test_unknown_address_and_wrong_password_get_the_same_answer_after_the_same_work(
    api: UserApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    await api.register("ada@example.com")
    verified: list[bool] = []
    original = Passwords.verify

    async def counting(self: Passwords, password: str, password_hash: str | None) -> Any:
        verified.append(password_hash is None)
        return await original(self, password, password_hash)

    monkeypatch.setattr(Passwords, "verify", counting)
    wrong = await api.client.post(LOGIN, json={"email": "ada@example.com", "password": "nope" * 3})
    unknown = await api.client.post(LOGIN, json={"email": "bob@example.com", "password": PASSWORD})
    garbage = await api.client.post(LOGIN, json={"email": "not an address", "password": "x"})
    assert wrong.status_code == unknown.status_code == garbage.status_code == 401
    assert comparable(wrong.json()) == comparable(unknown.json()) == comparable(garbage.json())
    assert wrong.headers["www-authenticate"] == unknown.headers["www-authenticate"]
    # An Argon2 verification ran each time: against the stored hash, then a dummy.
    assert verified == [False, True, True]


async def test_repeated_failures_lock_the_address_with_429_even_for_the_right_password(
    api: UserApi,
) -> None:
    await api.register("ada@example.com")
    for _ in range(5):
        response = await api.client.post(LOGIN, json={"email": "ada@example.com", "password": "x"})
        assert response.status_code == 401
    locked = await api.client.post(LOGIN, json={"email": "ada@example.com", "password": PASSWORD})
    assert locked.status_code == 429
    assert locked.headers["content-type"] == "application/problem+json"
    assert 0 < int(locked.headers["retry-after"]) <= 900
    assert locked.headers["ratelimit-remaining"] == "0"
    # Another address is not affected.
    other = await api.register("grace@example.com")
    assert (
        await api.client.post(LOGIN, json={"email": other.email, "password": PASSWORD})
    ).status_code == 200

    api.context.clock.advance(timedelta(minutes=16))
    unlocked = await api.client.post(LOGIN, json={"email": "ada@example.com", "password": PASSWORD})
    assert unlocked.status_code == 200
    # Nothing in the throttle table names the address.
    assert "ada@example.com" not in str(await api.query("SELECT * FROM login_throttle"))


async def test_lockout_tells_nothing_about_which_addresses_exist(api: UserApi) -> None:
    answers = []
    for _ in range(6):
        response = await api.client.post(
            LOGIN, json={"email": "ghost@example.com", "password": "x"}
        )
        answers.append(response.status_code)
    assert answers == [401] * 5 + [429]


async def test_one_client_trying_many_addresses_is_throttled(api: UserApi) -> None:
    api.context.settings.login_ip_max_failures = 8
    answers = []
    for i in range(9):
        response = await api.client.post(
            LOGIN, json={"email": f"guess{i}@example.com", "password": "x"}
        )
        answers.append(response.status_code)
    assert answers == [401] * 8 + [429]


@pytest.mark.parametrize(
    ("credential", "expected"), [(False, [401] * 3 + [429]), (True, [401] * 4)]
)
async def test_a_forged_client_address_escapes_the_lockout_only_with_the_credential(
    api: UserApi, credential: bool, expected: list[int]
) -> None:
    # A loopback caller writing X-Forwarded-For straight at the service (ADR 0055).
    api.context.settings.login_ip_max_failures = 3
    if not credential:
        api.client.headers.pop(SERVICE_TOKEN_HEADER)
    answers = []
    for i in range(4):
        response = await api.client.post(
            LOGIN,
            json={"email": f"forger{i}@example.com", "password": "x"},
            headers={"X-Forwarded-For": f"203.0.113.{i + 1}"},
        )
        answers.append(response.status_code)
    assert answers == expected


async def test_a_success_forgives_earlier_failures(api: UserApi) -> None:
    account = await api.register()
    for _ in range(4):
        await api.client.post(LOGIN, json={"email": account.email, "password": "x"})
    await api.login(account)
    for _ in range(4):
        response = await api.client.post(LOGIN, json={"email": account.email, "password": "x"})
        assert response.status_code == 401


async def test_a_disabled_account_cannot_sign_in(api: UserApi) -> None:
    account = await api.register()
    await api.query("UPDATE users SET is_active = false WHERE id = :id", id=account.id)
    response = await api.client.post(LOGIN, json={"email": account.email, "password": PASSWORD})
    assert response.status_code == 403
    assert response.json()["type"].endswith("/account-disabled")


async def test_oauth2_password_flow_for_the_docs_ui(api: UserApi) -> None:
    account = await api.register()
    response = await api.client.post(
        "/api/v1/auth/token", data={"username": account.email, "password": PASSWORD}
    )
    assert response.status_code == 200, response.text
    assert response.json()["token_type"] == "bearer"
    me = await api.client.get(
        "/api/v1/users/me", headers={"Authorization": f"Bearer {response.json()['access_token']}"}
    )
    assert me.status_code == 200
    wrong = await api.client.post(
        "/api/v1/auth/token", data={"username": account.email, "password": "wrong-password"}
    )
    assert wrong.status_code == 401
    spec = (await api.client.get("/openapi.json")).json()
    schemes = spec["components"]["securitySchemes"]
    assert any(s.get("flows", {}).get("password") for s in schemes.values())


async def test_old_password_hashes_are_upgraded_at_login(api: UserApi) -> None:
    account = await api.register()
    [before] = await api.query("SELECT password_hash FROM users")
    api.context.passwords = Passwords(
        api.context.settings.model_copy(update={"password_hash_time_cost": 2})
    )
    await api.login(account)
    [after] = await api.query("SELECT password_hash FROM users")
    assert before["password_hash"] != after["password_hash"]
    assert ",t=2," in after["password_hash"]
