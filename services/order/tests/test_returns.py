"""Returns (ADR 0116) on real PostgreSQL: the buyer asks for delivered lines within the
window, the store approves or rejects and receives; the refund of what was paid for
the units (after the coupon, with the added tax) is asked of the payment service, and
its ``PaymentRefunded`` closes the return; bad requests change nothing."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import select, update

from agora_contracts.catalog import InventoryReserved, ReservedLine
from agora_contracts.payment import PaymentRefunded, PaymentSucceeded
from agora_contracts.user import UserDeleted
from agora_kit.serving import SERVICE_TOKEN_HEADER
from agora_kit.testing.events import deliver, outbox_events
from agora_kit.testing.tokens import Keys
from agora_order.models import OrderLine, ReturnTransition, SubOrder
from agora_order.service.return_refunds import refund_of

from .helpers import checkout, fill, paid_order, stock, usd
from .test_vendor import store

COUPONS = "/api/v1/admin/coupons"
RECEIVED = "agora.order.order.return_received.v1"
REFUND_REQUESTED = "agora.order.order.refund_requested.v1"


async def delivered_order(
    app: FastAPI,
    client: httpx.AsyncClient,
    buyer: dict[str, str],
    owner: dict[str, str],
    *lines: tuple[str, int],
    deliver_it: bool = True,
) -> tuple[dict[str, Any], str]:
    placed = await paid_order(app, client, buyer, *lines)
    [sub] = (await client.get("/api/v1/vendor/orders", headers=owner)).json()["items"]
    ship = {"carrier": "UPS", "tracking_number": "1Z1"}
    shipped = await client.post(f"/api/v1/vendor/orders/{sub['id']}/ship", json=ship, headers=owner)
    assert shipped.status_code == 200, shipped.text
    if deliver_it:
        done = await client.post(f"/api/v1/vendor/orders/{sub['id']}/deliver", headers=owner)
        assert done.status_code == 200, done.text
    return placed, sub["id"]


async def ask(
    client: httpx.AsyncClient, buyer: dict[str, str], order_id: str, *lines: tuple[str, int]
) -> httpx.Response:
    return await client.post(
        f"/api/v1/orders/{order_id}/returns",
        json={"lines": [{"sku": s, "quantity": q} for s, q in lines], "reason": "Too small"},
        headers=buyer,
    )


async def refund_paid(
    app: FastAPI, order_id: str, return_id: str, amount: int, *, total_refunded: int
) -> None:
    """The payment service's answer, as it sends it: with the payment's total refunded."""
    event = PaymentRefunded(
        payment_id=uuid.uuid4(),
        order_id=uuid.UUID(order_id),
        buyer_id=uuid.uuid4(),
        amount=usd(amount),
        refund_id=uuid.uuid4(),
        request_id=uuid.UUID(return_id),
        total_refunded=usd(total_refunded),
    )
    await deliver(app, event, order_id)
    await deliver(app, event, order_id)  # a redelivery changes nothing


async def test_a_return_with_a_coupon_is_refunded_what_was_paid(
    app: FastAPI,
    client: httpx.AsyncClient,
    buyer: dict[str, str],
    admin: dict[str, str],
    keys: Keys,
) -> None:
    shop, owner = await store(app, keys)
    await stock(app, [("R-1", 2000, 10), ("R-2", 1000, 10)], vendor_id=shop)
    coupon = {"code": "TEN", "kind": "percent", "value": 10}
    assert (await client.post(COUPONS, json=coupon, headers=admin)).status_code == 201
    await fill(client, buyer, ("R-1", 3), ("R-2", 1))
    with_coupon = (await checkout(client, buyer, coupon_code="TEN")).json()
    # 7000 less 10%, free shipping over 5000, 10% tax added on 6300.
    assert (with_coupon["discount"]["amount"], with_coupon["total"]["amount"]) == (700, 6930)
    order_id = with_coupon["id"]
    await _pay(app, with_coupon, ("R-1", 3), ("R-2", 1))
    subs = (await client.get("/api/v1/vendor/orders", headers=owner)).json()["items"]
    [sub] = [s for s in subs if s["order_id"] == order_id]

    # Not delivered yet: nothing to return.
    refused = await ask(client, buyer, order_id, ("R-1", 1))
    assert refused.status_code == 409, refused.text
    assert refused.json()["type"].endswith("not-returnable")
    ship = {"carrier": "UPS", "tracking_number": "1Z1"}
    await client.post(f"/api/v1/vendor/orders/{sub['id']}/ship", json=ship, headers=owner)
    await client.post(f"/api/v1/vendor/orders/{sub['id']}/deliver", headers=owner)

    one = await ask(client, buyer, order_id, ("R-1", 1))
    assert one.status_code == 201, one.text
    assert (one.json()["status"], one.json()["refund"]) == ("requested", None)
    mine = (await client.get("/api/v1/vendor/returns", headers=owner)).json()["items"]
    assert [r["id"] for r in mine] == [one.json()["id"]]
    ret = f"/api/v1/vendor/returns/{one.json()['id']}"
    approved = await client.post(f"{ret}/approve", json={"restock": True}, headers=owner)
    assert approved.json()["status"] == "approved", approved.text
    received = await client.post(f"{ret}/receive", headers=owner)
    assert received.status_code == 200, received.text
    # One unit of R-1: 2000 less its 10% (200) is 1800, plus 10% tax: 1980.
    assert received.json()["refund"] == {"amount": 1980, "currency": "USD"}
    twice = await client.post(f"{ret}/receive", headers=owner)
    assert twice.status_code == 409
    [asked] = [
        e["data"]
        for e in await outbox_events(app, REFUND_REQUESTED)
        if e["data"]["request_id"] == one.json()["id"]
    ]
    assert asked["amount"] == {"amount": 1980, "currency": "USD"}
    [got] = [e["data"] for e in await outbox_events(app, RECEIVED)]
    assert (got["restock"], got["lines"][0]["sku"], got["lines"][0]["quantity"]) == (True, "R-1", 1)

    await refund_paid(app, order_id, one.json()["id"], 1980, total_refunded=1980)
    [listed] = (await client.get(f"/api/v1/orders/{order_id}/returns", headers=buyer)).json()
    assert listed["status"] == "refunded"
    assert len(await outbox_events(app, "agora.order.order.return_refunded.v1")) == 1
    async with app.state.database.transaction() as session:
        moves = await session.scalars(
            select(ReturnTransition.to_status)
            .where(ReturnTransition.return_id == uuid.UUID(one.json()["id"]))
            .order_by(ReturnTransition.id)
        )
        assert list(moves) == ["requested", "approved", "received", "refunded"]

    # The rest, in a second return: the parts add up to the whole order's total.
    rest = await ask(client, buyer, order_id, ("R-1", 2), ("R-2", 1))
    assert rest.status_code == 201, rest.text
    ret = f"/api/v1/vendor/returns/{rest.json()['id']}"
    await client.post(f"{ret}/approve", json={"restock": False}, headers=owner)
    last = (await client.post(f"{ret}/receive", headers=owner)).json()
    assert 1980 + last["refund"]["amount"] == 6930
    over = await ask(client, buyer, order_id, ("R-2", 1))
    assert over.status_code == 409
    assert "left to return" in over.json()["detail"]


async def _pay(app: FastAPI, placed: dict[str, Any], *bought: tuple[str, int]) -> None:
    order_id = uuid.UUID(placed["id"])
    lines = [ReservedLine(sku=sku, quantity=quantity) for sku, quantity in bought]
    reserved = InventoryReserved(order_id=order_id, lines=lines, expires_at=placed["placed_at"])
    await deliver(app, reserved, placed["id"])
    paid = PaymentSucceeded(
        payment_id=uuid.uuid4(),
        order_id=order_id,
        buyer_id=uuid.uuid4(),
        amount=usd(placed["total"]["amount"]),
    )
    await deliver(app, paid, placed["id"])


async def test_bad_returns_change_nothing(
    app: FastAPI, client: httpx.AsyncClient, buyer: dict[str, str], keys: Keys
) -> None:
    shop, owner = await store(app, keys)
    _, other_owner = await store(app, keys)
    await stock(app, [("B-1", 1000, 10)], vendor_id=shop)
    placed, _ = await delivered_order(app, client, buyer, owner, ("B-1", 2))
    order_id = placed["id"]

    for lines, status in (
        ((("NOPE", 1),), 422),  # not in the order
        ((("B-1", 1), ("B-1", 1)), 422),  # the same SKU twice
        ((("B-1", 3),), 409),  # more than bought
    ):
        response = await ask(client, buyer, order_id, *lines)
        assert response.status_code == status, response.text
        assert response.headers["content-type"] == "application/problem+json"
    zero = await ask(client, buyer, order_id, ("B-1", 0))
    assert zero.status_code == 422
    assert (await ask(client, {**buyer}, str(uuid.uuid4()), ("B-1", 1))).status_code == 404
    someone = keys.headers(uuid.uuid4(), ("customer",))
    assert (await ask(client, someone, order_id, ("B-1", 1))).status_code == 404
    assert (await client.get(f"/api/v1/orders/{order_id}/returns", headers=buyer)).json() == []
    assert await outbox_events(app, "agora.order.order.return_requested.v1") == []

    # The window closes 30 days after delivery.
    async with app.state.database.transaction() as session:
        await session.execute(
            update(SubOrder)
            .where(SubOrder.order_id == uuid.UUID(order_id))
            .values(delivered_at=datetime.now(UTC) - timedelta(days=31))
        )
    closed = await ask(client, buyer, order_id, ("B-1", 1))
    assert closed.status_code == 409
    assert "window" in closed.json()["detail"]
    async with app.state.database.transaction() as session:
        await session.execute(
            update(SubOrder)
            .where(SubOrder.order_id == uuid.UUID(order_id))
            .values(delivered_at=datetime.now(UTC) - timedelta(days=29))
        )

    asked = await ask(client, buyer, order_id, ("B-1", 2))
    assert asked.status_code == 201
    ret = f"/api/v1/vendor/returns/{asked.json()['id']}"
    # Another store may not touch it; nothing is received before approval.
    assert (
        await client.post(f"{ret}/reject", json={"reason": "x"}, headers=other_owner)
    ).status_code == 403
    assert (await client.get("/api/v1/vendor/returns", headers=other_owner)).json()["items"] == []
    assert (await client.post(f"{ret}/receive", headers=owner)).status_code == 409
    rejected = await client.post(f"{ret}/reject", json={"reason": "Worn"}, headers=owner)
    assert (rejected.json()["status"], rejected.json()["reject_reason"]) == ("rejected", "Worn")
    assert (
        await client.post(f"{ret}/approve", json={"restock": True}, headers=owner)
    ).status_code == 409
    assert await outbox_events(app, REFUND_REQUESTED) == []
    # A rejected return gives its units back to ask again.
    assert (await ask(client, buyer, order_id, ("B-1", 2))).status_code == 201


def test_a_line_returned_in_parts_refunds_what_returning_it_whole_would() -> None:
    sub = SubOrder(subtotal_amount=9999, discount_amount=1234, shipping_amount=499, tax_amount=877)
    line = OrderLine(id=uuid.uuid4(), quantity=7, line_amount=7 * 1111)
    for tax_included in (False, True):
        whole = refund_of([(line, 7)], sub, tax_included=tax_included, before={})
        parts, done = 0, 0
        for units in (1, 2, 3, 1):
            parts += refund_of(
                [(line, units)], sub, tax_included=tax_included, before={line.id: done}
            )
            done += units
        assert parts == whole
        # Never more than the line's goods after its discount share, with its tax.
        assert whole <= 7 * 1111 - 7 * 1111 * 1234 // 9999 + (0 if tax_included else 877)


async def test_two_receipts_at_once_refund_once(
    app: FastAPI, client: httpx.AsyncClient, buyer: dict[str, str], keys: Keys
) -> None:
    shop, owner = await store(app, keys)
    await stock(app, [("D-1", 1000, 10)], vendor_id=shop)
    placed, _ = await delivered_order(app, client, buyer, owner, ("D-1", 2))
    asked = (await ask(client, buyer, placed["id"], ("D-1", 1))).json()
    ret = f"/api/v1/vendor/returns/{asked['id']}"
    await client.post(f"{ret}/approve", json={"restock": False}, headers=owner)
    answers = await asyncio.gather(
        *(client.post(f"{ret}/receive", headers=owner) for _ in range(4))
    )
    assert sorted(a.status_code for a in answers) == [200, 409, 409, 409]
    assert len(await outbox_events(app, REFUND_REQUESTED)) == 1
    assert len(await outbox_events(app, RECEIVED)) == 1
    # Refunded in full by an admin (no return's request): nothing is left to return.
    refund = PaymentRefunded(
        payment_id=uuid.uuid4(),
        order_id=uuid.UUID(placed["id"]),
        buyer_id=uuid.uuid4(),
        amount=usd(placed["total"]["amount"]),
        total_refunded=usd(placed["total"]["amount"]),
    )
    await deliver(app, refund, placed["id"])
    late = await ask(client, buyer, placed["id"], ("D-1", 1))
    assert late.status_code == 409, late.text
    assert "refunded in full" in late.json()["detail"]


async def test_a_return_received_after_an_admin_refund_refunds_only_what_is_left(
    app: FastAPI, client: httpx.AsyncClient, buyer: dict[str, str], keys: Keys
) -> None:
    """Approved, then the order refunded by an admin all but 300: the store's receipt
    asks for 300, not the units' price, and the return records what was given back."""
    shop, owner = await store(app, keys)
    await stock(app, [("C-1", 1000, 10)], vendor_id=shop)
    placed, _ = await delivered_order(app, client, buyer, owner, ("C-1", 2))
    total = placed["total"]["amount"]
    asked = (await ask(client, buyer, placed["id"], ("C-1", 1))).json()
    ret = f"/api/v1/vendor/returns/{asked['id']}"
    await client.post(f"{ret}/approve", json={"restock": False}, headers=owner)
    by_admin = PaymentRefunded(
        payment_id=uuid.uuid4(),
        order_id=uuid.UUID(placed["id"]),
        buyer_id=uuid.uuid4(),
        amount=usd(total - 300),
        total_refunded=usd(total - 300),
    )
    await deliver(app, by_admin, placed["id"])
    received = await client.post(f"{ret}/receive", headers=owner)
    assert received.status_code == 200, received.text
    assert received.json()["refund"]["amount"] == 300
    [request] = [
        e["data"]
        for e in await outbox_events(app, REFUND_REQUESTED)
        if e["data"]["request_id"] == asked["id"]
    ]
    assert request["amount"]["amount"] == 300
    # Capped again by the payment service, at what was left on the payment.
    await refund_paid(app, placed["id"], asked["id"], 250, total_refunded=total - 50)
    [mine] = (await client.get(f"/api/v1/orders/{placed['id']}/returns", headers=buyer)).json()
    assert (mine["status"], mine["refund"]["amount"]) == ("refunded", 250)


async def test_a_return_received_after_a_full_refund_closes_without_a_refund(
    app: FastAPI, client: httpx.AsyncClient, buyer: dict[str, str], keys: Keys
) -> None:
    shop, owner = await store(app, keys)
    await stock(app, [("Z-1", 1000, 10)], vendor_id=shop)
    placed, _ = await delivered_order(app, client, buyer, owner, ("Z-1", 1))
    total = usd(placed["total"]["amount"])
    asked = (await ask(client, buyer, placed["id"], ("Z-1", 1))).json()
    ret = f"/api/v1/vendor/returns/{asked['id']}"
    await client.post(f"{ret}/approve", json={"restock": True}, headers=owner)
    full = PaymentRefunded(
        payment_id=uuid.uuid4(),
        order_id=uuid.UUID(placed["id"]),
        buyer_id=uuid.uuid4(),
        amount=total,
        total_refunded=total,
    )
    await deliver(app, full, placed["id"])
    received = await client.post(f"{ret}/receive", headers=owner)
    assert received.status_code == 200, received.text
    asked_refunds = [
        e for e in await outbox_events(app, REFUND_REQUESTED) if e["data"].get("request_id")
    ]
    assert [e["data"]["request_id"] for e in asked_refunds].count(asked["id"]) == 0
    [mine] = (await client.get(f"/api/v1/orders/{placed['id']}/returns", headers=buyer)).json()
    assert (mine["status"], mine["refund"]["amount"]) == ("refunded", 0)


async def test_a_buyers_returns_are_exported_and_their_reasons_erased(
    app: FastAPI, client: httpx.AsyncClient, keys: Keys
) -> None:
    buyer_id = uuid.uuid4()
    buyer = keys.headers(buyer_id)
    shop, owner = await store(app, keys)
    await stock(app, [("X-1", 1000, 10)], vendor_id=shop)
    placed, _ = await delivered_order(app, client, buyer, owner, ("X-1", 1))
    asked = (await ask(client, buyer, placed["id"], ("X-1", 1))).json()
    service = {SERVICE_TOKEN_HEADER: app.state.service_token.decode()}
    path = f"/internal/users/{buyer_id}/export"
    [held] = (await client.get(path, headers=service)).json()["returns"]
    assert (held["id"], held["reason"]) == (asked["id"], "Too small")

    await deliver(app, UserDeleted(user_id=buyer_id, deleted_at=datetime.now(UTC)), str(buyer_id))
    [after] = (await client.get(path, headers=service)).json()["returns"]
    assert (after["id"], after["status"]) == (asked["id"], "requested")
    assert after["reason"] != "Too small"
