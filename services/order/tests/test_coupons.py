"""Coupons: admins create them; checkout redeems them atomically."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

import httpx
from fastapi import FastAPI
from sqlalchemy import func, select

from agora_contracts.catalog import InventoryReserved, ReservedLine
from agora_kit.testing.events import deliver, outbox_events
from agora_kit.testing.tokens import Keys
from agora_order.models import Coupon, CouponRedemption, SubOrder
from agora_order.service import coupons

from .helpers import checkout, fill, stock

COUPONS = "/api/v1/admin/coupons"


async def test_only_admins_create_coupons_and_codes_are_unique(
    client: httpx.AsyncClient, buyer: dict[str, str], admin: dict[str, str]
) -> None:
    body = {"code": "SAVE10", "kind": "percent", "value": 10}
    assert (await client.post(COUPONS, json=body, headers=buyer)).status_code == 403
    created = await client.post(COUPONS, json=body, headers=admin)
    assert created.status_code == 201
    assert created.json()["used"] == 0
    assert (await client.post(COUPONS, json=body, headers=admin)).status_code == 409
    too_much = {"code": "HALF", "kind": "percent", "value": 150}
    assert (await client.post(COUPONS, json=too_much, headers=admin)).status_code == 422


async def test_admins_list_coupons_newest_first_a_page_at_a_time(
    client: httpx.AsyncClient, buyer: dict[str, str], admin: dict[str, str]
) -> None:
    for code in ("FIRST", "SECOND", "THIRD"):
        made = await client.post(
            COUPONS, json={"code": code, "kind": "percent", "value": 5}, headers=admin
        )
        assert made.status_code == 201
    assert (await client.get(COUPONS, headers=buyer)).status_code == 403
    first = await client.get(COUPONS, params={"limit": 2}, headers=admin)
    assert first.status_code == 200, first.text
    body = first.json()
    assert [c["code"] for c in body["items"]] == ["THIRD", "SECOND"]
    assert body["items"][0]["used"] == 0
    assert body["items"][0]["created_at"]
    rest = await client.get(
        COUPONS, params={"limit": 2, "cursor": body["next_cursor"]}, headers=admin
    )
    assert [c["code"] for c in rest.json()["items"]] == ["FIRST"]
    assert rest.json()["next_cursor"] is None
    bad = await client.get(COUPONS, params={"cursor": "not-ours"}, headers=admin)
    assert bad.status_code == 422
    assert bad.headers["content-type"].startswith("application/problem+json")
    assert bad.json()["errors"][0]["name"] == "query.cursor"


async def test_percent_and_fixed_discounts(
    app: FastAPI, client: httpx.AsyncClient, buyer: dict[str, str], admin: dict[str, str]
) -> None:
    await client.post(COUPONS, json={"code": "TEN", "kind": "percent", "value": 10}, headers=admin)
    await client.post(
        COUPONS,
        json={"code": "FIVE", "kind": "fixed", "value": 500, "currency": "USD"},
        headers=admin,
    )
    await stock(app, [("C-1", 3333, 10)])
    await fill(client, buyer, ("C-1", 1))
    percent = (await checkout(client, buyer, coupon_code="ten")).json()
    assert percent["discount"]["amount"] == 333  # 10% of 33.33, half up
    assert percent["shipping"]["amount"] == 499
    assert percent["tax"]["amount"] == 350  # 10% of (3000 + 499), half up
    assert percent["total"]["amount"] == 3333 - 333 + 499 + 350
    await fill(client, buyer, ("C-1", 1))
    fixed = (await checkout(client, buyer, coupon_code="FIVE")).json()
    assert fixed["discount"]["amount"] == 500


async def test_a_fixed_coupon_needs_its_currency_and_applies_only_in_it(
    app: FastAPI, client: httpx.AsyncClient, buyer: dict[str, str], admin: dict[str, str]
) -> None:
    bare = {"code": "ANYCASH", "kind": "fixed", "value": 500}
    refused = await client.post(COUPONS, json=bare, headers=admin)
    assert refused.status_code == 422
    assert [e["name"] for e in refused.json()["errors"]] == ["body.currency"]
    created = await client.post(COUPONS, json={**bare, "currency": "EUR"}, headers=admin)
    assert created.status_code == 201
    assert created.json()["currency"] == "EUR"

    await stock(app, [("Y-1", 2000, 10)])  # priced in USD
    await fill(client, buyer, ("Y-1", 1))
    assert (await checkout(client, buyer, coupon_code="ANYCASH")).status_code == 422
    # A percent coupon needs no currency.
    percent = {"code": "ANYTEN", "kind": "percent", "value": 10}
    assert (await client.post(COUPONS, json=percent, headers=admin)).status_code == 201


async def test_bad_coupons_are_422_and_leave_the_cart(
    app: FastAPI, client: httpx.AsyncClient, buyer: dict[str, str], admin: dict[str, str]
) -> None:
    past = (datetime.now(UTC) - timedelta(days=1)).isoformat()
    await client.post(
        COUPONS,
        json={"code": "OLD", "kind": "fixed", "value": 100, "currency": "USD", "expires_at": past},
        headers=admin,
    )
    await client.post(
        COUPONS,
        json={
            "code": "BIG",
            "kind": "fixed",
            "value": 100,
            "currency": "USD",
            "min_subtotal": 100000,
        },
        headers=admin,
    )
    await stock(app, [("D-1", 1000, 10)])
    await fill(client, buyer, ("D-1", 1))
    for code in ("NOPE", "OLD", "BIG"):
        response = await checkout(client, buyer, coupon_code=code)
        assert response.status_code == 422, code
    # Nothing was placed: the cart is still there.
    assert len((await client.get("/api/v1/cart", headers=buyer)).json()["items"]) == 1


async def test_per_user_limit(
    app: FastAPI, client: httpx.AsyncClient, buyer: dict[str, str], admin: dict[str, str]
) -> None:
    await client.post(
        COUPONS,
        json={
            "code": "ONCE",
            "kind": "fixed",
            "value": 100,
            "currency": "USD",
            "max_uses_per_user": 1,
        },
        headers=admin,
    )
    await stock(app, [("E-1", 1000, 10)])
    await fill(client, buyer, ("E-1", 1))
    assert (await checkout(client, buyer, coupon_code="ONCE")).status_code == 202
    await fill(client, buyer, ("E-1", 1))
    assert (await checkout(client, buyer, coupon_code="ONCE")).status_code == 422


async def test_concurrent_checkouts_never_over_use_a_limited_coupon(
    app: FastAPI, client: httpx.AsyncClient, keys: Keys, admin: dict[str, str]
) -> None:
    await client.post(
        COUPONS,
        json={"code": "LAST2", "kind": "fixed", "value": 100, "currency": "USD", "max_uses": 2},
        headers=admin,
    )
    await stock(app, [("F-1", 1000, 100)])
    buyers = [keys.headers(uuid.uuid4()) for _ in range(8)]
    for headers in buyers:
        await fill(client, headers, ("F-1", 1))
    answers = await asyncio.gather(
        *(checkout(client, headers, coupon_code="LAST2") for headers in buyers)
    )
    statuses = sorted(answer.status_code for answer in answers)
    assert statuses == [202, 202] + [422] * 6
    async with app.state.database.transaction() as session:
        coupon = await session.get(Coupon, "LAST2")
        assert coupon is not None
        assert coupon.used == 2
        redemptions = await session.scalar(
            select(func.count())
            .select_from(CouponRedemption)
            .where(CouponRedemption.code == "LAST2")
        )
    assert redemptions == 2


async def test_a_discount_is_shared_across_vendors_and_each_is_paid_what_was_collected(
    app: FastAPI, client: httpx.AsyncClient, buyer: dict[str, str], admin: dict[str, str]
) -> None:
    made = await client.post(
        COUPONS, json={"code": "HALF", "kind": "percent", "value": 50}, headers=admin
    )
    assert made.status_code == 201
    assert made.json()["funded_by"] == "vendor"
    shop_a = await stock(app, [("V-A", 2001, 10)])
    shop_b = await stock(app, [("V-B", 1000, 10)])
    shop_c = await stock(app, [("V-C", 1000, 10)])
    await fill(client, buyer, ("V-A", 1), ("V-B", 1), ("V-C", 1))
    placed = (await checkout(client, buyer, coupon_code="half")).json()
    assert placed["discount"]["amount"] == 2001  # 50% of 40.01, half up
    assert placed["discount_funded_by"] == "vendor"
    order_id = uuid.UUID(placed["id"])
    async with app.state.database.transaction() as session:
        subs = {s.vendor_id: s.discount_amount for s in await session.scalars(select(SubOrder))}
    # 2001 pro rata to 2001:1000:1000 is 1000.75, 500.12, 500.12; the unit left over
    # goes to the largest sub-order.
    assert subs == {shop_a: 1001, shop_b: 500, shop_c: 500}
    await deliver(
        app,
        InventoryReserved(
            order_id=order_id,
            lines=[ReservedLine(sku=sku, quantity=1) for sku in ("V-A", "V-B", "V-C")],
            expires_at=datetime.now(UTC) + timedelta(minutes=15),
        ),
        str(order_id),
    )
    [requested] = await outbox_events(app, "agora.order.order.payment_requested.v1")
    assert requested["data"]["vendor_amounts"] == {
        str(shop_a): 1000,
        str(shop_b): 500,
        str(shop_c): 500,
    }
    assert requested["data"].get("vendor_list_amounts", {}) == {}


async def test_a_platform_funded_coupon_tells_payment_the_list_prices(
    app: FastAPI, client: httpx.AsyncClient, buyer: dict[str, str], admin: dict[str, str]
) -> None:
    body = {
        "code": "HOUSE",
        "kind": "fixed",
        "value": 300,
        "currency": "USD",
        "funded_by": "platform",
    }
    assert (await client.post(COUPONS, json=body, headers=admin)).status_code == 201
    shop = await stock(app, [("W-1", 1000, 10)])
    await fill(client, buyer, ("W-1", 1))
    placed = (await checkout(client, buyer, coupon_code="HOUSE")).json()
    assert placed["discount_funded_by"] == "platform"
    order_id = uuid.UUID(placed["id"])
    await deliver(
        app,
        InventoryReserved(
            order_id=order_id,
            lines=[ReservedLine(sku="W-1", quantity=1)],
            expires_at=datetime.now(UTC) + timedelta(minutes=15),
        ),
        str(order_id),
    )
    [requested] = await outbox_events(app, "agora.order.order.payment_requested.v1")
    assert requested["data"]["vendor_amounts"] == {str(shop): 700}
    assert requested["data"]["vendor_list_amounts"] == {str(shop): 1000}


async def test_redeeming_tells_the_discount_and_who_funds_it_from_one_read(
    app: FastAPI, client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    body = {"code": "HOUSE", "kind": "percent", "value": 10, "funded_by": "platform"}
    assert (await client.post(COUPONS, json=body, headers=admin)).status_code == 201
    async with app.state.database.transaction() as session:
        redeemed = await coupons.redeem(
            session,
            "house",
            buyer_id=uuid.uuid4(),
            order_id=uuid.uuid4(),
            subtotal=2000,
            currency="USD",
            at=datetime.now(UTC),
        )
    assert redeemed == coupons.Redemption(discount=200, funded_by="platform")
