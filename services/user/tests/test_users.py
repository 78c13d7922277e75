"""/users/me: the profile, the GDPR export, and erasure that leaves nothing personal
and no working credential behind."""

from __future__ import annotations

from agora_user_testing import PASSWORD, UserApi, bearer

ME = "/api/v1/users/me"


async def test_profile_read_and_update(api: UserApi) -> None:
    account = await api.signed_in(full_name="Ada Lovelace")
    me = await api.client.get(ME, headers=account.headers)
    assert me.status_code == 200
    assert me.json()["full_name"] == "Ada Lovelace"

    changed = await api.client.patch(
        ME, json={"full_name": "Ada King", "locale": "en-GB"}, headers=account.headers
    )
    assert changed.status_code == 200
    assert changed.json()["full_name"] == "Ada King"
    assert changed.json()["locale"] == "en-GB"
    # Roles and the address are not the user's to change here.
    sneaky = await api.client.patch(
        ME, json={"roles": ["admin"], "email": "x@example.com"}, headers=account.headers
    )
    assert sneaky.status_code == 200
    assert sneaky.json()["roles"] == ["customer"]
    assert sneaky.json()["email"] == account.email
    bad = await api.client.patch(ME, json={"locale": "<script>"}, headers=account.headers)
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["name"] == "body.locale"


async def test_export_holds_the_personal_data_and_no_secret(api: UserApi) -> None:
    account = await api.signed_in(full_name="Ada Lovelace")
    key = await api.client.post(
        f"{ME}/api-keys",
        json={"name": "shop sync", "scopes": ["catalog:read"]},
        headers=account.headers,
    )
    response = await api.client.get(f"{ME}/export", headers=account.headers)
    assert response.status_code == 200
    export = response.json()
    assert export["profile"]["email"] == account.email
    assert export["profile"]["full_name"] == "Ada Lovelace"
    assert len(export["sessions"]) == 1
    assert export["api_keys"][0]["name"] == "shop sync"
    assert export["account_emails"][0]["purpose"] == "verify_email"
    text = response.text
    for secret in (account.refresh_token, key.json()["key"], PASSWORD, "$argon2"):
        assert secret not in text


async def test_erasure_revokes_everything_and_anonymises(api: UserApi) -> None:
    account = await api.signed_in("ada@example.com", full_name="Ada Lovelace")
    key = (
        await api.client.post(
            f"{ME}/api-keys",
            json={"name": "Ada's sync", "scopes": ["orders:read"]},
            headers=account.headers,
        )
    ).json()["key"]

    response = await api.client.delete(ME, headers=account.headers)
    assert response.status_code == 204

    # No credential works any more.
    assert (await api.client.get(ME, headers=account.headers)).status_code == 401
    login = await api.client.post(
        "/api/v1/auth/login", json={"email": "ada@example.com", "password": PASSWORD}
    )
    assert login.status_code == 401
    refresh = await api.client.post(
        "/api/v1/auth/refresh", json={"refresh_token": account.refresh_token}
    )
    assert refresh.status_code == 401
    exchange = await api.client.post("/internal/token-exchange", json={"api_key": key})
    assert exchange.status_code == 401

    # Nothing personal is left in any table but the outbox, whose published rows the
    # relay deletes after a week.
    dump = ""
    for table in (
        "users",
        "sessions",
        "refresh_tokens",
        "one_time_tokens",
        "api_keys",
        "recovery_codes",
        "login_throttle",
    ):
        dump += str(await api.query(f"SELECT * FROM {table}"))
    assert "ada@example.com" not in dump
    assert "Ada" not in dump
    [user] = await api.query("SELECT * FROM users")
    assert user["email"] is None
    assert user["password_hash"] is None
    assert user["deleted_at"] is not None

    [deleted] = await api.events("user.deleted.v1")
    assert deleted["data"]["user_id"] == account.id
    # The address can be used again.
    again = await api.client.post(
        "/api/v1/auth/register",
        json={"email": "ada@example.com", "password": PASSWORD, "full_name": "Ada"},
    )
    assert again.status_code == 201
    assert again.json()["id"] != account.id


async def test_a_deactivated_user_is_refused_at_once(api: UserApi) -> None:
    account = await api.signed_in()
    await api.query("UPDATE users SET is_active = false WHERE id = :id", id=account.id)
    assert (await api.client.get(ME, headers=bearer(account.access_token))).status_code == 401
