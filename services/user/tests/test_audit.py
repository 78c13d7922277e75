"""/admin/audit: entries from every service arrive as events and are stored once; admins
read them by actor, action, resource and time, page by page; nobody else reads them;
and the database refuses to change or remove one."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from agora_contracts.audit import AuditRecorded
from agora_kit.testing.waiting import eventually
from agora_user.events import audit_recorded
from agora_user_testing import UserApi

AUDIT = "/api/v1/admin/audit"


async def entries(api: UserApi, headers: dict[str, str], query: str = "") -> list[dict[str, Any]]:
    response = await api.client.get(f"{AUDIT}{query}", headers=headers)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def entry(at: datetime, **fields: Any) -> AuditRecorded:
    values: dict[str, Any] = {
        "entry_id": uuid.uuid4(),
        "occurred_at": at,
        "service": "catalog",
        "actor_id": "vendor-1",
        "actor_role": "vendor",
        "action": "product.update",
        "resource_type": "product",
        "resource_id": "p-1",
        "before": {"title": "Old"},
        "after": {"title": "New"},
        "request_id": "req-1",
        "trace_id": None,
    }
    return AuditRecorded(**{**values, **fields})


async def deliver(api: UserApi, *payloads: AuditRecorded) -> None:
    async with api.context.database.transaction() as session:
        for payload in payloads:
            await audit_recorded(api.context, session, payload, None)  # type: ignore[arg-type]


async def test_an_admins_role_change_is_in_the_log_with_its_request_id(api: UserApi) -> None:
    admin = await api.make_admin(await api.signed_in())
    customer = await api.signed_in()
    response = await api.client.patch(
        f"/api/v1/admin/users/{customer.id}",
        json={"roles": ["customer", "vendor"], "is_active": False},
        headers={**admin.headers, "X-Request-ID": "role-change-1"},
    )
    assert response.status_code == 200, response.text

    async def logged() -> list[dict[str, Any]]:
        return await entries(api, admin.headers, f"?resource_id={customer.id}")

    [found] = await eventually(logged)
    assert found["action"] == "user.update"
    assert found["service"] == "user"
    assert found["actor_id"] == admin.id
    assert found["actor_role"] == "admin"
    assert found["api_key_id"] is None
    assert found["resource_type"] == "user"
    assert found["before"] == {"roles": ["customer"], "is_active": True}
    assert found["after"] == {"roles": ["customer", "vendor"], "is_active": False}
    assert found["request_id"] == "role-change-1"


async def test_only_admins_read_the_log(api: UserApi) -> None:
    customer = await api.signed_in()
    assert (await api.client.get(AUDIT, headers=customer.headers)).status_code == 403
    assert (await api.client.get(AUDIT)).status_code == 401


async def test_an_entry_delivered_twice_is_stored_once(api: UserApi) -> None:
    admin = await api.make_admin(await api.signed_in())
    once = entry(datetime.now(UTC))
    await deliver(api, once, once)
    await deliver(api, once)
    rows = await api.query("SELECT id FROM audit_log WHERE id = :id", id=once.entry_id)
    assert len(rows) == 1
    [listed] = await entries(api, admin.headers, "?resource_id=p-1")
    assert listed["id"] == str(once.entry_id)
    assert listed["before"] == {"title": "Old"}
    assert listed["after"] == {"title": "New"}


async def test_filters_and_pages_newest_first(api: UserApi) -> None:
    admin = await api.make_admin(await api.signed_in())
    start = datetime(2026, 1, 1, tzinfo=UTC)
    made = [
        entry(start + timedelta(hours=i), actor_id=f"a{i % 2}", resource_id=f"r{i % 3}")
        for i in range(6)
    ]
    await deliver(
        api, *reversed(made), entry(start, action="vendor.approve", resource_type="vendor")
    )

    seen: list[str] = []
    cursor = ""
    while True:
        query = f"?resource_type=product&limit=4{cursor}"
        page = (await api.client.get(f"{AUDIT}{query}", headers=admin.headers)).json()
        seen += [item["id"] for item in page["items"]]
        if not page["next_cursor"]:
            break
        cursor = f"&cursor={page['next_cursor']}"
    assert seen == [str(e.entry_id) for e in reversed(made)]

    by_actor = await entries(api, admin.headers, "?actor=a1&resource_type=product")
    assert [e["id"] for e in by_actor] == [str(made[i].entry_id) for i in (5, 3, 1)]
    by_resource = await entries(api, admin.headers, "?resource_type=product&resource_id=r0")
    assert [e["id"] for e in by_resource] == [str(made[i].entry_id) for i in (3, 0)]
    window = "?resource_type=product&from=2026-01-01T01:00:00Z&to=2026-01-01T03:00:00Z"
    assert [e["id"] for e in await entries(api, admin.headers, window)] == [
        str(made[i].entry_id) for i in (2, 1)
    ]
    [approval] = await entries(api, admin.headers, "?action=vendor.approve")
    assert approval["resource_type"] == "vendor"


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_log SET after = '{}'::jsonb",
        "DELETE FROM audit_log",
        "TRUNCATE audit_log",
    ],
)
async def test_the_database_refuses_to_change_an_entry(api: UserApi, statement: str) -> None:
    await deliver(api, entry(datetime.now(UTC)))
    with pytest.raises(DBAPIError, match="append-only"):
        async with api.context.database.transaction() as session:
            await session.execute(text(statement))
    rows = await api.query("SELECT after FROM audit_log")
    assert rows == [{"after": {"title": "New"}}]
