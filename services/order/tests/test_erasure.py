"""An erased buyer in the order service (ADR 0112): what no vendor shipped yet is
cancelled (and refunded when paid); the orders stay with their amounts, without the
address, payment method, client secret or tracking number; buyer and vendor still read
them; the cart goes; a redelivery changes nothing; the internal export gives what was
held, to Agora's own parts only."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import httpx
from fastapi import FastAPI

from agora_contracts.user import UserDeleted
from agora_kit.serving import SERVICE_TOKEN_HEADER
from agora_kit.testing.events import deliver, outbox_events
from agora_kit.testing.tokens import Keys
from agora_order_testing import ADDRESS

from .helpers import fill, order, paid_order, stock
from .test_vendor import store

REFUND_REQUESTED = "agora.order.order.refund_requested.v1"


async def test_an_erased_buyers_orders_stay_without_what_names_them(
    app: FastAPI, client: httpx.AsyncClient, keys: Keys
) -> None:
    buyer_id = uuid.uuid4()
    buyer = keys.headers(buyer_id)
    shop, owner = await store(app, keys)
    await stock(app, [("ER-1", 1500, 5)], vendor_id=shop)
    placed = await paid_order(app, client, buyer, ("ER-1", 2))
    [sub] = (await client.get("/api/v1/vendor/orders", headers=owner)).json()["items"]
    shipped = await client.post(
        f"/api/v1/vendor/orders/{sub['id']}/ship",
        json={"carrier": "DHL", "tracking_number": "JD014600"},
        headers=owner,
    )
    assert shipped.status_code == 200, shipped.text
    unshipped = await paid_order(app, client, buyer, ("ER-1", 1))
    await fill(client, buyer, ("ER-1", 1))

    service = {SERVICE_TOKEN_HEADER: app.state.service_token.decode()}
    path = f"/internal/users/{buyer_id}/export"
    assert (await client.get(path, headers=buyer)).status_code == 403
    exported = (await client.get(path, headers=service)).json()
    held, _ = exported["orders"]
    assert held["shipping_address"].items() >= ADDRESS.items()
    assert held["sub_orders"][0]["tracking_number"] == "JD014600"
    assert [(i["sku"], i["quantity"]) for i in exported["cart"]] == [("ER-1", 1)]

    erased = UserDeleted(user_id=buyer_id, deleted_at=datetime.now(UTC))
    await deliver(app, erased, str(buyer_id))
    [refund] = await outbox_events(app, REFUND_REQUESTED)
    assert (refund["data"]["order_id"], refund["data"]["amount"]) == (
        unshipped["id"],
        unshipped["total"],
    )
    # Delivered again, it cancels and refunds nothing more. (Once published, the
    # refund request names the buyer, so the second erasure may delete it.)
    await deliver(app, erased, str(buyer_id))
    assert [e for e in await outbox_events(app, REFUND_REQUESTED) if e["id"] != refund["id"]] == []

    kept = await order(client, buyer, placed["id"])
    assert kept["shipping_address"] is None
    assert (kept["status"], kept["total"]) == ("shipped", placed["total"])
    assert kept["sub_orders"][0]["tracking_number"] is None
    cancelled = await order(client, buyer, unshipped["id"])
    assert (cancelled["status"], cancelled["cancel_reason"]) == (
        "cancelled",
        "The buyer's account was erased.",
    )
    seen = (await client.get("/api/v1/vendor/orders", headers=owner)).json()["items"]
    assert {(s["order_id"], s["shipping_address"]) for s in seen} == {
        (placed["id"], None),
        (unshipped["id"], None),
    }
    after = (await client.get(path, headers=service)).json()
    assert after["cart"] == []
    assert [o["shipping_address"] for o in after["orders"]] == [None, None]
    assert [o["payment_method"] for o in after["orders"]] == [None, None]
    assert [line["sku"] for line in after["orders"][0]["lines"]] == ["ER-1"]
