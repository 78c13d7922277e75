"""/admin/users: admins only (decided by the database, not by an old token), paginated,
and changes that take effect and are announced."""

from __future__ import annotations

import jwt

from agora_user.service import admin
from agora_user_testing import PASSWORD, UserApi

ADMIN = "/api/v1/admin/users"


async def test_only_admins_get_in(api: UserApi) -> None:
    customer = await api.signed_in()
    assert (await api.client.get(ADMIN, headers=customer.headers)).status_code == 403
    assert (await api.client.get(ADMIN)).status_code == 401
    patch = await api.client.patch(
        f"{ADMIN}/{customer.id}", json={"roles": ["admin"]}, headers=customer.headers
    )
    assert patch.status_code == 403


async def test_admins_list_users_page_by_page_and_filter(api: UserApi) -> None:
    admin = await api.make_admin(await api.signed_in("boss@example.com"))
    for i in range(4):
        await api.register(f"shopper{i}@example.com")
    seen: list[str] = []
    cursor = ""
    while True:
        page = (await api.client.get(f"{ADMIN}?limit=2{cursor}", headers=admin.headers)).json()
        seen += [u["email"] for u in page["items"]]
        if not page["next_cursor"]:
            break
        cursor = f"&cursor={page['next_cursor']}"
    assert seen == ["boss@example.com"] + [f"shopper{i}@example.com" for i in range(4)]
    admins = (await api.client.get(f"{ADMIN}?role=admin", headers=admin.headers)).json()
    assert [u["email"] for u in admins["items"]] == ["boss@example.com"]
    prefix = (await api.client.get(f"{ADMIN}?email=shopper1", headers=admin.headers)).json()
    assert [u["email"] for u in prefix["items"]] == ["shopper1@example.com"]
    wildcard = (await api.client.get(f"{ADMIN}?email=%25", headers=admin.headers)).json()
    assert wildcard["items"] == []
    for hostile in ("%00", "%ED%A0%80", "a" * 400, "'%20OR%201=1--"):
        response = await api.client.get(f"{ADMIN}?email={hostile}", headers=admin.headers)
        assert response.status_code in (200, 422), (hostile, response.text)


async def test_role_changes_are_announced_and_reach_the_next_token(api: UserApi) -> None:
    admin = await api.make_admin(await api.signed_in())
    customer = await api.signed_in()
    response = await api.client.patch(
        f"{ADMIN}/{customer.id}", json={"roles": ["customer", "vendor"]}, headers=admin.headers
    )
    assert response.status_code == 200, response.text
    assert response.json()["roles"] == ["customer", "vendor"]
    [event] = await api.events("role_changed.v1")
    assert event["data"]["user_id"] == customer.id
    assert event["data"]["added"] == ["vendor"]
    pair = (
        await api.client.post(
            "/api/v1/auth/refresh", json={"refresh_token": customer.refresh_token}
        )
    ).json()
    assert jwt.decode(pair["access_token"], options={"verify_signature": False})["roles"] == [
        "customer",
        "vendor",
    ]
    bad = await api.client.patch(
        f"{ADMIN}/{customer.id}", json={"roles": ["superuser"]}, headers=admin.headers
    )
    assert bad.status_code == 422


async def test_deactivation_ends_sessions_and_blocks_login(api: UserApi) -> None:
    admin = await api.make_admin(await api.signed_in())
    customer = await api.signed_in()
    response = await api.client.patch(
        f"{ADMIN}/{customer.id}", json={"is_active": False}, headers=admin.headers
    )
    assert response.status_code == 200
    assert response.json()["is_active"] is False
    assert (await api.client.get("/api/v1/users/me", headers=customer.headers)).status_code == 401
    login = await api.client.post(
        "/api/v1/auth/login", json={"email": customer.email, "password": PASSWORD}
    )
    assert login.status_code == 403


async def test_a_demoted_admin_is_refused_before_the_token_expires(api: UserApi) -> None:
    admin = await api.make_admin(await api.signed_in())
    other = await api.make_admin(await api.signed_in())
    demote = await api.client.patch(
        f"{ADMIN}/{admin.id}", json={"roles": ["customer"]}, headers=other.headers
    )
    assert demote.status_code == 200
    # The old token still says admin; the database does not.
    assert (await api.client.get(ADMIN, headers=admin.headers)).status_code == 403


async def test_admins_cannot_lock_themselves_out_and_unknown_ids_are_404(api: UserApi) -> None:
    admin = await api.make_admin(await api.signed_in())
    for body in ({"roles": ["customer"]}, {"is_active": False}):
        response = await api.client.patch(f"{ADMIN}/{admin.id}", json=body, headers=admin.headers)
        assert response.status_code == 409
    for user_id in ("00000000-0000-0000-0000-000000000000", "nope"):
        assert (
            await api.client.patch(f"{ADMIN}/{user_id}", json={}, headers=admin.headers)
        ).status_code == 404


async def test_announce_roles_sends_every_vendor_and_admin_again(api: UserApi) -> None:
    # `agora user announce-roles`: services that started keeping roles later learn
    # them; plain customers are not announced.
    boss = await api.make_admin(await api.signed_in("boss@example.com"))
    seller = await api.signed_in("seller@example.com")
    await api.query("UPDATE users SET roles = '{customer,vendor}' WHERE id = :id", id=seller.id)
    await api.signed_in("shopper@example.com")
    async with api.context.database.transaction() as session:
        assert await admin.announce_roles(api.context, session) == 2
    announced = await api.events("roles_announced.v1")
    assert {(e["data"]["user_id"], tuple(sorted(e["data"]["roles"]))) for e in announced} == {
        (boss.id, ("admin", "customer")),
        (seller.id, ("customer", "vendor")),
    }
