"""POST /auth/register and /auth/verify-email: what a new customer sees, what is
stored (hashes only) and what the notification service is asked to send."""

from __future__ import annotations

from datetime import timedelta

from agora_user_testing import PASSWORD, UserApi, bearer

REGISTER = "/api/v1/auth/register"
VERIFY = "/api/v1/auth/verify-email"


async def test_registration_creates_a_customer_and_asks_for_a_verification_mail(
    api: UserApi,
) -> None:
    response = await api.client.post(
        REGISTER,
        json={"email": "Ada@Example.COM", "password": PASSWORD, "full_name": " Ada Lovelace "},
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["email"] == "ada@example.com"
    assert body["full_name"] == "Ada Lovelace"
    assert body["roles"] == ["customer"]
    assert body["email_verified"] is False
    assert "password" not in response.text

    [stored] = await api.query("SELECT email, password_hash FROM users")
    assert stored["email"] == "ada@example.com"
    assert stored["password_hash"].startswith("$argon2id$")
    assert PASSWORD not in stored["password_hash"]

    [registered] = await api.events("user.registered.v1")
    assert registered["subject"] == body["id"]
    assert registered["data"]["email"] == "ada@example.com"
    assert "password" not in str(registered)
    [verification] = await api.events("email_verification_requested.v2")
    data = verification["data"]
    assert data["user_id"] == body["id"]
    assert data["full_name"] == "Ada Lovelace"
    token = api.mail_token(verification)
    assert len(token) >= 40
    # Only a digest of the token is stored, and the event carries it sealed.
    tokens = await api.query("SELECT token_hash FROM one_time_tokens")
    assert [t["token_hash"] for t in tokens] != [token]
    assert token not in str(tokens)
    assert "token" not in data
    assert token not in str(await api.query("SELECT * FROM outbox"))


async def test_an_address_registers_once_whatever_its_case(api: UserApi) -> None:
    await api.register("grace@example.com")
    response = await api.client.post(
        REGISTER,
        json={"email": "GRACE@example.com", "password": PASSWORD, "full_name": "Impostor"},
    )
    assert response.status_code == 409
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"].endswith("/email-taken")


async def test_bad_addresses_and_weak_passwords_are_422_naming_the_field(api: UserApi) -> None:
    cases = [
        ({"email": "not-an-address", "password": PASSWORD, "full_name": "A"}, "body.email"),
        ({"email": "a@example.com", "password": "short", "full_name": "A"}, "body.password"),
        ({"email": "a@example.com", "password": "password123", "full_name": "A"}, "body.password"),
        ({"email": "a@example.com", "password": "qwertyuiop", "full_name": "A"}, "body.password"),
        (
            {"email": "a@example.com", "password": "aaaaaaaaaaaaaa", "full_name": "A"},
            "body.password",
        ),
        (
            {"email": "margaret@example.com", "password": "margaret@example.com", "full_name": "M"},
            "body.password",
        ),
        ({"email": "a@example.com", "password": PASSWORD, "full_name": "   "}, "body.full_name"),
        ({"email": "a@example.com", "password": PASSWORD}, "body.full_name"),
    ]
    for body, field in cases:
        response = await api.client.post(REGISTER, json=body)
        assert response.status_code == 422, (body, response.text)
        assert response.headers["content-type"] == "application/problem+json"
        assert [e["name"] for e in response.json()["errors"]] == [field], response.text
    assert await api.query("SELECT id FROM users") == []


async def test_verification_token_works_once(api: UserApi) -> None:
    account = await api.signed_in()
    [event] = await api.events("email_verification_requested.v2")
    token = api.mail_token(event)

    assert (await api.client.post(VERIFY, json={"token": token})).status_code == 204
    me = await api.client.get("/api/v1/users/me", headers=account.headers)
    assert me.json()["email_verified"] is True
    assert await api.events("email_verified.v1")

    again = await api.client.post(VERIFY, json={"token": token})
    assert again.status_code == 400
    assert again.json()["type"].endswith("/invalid-token")


async def test_verification_token_expires(api: UserApi) -> None:
    await api.register()
    [event] = await api.events("email_verification_requested.v2")
    api.context.clock.advance(timedelta(hours=49))
    response = await api.client.post(VERIFY, json={"token": api.mail_token(event)})
    assert response.status_code == 400
    assert (await api.client.post(VERIFY, json={"token": "made-up"})).status_code == 400


async def test_a_new_verification_mail_replaces_the_old_link(api: UserApi) -> None:
    account = await api.signed_in()
    resend = await api.client.post(
        "/api/v1/users/me/email-verification", headers=bearer(account.access_token)
    )
    assert resend.status_code == 202
    first, second = await api.events("email_verification_requested.v2")
    assert (await api.client.post(VERIFY, json={"token": api.mail_token(first)})).status_code == 400
    assert (
        await api.client.post(VERIFY, json={"token": api.mail_token(second)})
    ).status_code == 204
