"""A vendor's dashboard adds up its own paid orders: units, gross sales, its share of
refunds, and the fees and payouts the payment service's events told of (ADR 0098)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from fastapi import FastAPI

from agora_contracts.catalog import VendorApproved
from agora_contracts.payment import (
    PaymentRefunded,
    PayoutCreated,
    PayoutReversed,
)
from agora_kit.auth import ROLE_VENDOR
from agora_kit.testing.events import deliver
from agora_kit.testing.tokens import Keys

from .helpers import checkout, fill, paid_order, stock, usd


async def store(app: FastAPI, keys: Keys) -> tuple[uuid.UUID, dict[str, str]]:
    owner, vendor_id = uuid.uuid4(), uuid.uuid4()
    approved = VendorApproved(vendor_id=vendor_id, owner_id=owner, name="Shop")
    await deliver(app, approved, str(vendor_id))
    return vendor_id, keys.headers(owner, (ROLE_VENDOR,))


def ceil_share(value: int, refunded: int, total: int) -> int:
    return -(-value * refunded // total)


async def test_a_vendors_stats_add_up_its_own_paid_orders(
    app: FastAPI, client: httpx.AsyncClient, buyer: dict[str, str], keys: Keys
) -> None:
    shop, owner = await store(app, keys)
    other_shop, other_owner = await store(app, keys)
    await stock(app, [("ST-A1", 1000, 10)], vendor_id=shop)
    await stock(app, [("ST-A2", 2500, 3)], vendor_id=shop)
    await stock(app, [("ST-B1", 700, 10)], vendor_id=other_shop)

    first = await paid_order(app, client, buyer, ("ST-A1", 2), ("ST-B1", 1))
    second = await paid_order(app, client, buyer, ("ST-A2", 1))
    await fill(client, buyer, ("ST-A1", 1))
    assert (await checkout(client, buyer)).status_code == 202  # never paid: not counted

    total = second["total"]["amount"]
    refund = PaymentRefunded(
        payment_id=uuid.uuid4(),
        order_id=uuid.UUID(second["id"]),
        buyer_id=uuid.uuid4(),
        amount=usd(1000),
        total_refunded=usd(1000),
    )
    await deliver(app, refund, second["id"])
    payouts = {first["id"]: (2000, 200, 1800), second["id"]: (2500, 250, 2250)}
    ids = {order_id: uuid.uuid4() for order_id in payouts}
    for order_id, (gross, fee, share) in payouts.items():
        created = PayoutCreated(
            payout_id=ids[order_id],
            payment_id=uuid.uuid4(),
            order_id=uuid.UUID(order_id),
            vendor_id=shop,
            gross=usd(gross),
            fee=usd(fee),
            amount=usd(share),
            transfer_id="tr_1",
        )
        await deliver(app, created, order_id)
    taken_back = ceil_share(2250, 1000, total)
    for _ in range(2):  # the same news twice counts once
        reversed_ = PayoutReversed(
            payout_id=ids[second["id"]],
            payment_id=uuid.uuid4(),
            order_id=uuid.UUID(second["id"]),
            vendor_id=shop,
            amount=usd(taken_back),
            total_reversed=usd(taken_back),
            reversal_id="trr_1",
        )
        await deliver(app, reversed_, second["id"])

    now = datetime.now(UTC)
    query = {
        "from": (now - timedelta(days=1)).isoformat(),
        "to": (now + timedelta(days=1)).isoformat(),
        "interval": "day",
    }
    answer = await client.get("/api/v1/vendors/me/stats", params=query, headers=owner)
    assert answer.status_code == 200, answer.text
    stats = answer.json()

    def amount(figures: dict[str, Any], name: str) -> int:
        value: int = figures[name]["amount"]
        return value

    [totals] = stats["totals"]
    assert (totals["currency"], totals["orders"], totals["units"]) == ("USD", 2, 3)
    assert amount(totals, "gross_sales") == 2000 + 2500
    assert amount(totals, "refunds") == ceil_share(2500, 1000, total)
    assert amount(totals, "platform_fees") == 200 + 250 - ceil_share(250, 1000, total)
    assert amount(totals, "net_payouts") == 1800 + 2250 - taken_back
    assert amount(totals, "average_order_value") == 2250
    days = [b for b in stats["buckets"] if b["figures"]]
    assert [b["start"][:10] for b in days] == [now.date().isoformat()]
    assert days[0]["figures"] == [totals]
    assert len(stats["buckets"]) in {2, 3}
    assert [(p["units"], amount(p, "sales")) for p in stats["top_products"]] == [
        (2, 2000),  # ST-A1's product
        (1, 2500),  # ST-A2's
    ]
    assert [(s["sku"], s["available"]) for s in stats["low_stock"]] == [("ST-A2", 3)]

    theirs = (
        await client.get("/api/v1/vendors/me/stats", params=query, headers=other_owner)
    ).json()
    assert [(f["orders"], f["units"], amount(f, "gross_sales")) for f in theirs["totals"]] == [
        (1, 1, 700)
    ]
    assert theirs["top_products"][0]["units"] == 1
    assert theirs["low_stock"] == []


async def test_only_a_store_owner_sees_stats_for_a_sound_range(
    app: FastAPI, client: httpx.AsyncClient, buyer: dict[str, str], keys: Keys
) -> None:
    _, owner = await store(app, keys)
    query = {"from": "2026-12-01T00:00:00Z", "to": "2026-12-08T00:00:00Z", "interval": "week"}
    answer = await client.get("/api/v1/vendors/me/stats", params=query, headers=owner)
    assert answer.status_code == 200, answer.text
    weeks = answer.json()["buckets"]
    assert [b["start"] for b in weeks] == ["2026-11-30T00:00:00Z", "2026-12-07T00:00:00Z"]
    assert answer.json()["totals"] == []

    for headers in (buyer, keys.headers(uuid.uuid4(), (ROLE_VENDOR,))):
        refused = await client.get("/api/v1/vendors/me/stats", params=query, headers=headers)
        assert refused.status_code == 403, refused.text
    backwards = {**query, "from": query["to"], "to": query["from"]}
    answer = await client.get("/api/v1/vendors/me/stats", params=backwards, headers=owner)
    assert answer.status_code == 422
    naive = {**query, "from": "2026-12-01T00:00:00"}
    answer = await client.get("/api/v1/vendors/me/stats", params=naive, headers=owner)
    assert answer.status_code == 422
    assert [e["name"] for e in answer.json()["errors"]] == ["query.from"], answer.text
    years = {**query, "from": "2020-01-01T00:00:00Z", "interval": "day"}
    answer = await client.get("/api/v1/vendors/me/stats", params=years, headers=owner)
    assert answer.status_code == 422


async def test_a_reversal_told_before_its_payout_still_counts_the_payout(
    app: FastAPI, client: httpx.AsyncClient, buyer: dict[str, str], keys: Keys
) -> None:
    shop, owner = await store(app, keys)
    await stock(app, [("ST-C1", 1000, 10)], vendor_id=shop)
    placed = await paid_order(app, client, buyer, ("ST-C1", 1))
    order_id, payout_id = uuid.UUID(placed["id"]), uuid.uuid4()
    reversed_ = PayoutReversed(
        payout_id=payout_id,
        payment_id=uuid.uuid4(),
        order_id=order_id,
        vendor_id=shop,
        amount=usd(300),
        total_reversed=usd(300),
        reversal_id="trr_1",
    )
    created = PayoutCreated(
        payout_id=payout_id,
        payment_id=uuid.uuid4(),
        order_id=order_id,
        vendor_id=shop,
        gross=usd(1000),
        fee=usd(100),
        amount=usd(900),
        transfer_id="tr_1",
    )
    for event in (reversed_, created, created):
        await deliver(app, event, placed["id"])

    now = datetime.now(UTC)
    query = {
        "from": (now - timedelta(days=1)).isoformat(),
        "to": (now + timedelta(days=1)).isoformat(),
    }
    answer = await client.get("/api/v1/vendors/me/stats", params=query, headers=owner)
    assert answer.status_code == 200, answer.text
    [totals] = answer.json()["totals"]
    assert (totals["platform_fees"]["amount"], totals["net_payouts"]["amount"]) == (100, 900 - 300)
