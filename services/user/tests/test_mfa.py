"""/users/me/mfa and /auth/login/mfa: TOTP enrolment, the second login step, replay
protection, recovery codes, and turning it off."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pyotp

from agora_user_testing import PASSWORD, Account, UserApi

TOTP = "/api/v1/users/me/mfa/totp"
LOGIN = "/api/v1/auth/login"
LOGIN_MFA = "/api/v1/auth/login/mfa"


def code(api: UserApi, secret: str) -> str:
    return pyotp.TOTP(secret).at(api.context.clock())


async def next_step(api: UserApi) -> None:
    """Codes are single-use: let the current one be usable again, as if the last one
    had been used a 30-second step earlier (moving the clock forward instead would
    mint access tokens that are not valid yet)."""
    await api.query("UPDATE users SET totp_last_step = totp_last_step - 1")


async def enrolled(api: UserApi) -> tuple[Account, dict[str, Any]]:
    account = await api.signed_in()
    enrollment = await api.client.post(TOTP, headers=account.headers)
    assert enrollment.status_code == 201, enrollment.text
    body = enrollment.json()
    confirm = await api.client.post(
        f"{TOTP}/confirm", json={"code": code(api, body["secret"])}, headers=account.headers
    )
    assert confirm.status_code == 204, confirm.text
    await next_step(api)
    return account, body


async def test_enrolment_gives_a_secret_uri_and_recovery_codes_stored_safely(api: UserApi) -> None:
    account = await api.signed_in()
    response = await api.client.post(TOTP, headers=account.headers)
    assert response.status_code == 201
    body = response.json()
    assert body["otpauth_uri"].startswith("otpauth://totp/")
    assert "issuer=Agora" in body["otpauth_uri"]
    assert len(body["recovery_codes"]) == 10
    stored = str(await api.query("SELECT * FROM users")) + str(
        await api.query("SELECT * FROM recovery_codes")
    )
    assert body["secret"] not in stored
    assert not any(c in stored or c.replace("-", "") in stored for c in body["recovery_codes"])
    # Not on until confirmed: login still needs the password only.
    login = await api.client.post(LOGIN, json={"email": account.email, "password": PASSWORD})
    assert "access_token" in login.json()


async def test_confirm_rejects_a_wrong_code_with_400(api: UserApi) -> None:
    account = await api.signed_in()
    await api.client.post(TOTP, headers=account.headers)
    for wrong in ("000000", "12345", "abcdef"):
        response = await api.client.post(
            f"{TOTP}/confirm", json={"code": wrong}, headers=account.headers
        )
        assert response.status_code == 400
        assert response.json()["type"].endswith("/invalid-mfa-code")


async def test_login_then_needs_the_second_step(api: UserApi) -> None:
    account, enrollment = await enrolled(api)
    first = await api.client.post(LOGIN, json={"email": account.email, "password": PASSWORD})
    assert first.status_code == 200
    body = first.json()
    assert body["mfa_required"] is True
    assert "access_token" not in body

    wrong = await api.client.post(
        LOGIN_MFA, json={"mfa_token": body["mfa_token"], "code": "000000"}
    )
    assert wrong.status_code == 401
    good_code = code(api, enrollment["secret"])
    ok = await api.client.post(LOGIN_MFA, json={"mfa_token": body["mfa_token"], "code": good_code})
    assert ok.status_code == 200, ok.text
    assert ok.json()["token_type"] == "bearer"
    me = await api.client.get(
        "/api/v1/users/me", headers={"Authorization": f"Bearer {ok.json()['access_token']}"}
    )
    assert me.json()["mfa_enabled"] is True

    # The challenge is spent, and the same code cannot be replayed on a new one.
    spent = await api.client.post(
        LOGIN_MFA, json={"mfa_token": body["mfa_token"], "code": good_code}
    )
    assert spent.status_code == 401
    fresh = (
        await api.client.post(LOGIN, json={"email": account.email, "password": PASSWORD})
    ).json()
    replay = await api.client.post(
        LOGIN_MFA, json={"mfa_token": fresh["mfa_token"], "code": good_code}
    )
    assert replay.status_code == 401
    # The OAuth2 form flow cannot do a second step.
    form = await api.client.post(
        "/api/v1/auth/token", data={"username": account.email, "password": PASSWORD}
    )
    assert form.status_code == 401


async def test_a_challenge_allows_a_few_wrong_codes_only(api: UserApi) -> None:
    account, enrollment = await enrolled(api)
    challenge = (
        await api.client.post(LOGIN, json={"email": account.email, "password": PASSWORD})
    ).json()["mfa_token"]
    for _ in range(5):
        await api.client.post(LOGIN_MFA, json={"mfa_token": challenge, "code": "000000"})
    late = await api.client.post(
        LOGIN_MFA, json={"mfa_token": challenge, "code": code(api, enrollment["secret"])}
    )
    assert late.status_code == 401


async def test_wrong_codes_across_challenges_lock_the_second_factor_and_mail_the_owner(
    api: UserApi,
) -> None:
    """A correct password gives a fresh challenge, but failures count per account:
    the 10th wrong code in 15 minutes locks the second step, even with the right code."""
    account, enrollment = await enrolled(api)
    for _ in range(2):
        challenge = (
            await api.client.post(LOGIN, json={"email": account.email, "password": PASSWORD})
        ).json()["mfa_token"]
        for _ in range(5):
            wrong = await api.client.post(
                LOGIN_MFA, json={"mfa_token": challenge, "code": "000000"}
            )
            assert wrong.status_code == 401
    challenge = (
        await api.client.post(LOGIN, json={"email": account.email, "password": PASSWORD})
    ).json()["mfa_token"]
    locked = await api.client.post(
        LOGIN_MFA, json={"mfa_token": challenge, "code": code(api, enrollment["secret"])}
    )
    assert locked.status_code == 429, locked.text
    assert locked.json()["type"].endswith("/mfa-locked")
    assert int(locked.headers["Retry-After"]) > 0
    [event] = await api.events("second_factor_locked.v1")
    assert event["data"]["email"] == account.email
    assert event["data"]["user_id"] == account.id

    api.context.clock.advance(timedelta(minutes=16))
    challenge = (
        await api.client.post(LOGIN, json={"email": account.email, "password": PASSWORD})
    ).json()["mfa_token"]
    ok = await api.client.post(
        LOGIN_MFA, json={"mfa_token": challenge, "code": code(api, enrollment["secret"])}
    )
    assert ok.status_code == 200, ok.text


async def test_a_recovery_code_works_once(api: UserApi) -> None:
    account, enrollment = await enrolled(api)
    recovery = enrollment["recovery_codes"][0]
    for expected in (200, 401):
        challenge = (
            await api.client.post(LOGIN, json={"email": account.email, "password": PASSWORD})
        ).json()["mfa_token"]
        response = await api.client.post(
            LOGIN_MFA, json={"mfa_token": challenge, "code": recovery.upper()}
        )
        assert response.status_code == expected


async def test_disable_needs_a_code_and_then_login_is_one_step_again(api: UserApi) -> None:
    account, enrollment = await enrolled(api)
    wrong = await api.client.request(
        "DELETE", TOTP, json={"code": "000000"}, headers=account.headers
    )
    assert wrong.status_code == 400
    ok = await api.client.request(
        "DELETE", TOTP, json={"code": code(api, enrollment["secret"])}, headers=account.headers
    )
    assert ok.status_code == 204
    login = await api.client.post(LOGIN, json={"email": account.email, "password": PASSWORD})
    assert "access_token" in login.json()
    assert await api.query("SELECT * FROM recovery_codes") == []


async def test_recovery_codes_can_be_replaced(api: UserApi) -> None:
    account, enrollment = await enrolled(api)
    response = await api.client.post(
        "/api/v1/users/me/mfa/recovery-codes",
        json={"code": code(api, enrollment["secret"])},
        headers=account.headers,
    )
    assert response.status_code == 201
    new_codes = response.json()["recovery_codes"]
    assert set(new_codes).isdisjoint(enrollment["recovery_codes"])
    await next_step(api)
    challenge = (
        await api.client.post(LOGIN, json={"email": account.email, "password": PASSWORD})
    ).json()["mfa_token"]
    old = await api.client.post(
        LOGIN_MFA, json={"mfa_token": challenge, "code": enrollment["recovery_codes"][1]}
    )
    assert old.status_code == 401


async def test_enrolling_twice_is_409(api: UserApi) -> None:
    account, _ = await enrolled(api)
    assert (await api.client.post(TOTP, headers=account.headers)).status_code == 409
