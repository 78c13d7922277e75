"""POST /auth/password/forgot and /auth/password/reset: 202 whatever the address, a
token that works once and not for long, and every session ended by a reset."""

from __future__ import annotations

from datetime import timedelta

from agora_user_testing import PASSWORD, UserApi

FORGOT = "/api/v1/auth/password/forgot"
RESET = "/api/v1/auth/password/reset"
NEW_PASSWORD = "violet-harbour-lantern-7"


async def reset_token(api: UserApi) -> str:
    events = await api.events("password_reset_requested.v2")
    return api.mail_token(events[-1])


async def test_forgot_is_202_for_any_address_and_mails_only_real_accounts(api: UserApi) -> None:
    account = await api.register("ada@example.com", full_name="Ada Lovelace")
    for email in ("ada@example.com", "nobody@example.com", "not-even-an-address"):
        response = await api.client.post(FORGOT, json={"email": email})
        assert response.status_code == 202, email
        assert response.content == b""
    [event] = await api.events("password_reset_requested.v2")
    data = event["data"]
    assert data["user_id"] == account.id
    assert data["email"] == "ada@example.com"
    assert data["full_name"] == "Ada Lovelace"
    assert data["expires_at"]
    token = api.mail_token(event)
    assert token not in str(await api.query("SELECT * FROM one_time_tokens"))
    # The outbox row (and so the event log) holds the token sealed only.
    assert "token" not in data
    assert token not in str(await api.query("SELECT * FROM outbox"))


async def test_a_reset_token_works_once_and_ends_every_session(api: UserApi) -> None:
    account = await api.signed_in()
    second = await api.login(await api.register(account.email.replace("user", "other")))
    await api.client.post(FORGOT, json={"email": account.email})
    token = await reset_token(api)

    response = await api.client.post(RESET, json={"token": token, "new_password": NEW_PASSWORD})
    assert response.status_code == 204, response.text
    again = await api.client.post(RESET, json={"token": token, "new_password": NEW_PASSWORD + "x"})
    assert again.status_code == 400
    assert again.json()["type"].endswith("/invalid-token")

    # Every session of the account is over; another user's is not.
    refresh = await api.client.post(
        "/api/v1/auth/refresh", json={"refresh_token": account.refresh_token}
    )
    assert refresh.status_code == 401
    assert (await api.client.get("/api/v1/users/me", headers=account.headers)).status_code == 401
    assert (await api.client.get("/api/v1/users/me", headers=second.headers)).status_code == 200

    old = await api.client.post(
        "/api/v1/auth/login", json={"email": account.email, "password": PASSWORD}
    )
    assert old.status_code == 401
    new = await api.client.post(
        "/api/v1/auth/login", json={"email": account.email, "password": NEW_PASSWORD}
    )
    assert new.status_code == 200
    assert await api.events("password_changed.v1")


async def test_a_weak_new_password_is_422_and_leaves_the_token_usable(api: UserApi) -> None:
    account = await api.register()
    await api.client.post(FORGOT, json={"email": account.email})
    token = await reset_token(api)
    weak = await api.client.post(RESET, json={"token": token, "new_password": "password1"})
    assert weak.status_code == 422
    assert weak.json()["errors"][0]["name"] == "body.new_password"
    ok = await api.client.post(RESET, json={"token": token, "new_password": NEW_PASSWORD})
    assert ok.status_code == 204


async def test_a_reset_token_expires(api: UserApi) -> None:
    account = await api.register()
    await api.client.post(FORGOT, json={"email": account.email})
    token = await reset_token(api)
    api.context.clock.advance(timedelta(hours=2))
    response = await api.client.post(RESET, json={"token": token, "new_password": NEW_PASSWORD})
    assert response.status_code == 400


async def test_repeated_requests_do_not_flood_the_mailbox(api: UserApi) -> None:
    account = await api.register()
    for _ in range(3):
        assert (await api.client.post(FORGOT, json={"email": account.email})).status_code == 202
    assert len(await api.events("password_reset_requested.v2")) == 1
    api.context.clock.advance(timedelta(minutes=2))
    await api.client.post(FORGOT, json={"email": account.email})
    assert len(await api.events("password_reset_requested.v2")) == 2


async def test_a_reset_revokes_every_api_key_and_mails_the_owner(api: UserApi) -> None:
    account = await api.signed_in()
    created = await api.client.post(
        "/api/v1/users/me/api-keys",
        json={"name": "sync", "scopes": ["catalog:read"]},
        headers=account.headers,
    )
    assert created.status_code == 201, created.text
    key = created.json()["key"]
    exchange = await api.client.post("/internal/token-exchange", json={"api_key": key})
    assert exchange.status_code == 200, exchange.text

    await api.client.post(FORGOT, json={"email": account.email})
    token = await reset_token(api)
    response = await api.client.post(RESET, json={"token": token, "new_password": NEW_PASSWORD})
    assert response.status_code == 204, response.text

    refused = await api.client.post("/internal/token-exchange", json={"api_key": key})
    assert refused.status_code == 401
    [row] = await api.query("SELECT revoked_at FROM api_keys")
    assert row["revoked_at"] is not None
    [changed] = await api.events("password_changed.v1")
    assert changed["data"]["email"] == account.email
