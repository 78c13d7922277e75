"""Stores: applying, the admin's decision and its events, who sees what."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from fastapi import FastAPI

from agora_catalog_testing.helpers import Shop
from agora_contracts.payment import ConnectAccountUpdated
from agora_kit.auth import ROLE_CUSTOMER, ROLE_VENDOR, SCOPE_CATALOG_READ
from agora_kit.testing.events import deliver, outbox_events


async def test_a_customer_applies_and_the_store_is_pending(shop: Shop, app: FastAPI) -> None:
    alice = shop.user()
    response = await shop.client.post(
        "/api/v1/vendors",
        json={"name": "  Alice's Attic ", "description": "Vintage things"},
        headers=alice.headers,
    )
    assert response.status_code == 201, response.text
    vendor = response.json()
    assert vendor["name"] == "Alice's Attic"
    assert vendor["status"] == "pending"
    assert vendor["owner_id"] == str(alice.id)
    assert response.headers["location"] == f"/api/v1/vendors/{vendor['id']}"
    [applied] = await outbox_events(app, "agora.catalog.vendor.applied.v1")
    assert applied["data"]["vendor_id"] == vendor["id"]

    mine = await shop.ok(shop.client.get("/api/v1/vendors/me", headers=alice.headers))
    assert mine["id"] == vendor["id"]


async def test_one_store_per_user_and_names_are_unique(shop: Shop) -> None:
    store = await shop.store("Bright Lamps")
    again = await shop.client.post(
        "/api/v1/vendors", json={"name": "Other name"}, headers=store.owner.headers
    )
    assert again.status_code == 409
    assert again.json()["type"] == "https://agora.dev/problems/already-a-vendor"

    copycat = await shop.client.post(
        "/api/v1/vendors", json={"name": "bright-lamps!"}, headers=shop.user().headers
    )
    assert copycat.status_code == 409
    assert copycat.json()["type"] == "https://agora.dev/problems/vendor-name-taken"


async def test_applying_needs_a_signed_in_person(shop: Shop) -> None:
    anonymous = await shop.client.post("/api/v1/vendors", json={"name": "Ghost shop"})
    assert anonymous.status_code == 401
    key = shop.user(scope=SCOPE_CATALOG_READ)
    with_key = await shop.client.post(
        "/api/v1/vendors", json={"name": "Bot shop"}, headers=key.headers
    )
    assert with_key.status_code == 403
    bad = await shop.client.post("/api/v1/vendors", json={"name": "x"}, headers=shop.user().headers)
    assert bad.status_code == 422
    assert [e["name"] for e in bad.json()["errors"]] == ["body.name"]


async def test_admin_approves_then_suspends_and_each_is_announced(shop: Shop, app: FastAPI) -> None:
    store = await shop.store("Tea Corner", approved=False)
    url = f"/api/v1/admin/vendors/{store.id}"

    refused = await shop.client.patch(url, json={"status": "approved"}, headers=store.owner.headers)
    assert refused.status_code == 403

    approved = await shop.ok(
        shop.client.patch(url, json={"status": "approved"}, headers=shop.admin.headers)
    )
    assert approved["status"] == "approved"
    assert approved["approved_at"] is not None
    # Deciding what is already decided changes nothing and announces nothing.
    await shop.ok(shop.client.patch(url, json={"status": "approved"}, headers=shop.admin.headers))
    suspended = await shop.ok(
        shop.client.patch(
            url, json={"status": "suspended", "reason": "fraud"}, headers=shop.admin.headers
        )
    )
    assert suspended["status"] == "suspended"

    [approval] = await outbox_events(app, "agora.catalog.vendor.approved.v1")
    assert approval["data"] == {
        "vendor_id": store.id,
        "owner_id": str(store.owner.id),
        "name": "Tea Corner",
        "approved_at": approval["data"]["approved_at"],
    }
    assert approval["subject"] == store.id
    [suspension] = await outbox_events(app, "agora.catalog.vendor.suspended.v1")
    assert suspension["data"]["reason"] == "fraud"

    invalid = await shop.client.patch(url, json={"status": "pending"}, headers=shop.admin.headers)
    assert invalid.status_code == 422
    missing = await shop.client.patch(
        f"/api/v1/admin/vendors/{uuid.uuid4()}",
        json={"status": "approved"},
        headers=shop.admin.headers,
    )
    assert missing.status_code == 404


async def test_only_approved_stores_are_public(shop: Shop) -> None:
    pending = await shop.store("Pending Place", approved=False)
    approved = await shop.store("Open Market")
    stranger = shop.user()

    assert (await shop.client.get(f"/api/v1/vendors/{pending.id}")).status_code == 404
    own = await shop.ok(
        shop.client.get(f"/api/v1/vendors/{pending.id}", headers=pending.owner.headers)
    )
    assert own["owner_id"] == str(pending.owner.id)

    public = await shop.ok(
        shop.client.get(f"/api/v1/vendors/{approved.id}", headers=stranger.headers)
    )
    assert public["name"] == "Open Market"
    assert public["owner_id"] is None, "the owner's id is not public"

    listing = await shop.ok(shop.client.get("/api/v1/vendors"))
    assert [v["id"] for v in listing["items"]] == [approved.id]

    queue = await shop.ok(
        shop.client.get("/api/v1/admin/vendors?status=pending", headers=shop.admin.headers)
    )
    assert [v["id"] for v in queue["items"]] == [pending.id]
    assert (
        await shop.client.get("/api/v1/admin/vendors", headers=stranger.headers)
    ).status_code == 403


async def test_the_owner_renames_the_store_and_sets_the_low_stock_threshold(
    shop: Shop, app: FastAPI
) -> None:
    store = await shop.store("Old Name")
    renamed = await shop.ok(
        shop.client.patch(
            f"/api/v1/vendors/{store.id}",
            json={"name": "New Name", "low_stock_threshold": 3},
            headers=store.owner.headers,
        )
    )
    assert (renamed["name"], renamed["slug"], renamed["low_stock_threshold"]) == (
        "New Name",
        "new-name",
        3,
    )
    [updated] = await outbox_events(app, "agora.catalog.vendor.updated.v1")
    assert updated["data"]["name"] == "New Name"
    other = shop.user((ROLE_CUSTOMER, ROLE_VENDOR))
    assert (
        await shop.client.patch(
            f"/api/v1/vendors/{store.id}", json={"name": "Mine now"}, headers=other.headers
        )
    ).status_code == 403


async def test_a_token_whose_subject_is_not_a_user_id_cannot_own_a_store(shop: Shop) -> None:
    token = shop.keys.token("service-account")
    response = await shop.client.post(
        "/api/v1/vendors", json={"name": "Robots"}, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 403


async def test_an_invalid_token_is_401_even_on_public_routes(shop: Shop) -> None:
    response = await shop.client.get(
        "/api/v1/products", headers={"Authorization": "Bearer not-a-token"}
    )
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"


async def test_the_kyc_status_from_payments_is_shown_to_the_owner_and_admins(
    shop: Shop, app: FastAPI
) -> None:
    store = await shop.store("Onboarding Goods")
    path = f"/api/v1/vendors/{store.id}"
    assert (await shop.ok(shop.client.get(path, headers=store.owner.headers)))["kyc_status"] is None
    now = datetime.now(UTC)

    def told(status: Literal["pending", "verified", "rejected"], at: datetime) -> Any:
        event = ConnectAccountUpdated(
            vendor_id=uuid.UUID(store.id),
            account_id="acct_1",
            kyc_status=status,
            charges_enabled=status == "verified",
            payouts_enabled=status == "verified",
            details_submitted=status != "pending",
            updated_at=at,
        )
        return deliver(app, event, store.id)

    await told("pending", now)
    await told("verified", now + timedelta(seconds=5))
    await told("pending", now + timedelta(seconds=1))  # late: changes nothing
    own = await shop.ok(shop.client.get(path, headers=store.owner.headers))
    admin = await shop.ok(shop.client.get(path, headers=shop.admin.headers))
    public = await shop.ok(shop.client.get(path, headers=shop.user().headers))
    assert (own["kyc_status"], admin["kyc_status"], public["kyc_status"]) == (
        "verified",
        "verified",
        None,
    )
