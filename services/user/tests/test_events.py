"""The catalog's vendor events grant and withdraw the vendor role, once per event."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime

from agora_contracts.catalog import VendorApproved, VendorSuspended
from agora_contracts.events import EventPayload
from agora_kit.events.envelope import CloudEvent, to_message
from agora_user_testing import UserApi


def message(payload: EventPayload, event_id: str | None = None) -> object:
    event = CloudEvent(
        id=event_id or str(uuid.uuid4()),
        source="/agora/catalog",
        type=payload.event_type,
        data=payload.model_dump(mode="json"),
    )
    return to_message(payload.topic, str(payload.model_dump()["vendor_id"]), event)


async def roles(api: UserApi, user_id: str) -> list[str]:
    [row] = await api.query("SELECT roles FROM users WHERE id = :id", id=user_id)
    return sorted(row["roles"])


async def test_approval_grants_the_vendor_role_once(api: UserApi) -> None:
    account = await api.signed_in()
    consumer = api.app.state.runtime.consumer
    approved = VendorApproved(
        vendor_id=uuid.uuid4(),
        owner_id=uuid.UUID(account.id),
        name="Ada's Analytical Engines",
        approved_at=datetime.now(UTC),
    )
    delivery = message(approved, "event-1")
    await consumer.handle(delivery)
    await consumer.handle(delivery)  # delivered twice: handled once
    assert await roles(api, account.id) == ["customer", "vendor"]
    changes = await api.events("role_changed.v1")
    assert len(changes) == 1
    assert changes[0]["data"]["added"] == ["vendor"]

    suspended = VendorSuspended(
        vendor_id=approved.vendor_id, owner_id=approved.owner_id, name=approved.name
    )
    await consumer.handle(message(suspended))
    assert await roles(api, account.id) == ["customer"]


async def test_an_approval_through_the_event_transport_reaches_the_user(api: UserApi) -> None:
    account = await api.signed_in()
    approved = VendorApproved(vendor_id=uuid.uuid4(), owner_id=uuid.UUID(account.id), name="Shop")
    await api.app.state.runtime.transport.publish(message(approved))
    for _ in range(100):
        if await roles(api, account.id) == ["customer", "vendor"]:
            break
        await asyncio.sleep(0.05)
    assert await roles(api, account.id) == ["customer", "vendor"]


async def test_an_approval_for_an_unknown_user_changes_nothing(api: UserApi) -> None:
    approved = VendorApproved(vendor_id=uuid.uuid4(), owner_id=uuid.uuid4(), name="Ghost")
    await api.app.state.runtime.consumer.handle(message(approved))
    assert await api.events("role_changed.v1") == []
    assert await api.query("SELECT * FROM dead_letter") == []
