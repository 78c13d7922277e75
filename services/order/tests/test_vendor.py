"""Vendors see and ship only their own sub-orders; the order ships when every vendor
has shipped, and is delivered when every parcel is."""

from __future__ import annotations

import uuid

import httpx
from fastapi import FastAPI

from agora_contracts.catalog import InventoryReserved, ReservedLine, VendorApproved
from agora_contracts.common import Money
from agora_contracts.payment import PaymentSucceeded
from agora_kit.auth import ROLE_ADMIN, ROLE_VENDOR
from agora_kit.testing.events import deliver, outbox_events
from agora_kit.testing.tokens import Keys

from .helpers import checkout, fill, order, stock


async def store(app: FastAPI, keys: Keys) -> tuple[uuid.UUID, dict[str, str]]:
    owner, vendor_id = uuid.uuid4(), uuid.uuid4()
    await deliver(
        app, VendorApproved(vendor_id=vendor_id, owner_id=owner, name="Shop"), str(vendor_id)
    )
    return vendor_id, keys.headers(owner, (ROLE_VENDOR,))


async def test_vendors_ship_their_own_parts(
    app: FastAPI, client: httpx.AsyncClient, buyer: dict[str, str], keys: Keys
) -> None:
    shop_a, owner_a = await store(app, keys)
    shop_b, owner_b = await store(app, keys)
    await stock(app, [("VA-1", 1000, 5)], vendor_id=shop_a)
    await stock(app, [("VB-1", 2000, 5)], vendor_id=shop_b)
    await fill(client, buyer, ("VA-1", 1), ("VB-1", 2))
    placed = (await checkout(client, buyer)).json()
    order_id = uuid.UUID(placed["id"])
    lines = [ReservedLine(sku="VA-1", quantity=1), ReservedLine(sku="VB-1", quantity=2)]
    await deliver(
        app,
        InventoryReserved(order_id=order_id, lines=lines, expires_at=placed["placed_at"]),
        placed["id"],
    )

    # Unpaid orders are not the vendors' business yet.
    assert (await client.get("/api/v1/vendor/orders", headers=owner_a)).json()["items"] == []
    paid = PaymentSucceeded(
        payment_id=uuid.uuid4(),
        order_id=order_id,
        buyer_id=uuid.uuid4(),
        amount=Money(amount=placed["total"]["amount"], currency="USD"),
    )
    await deliver(app, paid, placed["id"])

    mine = (await client.get("/api/v1/vendor/orders", headers=owner_a)).json()["items"]
    assert [(s["order_id"], [line["sku"] for line in s["lines"]]) for s in mine] == [
        (placed["id"], ["VA-1"])
    ]
    theirs = (await client.get("/api/v1/vendor/orders", headers=owner_b)).json()["items"][0]
    assert (await client.get("/api/v1/vendor/orders", headers=buyer)).status_code == 403

    ship = {"carrier": "UPS", "tracking_number": "1Z999"}
    forbidden = await client.post(
        f"/api/v1/vendor/orders/{theirs['id']}/ship", json=ship, headers=owner_a
    )
    assert forbidden.status_code == 403
    shipped = await client.post(
        f"/api/v1/vendor/orders/{mine[0]['id']}/ship", json=ship, headers=owner_a
    )
    assert shipped.status_code == 200, shipped.text
    assert shipped.json()["status"] == "shipped"
    assert (await order(client, buyer, placed["id"]))["status"] == "confirmed"
    again = await client.post(
        f"/api/v1/vendor/orders/{mine[0]['id']}/ship", json=ship, headers=owner_a
    )
    assert again.status_code == 409
    audited = await outbox_events(app, "agora.audit.entry.recorded.v1")
    [entry] = [e["data"] for e in audited if e["data"]["action"] == "order.ship"]
    assert (entry["resource_type"], entry["resource_id"]) == ("sub_order", mine[0]["id"])
    assert entry["before"] == {"status": "pending", "carrier": None, "tracking_number": None}
    assert entry["after"] == {"status": "shipped", "carrier": "UPS", "tracking_number": "1Z999"}

    # The buyer can no longer cancel once a parcel left.
    assert (
        await client.post(f"/api/v1/orders/{placed['id']}/cancel", headers=buyer)
    ).status_code == 409

    await client.post(f"/api/v1/vendor/orders/{theirs['id']}/ship", json=ship, headers=owner_b)
    assert (await order(client, buyer, placed["id"]))["status"] == "shipped"
    events = await outbox_events(app, "agora.order.order.shipped.v1")
    assert [e["data"]["vendor_id"] for e in events] == [str(shop_a), str(shop_b)]
    assert events[0]["data"]["tracking_number"] == "1Z999"

    for sub, owner in ((mine[0], owner_a), (theirs, owner_b)):
        done = await client.post(f"/api/v1/vendor/orders/{sub['id']}/deliver", headers=owner)
        assert done.status_code == 200
    assert (await order(client, buyer, placed["id"]))["status"] == "delivered"
    assert len(await outbox_events(app, "agora.order.order.delivered.v1")) == 2


async def _paid_order(app: FastAPI, client: httpx.AsyncClient, buyer: dict[str, str]) -> str:
    await fill(client, buyer, ("VP-1", 1))
    placed = (await checkout(client, buyer)).json()
    order_id = uuid.UUID(placed["id"])
    reserved = [ReservedLine(sku="VP-1", quantity=1)]
    await deliver(
        app,
        InventoryReserved(order_id=order_id, lines=reserved, expires_at=placed["placed_at"]),
        placed["id"],
    )
    amount = Money(amount=placed["total"]["amount"], currency="USD")
    paid = PaymentSucceeded(
        payment_id=uuid.uuid4(), order_id=order_id, buyer_id=uuid.uuid4(), amount=amount
    )
    await deliver(app, paid, placed["id"])
    return str(placed["id"])


async def test_a_vendor_pages_through_every_sub_order(
    app: FastAPI, client: httpx.AsyncClient, buyer: dict[str, str], keys: Keys
) -> None:
    shop, owner = await store(app, keys)
    await stock(app, [("VP-1", 1000, 50)], vendor_id=shop)
    placed = [await _paid_order(app, client, buyer) for _ in range(5)]

    seen: list[str] = []
    cursor: str | None = None
    pages = 0
    while True:
        query = {"limit": "2", **({"cursor": cursor} if cursor else {})}
        page = await client.get("/api/v1/vendor/orders", params=query, headers=owner)
        assert page.status_code == 200, page.text
        body = page.json()
        assert len(body["items"]) <= 2
        seen += [sub["order_id"] for sub in body["items"]]
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert pages == 3
    assert seen == list(reversed(placed))  # newest first, each once

    first = (await client.get("/api/v1/vendor/orders", headers=owner)).json()["items"][0]
    ship = {"carrier": "UPS", "tracking_number": "1Z999"}
    shipped = await client.post(
        f"/api/v1/vendor/orders/{first['id']}/ship", json=ship, headers=owner
    )
    assert shipped.status_code == 200
    pending = await client.get("/api/v1/vendor/orders?status=pending", headers=owner)
    assert len(pending.json()["items"]) == 4
    assert first["id"] not in {sub["id"] for sub in pending.json()["items"]}

    for bad in ("?cursor=not-ours", "?limit=0", "?status=lost"):
        refused = await client.get(f"/api/v1/vendor/orders{bad}", headers=owner)
        assert refused.status_code == 422, bad
        assert refused.headers["content-type"] == "application/problem+json"


async def test_vendor_and_admin_routes_check_an_api_keys_scope_at_the_service(
    app: FastAPI, client: httpx.AsyncClient, buyer: dict[str, str], keys: Keys
) -> None:
    """Defence in depth: a key-derived token sent straight to the service, past the
    gateway, gets no more than the gateway would give it."""
    owner_id, shop = uuid.uuid4(), uuid.uuid4()
    await deliver(app, VendorApproved(vendor_id=shop, owner_id=owner_id, name="Shop"), str(shop))
    await stock(app, [("VP-1", 1000, 50)], vendor_id=shop)
    await _paid_order(app, client, buyer)
    catalog_key = keys.headers(owner_id, (ROLE_VENDOR,), scope="catalog:read")
    read_key = keys.headers(owner_id, (ROLE_VENDOR,), scope="orders:read")
    write_key = keys.headers(owner_id, (ROLE_VENDOR,), scope="orders:read orders:write")

    refused = await client.get("/api/v1/vendor/orders", headers=catalog_key)
    assert refused.status_code == 403
    assert "insufficient_scope" in refused.headers["www-authenticate"]
    [sub] = (await client.get("/api/v1/vendor/orders", headers=read_key)).json()["items"]

    ship = {"carrier": "UPS", "tracking_number": "1Z999"}
    url = f"/api/v1/vendor/orders/{sub['id']}/ship"
    assert (await client.post(url, json=ship, headers=read_key)).status_code == 403
    assert (await client.post(url, json=ship, headers=write_key)).status_code == 200

    coupon = {"code": "KEYS10", "kind": "percent", "value": 10}
    admin_key = keys.headers(owner_id, (ROLE_ADMIN,), scope="orders:read orders:write")
    by_key = await client.post("/api/v1/admin/coupons", json=coupon, headers=admin_key)
    assert by_key.status_code == 403, by_key.text
    admin_session = keys.headers(owner_id, (ROLE_ADMIN,))
    by_person = await client.post("/api/v1/admin/coupons", json=coupon, headers=admin_session)
    assert by_person.status_code == 201
