"""Vendor payouts once a paid order's vendor ships: its share less the platform fee
(10% by default), once, with balanced ledger legs."""

from __future__ import annotations

import uuid

import httpx
from fastapi import FastAPI
from sqlalchemy import select

from agora_contracts.catalog import Money
from agora_contracts.order import OrderShipped
from agora_contracts.payment import PaymentRequested
from agora_kit.testing.events import deliver, outbox_events
from agora_kit.testing.tokens import Keys
from agora_payment.models import Payout
from agora_payment.testing import keyed, ledger_balances


async def test_each_shipping_vendor_is_paid_once_less_the_fee(
    app: FastAPI, client: httpx.AsyncClient, keys: Keys
) -> None:
    buyer_id, order_id = uuid.uuid4(), uuid.uuid4()
    shop_a, shop_b = uuid.uuid4(), uuid.uuid4()
    await deliver(
        app,
        PaymentRequested(
            order_id=order_id,
            buyer_id=buyer_id,
            amount=Money(amount=6499, currency="USD"),  # 3000 + 2999 + 500 shipping
            vendor_amounts={str(shop_a): 3000, str(shop_b): 2999},
        ),
        str(order_id),
    )
    [intent] = await outbox_events(app, "agora.payment.payment.intent_created.v1")

    def shipped(vendor_id: uuid.UUID) -> OrderShipped:
        return OrderShipped(
            order_id=order_id,
            buyer_id=buyer_id,
            carrier="UPS",
            tracking_number="1Z",
            vendor_id=vendor_id,
        )

    await deliver(app, shipped(shop_a), str(order_id))  # not paid: no payout
    async with app.state.database.transaction() as session:
        assert list(await session.scalars(select(Payout))) == []

    paid = await client.post(
        f"/api/v1/payments/{intent['data']['payment_id']}/confirm",
        json={"payment_method": "pm_card_visa"},
        headers=keyed(keys.headers(buyer_id)),
    )
    assert paid.status_code == 200
    await deliver(app, shipped(shop_a), str(order_id))
    await deliver(app, shipped(shop_a), str(order_id))  # the same news again
    async with app.state.database.transaction() as session:
        assert {p.vendor_id for p in await session.scalars(select(Payout))} == {shop_a}
    await deliver(app, shipped(shop_b), str(order_id))
    async with app.state.database.transaction() as session:
        rows = {p.vendor_id: p for p in await session.scalars(select(Payout))}
    assert {vendor: (p.gross, p.fee, p.amount) for vendor, p in rows.items()} == {
        shop_a: (3000, 300, 2700),
        shop_b: (2999, 300, 2699),  # 299.9 rounds half up to 300
    }
    told = await outbox_events(app, "agora.payment.payout.created.v1")
    assert sorted(
        (
            e["data"]["vendor_id"],
            e["data"]["gross"]["amount"],
            e["data"]["fee"]["amount"],
            e["data"]["amount"]["amount"],
        )
        for e in told
    ) == sorted([(str(shop_a), 3000, 300, 2700), (str(shop_b), 2999, 300, 2699)])
    assert all(e["data"]["transfer_id"].startswith("tr_") for e in told)
    assert await ledger_balances(app) == {
        "provider_balance": 6499 - 2700 - 2699,  # the fees and shipping stay
        "buyer_payments": -6499,
        "vendor_payouts": 2700 + 2699,
    }


async def test_a_refund_after_shipping_takes_the_vendors_shares_back(
    app: FastAPI, client: httpx.AsyncClient, keys: Keys
) -> None:
    buyer_id, order_id = uuid.uuid4(), uuid.uuid4()
    shop_a, shop_b = uuid.uuid4(), uuid.uuid4()
    await deliver(
        app,
        PaymentRequested(
            order_id=order_id,
            buyer_id=buyer_id,
            amount=Money(amount=6499, currency="USD"),
            vendor_amounts={str(shop_a): 3000, str(shop_b): 2999},
        ),
        str(order_id),
    )
    [intent] = await outbox_events(app, "agora.payment.payment.intent_created.v1")
    payment_id = intent["data"]["payment_id"]
    paid = await client.post(
        f"/api/v1/payments/{payment_id}/confirm",
        json={"payment_method": "pm_card_visa"},
        headers=keyed(keys.headers(buyer_id)),
    )
    assert paid.status_code == 200
    for shop in (shop_a, shop_b):
        await deliver(
            app,
            OrderShipped(
                order_id=order_id,
                buyer_id=buyer_id,
                carrier="UPS",
                tracking_number="1Z",
                vendor_id=shop,
            ),
            str(order_id),
        )
    admin = keys.headers(uuid.uuid4(), ("admin",))

    # Half the payment back (a return): each vendor gives back half its payout.
    half = await client.post(
        f"/api/v1/admin/payments/{payment_id}/refund", json={"amount": 3250}, headers=keyed(admin)
    )
    assert half.status_code == 202, half.text
    async with app.state.database.transaction() as session:
        rows = {p.vendor_id: p.reversed_amount for p in await session.scalars(select(Payout))}
    assert rows == {shop_a: 1350, shop_b: 1350}
    assert await ledger_balances(app) == {
        "provider_balance": 6499 - 5399 - 3250 + 2700,
        "buyer_payments": -6499 + 3250,
        "vendor_payouts": 5399 - 2700,
    }

    # The rest back: every payout is taken back whole, and nothing is left anywhere.
    rest = await client.post(
        f"/api/v1/admin/payments/{payment_id}/refund", json={}, headers=keyed(admin)
    )
    assert rest.status_code == 202, rest.text
    async with app.state.database.transaction() as session:
        rows = {p.vendor_id: p.reversed_amount for p in await session.scalars(select(Payout))}
    assert rows == {shop_a: 2700, shop_b: 2699}
    assert await ledger_balances(app) == {
        "provider_balance": 0,
        "buyer_payments": 0,
        "vendor_payouts": 0,
    }
    told = await outbox_events(app, "agora.payment.payout.reversed.v1")
    assert sorted((e["data"]["vendor_id"], e["data"]["amount"]["amount"]) for e in told) == sorted(
        [(str(shop_a), 1350), (str(shop_b), 1350), (str(shop_a), 1350), (str(shop_b), 1349)]
    )
    assert all(e["data"]["reversal_id"].startswith("trr_") for e in told)
