"""The checkout journey through the catalog, order and payment services on one shared
in-process transport and real PostgreSQL: what a buyer, a vendor and the stock
numbers show after paying, a decline, and a cancellation; and every event delivered
twice changes nothing."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import jwt
import pytest
from fastapi import FastAPI
from sqlalchemy import select

from agora_catalog.app import create_app as create_catalog
from agora_catalog.settings import Settings as CatalogSettings
from agora_catalog_testing.helpers import Shop
from agora_kit.auth import ROLE_CUSTOMER, ROLE_VENDOR
from agora_kit.events.envelope import CloudEvent, to_message
from agora_kit.events.inprocess import InProcessTransport
from agora_kit.events.tables import outbox
from agora_kit.testing.apps import running, service_settings
from agora_kit.testing.fixtures import Databases
from agora_kit.testing.tokens import Keys
from agora_kit.testing.waiting import eventually
from agora_order.app import create_app as create_order
from agora_order.models import Sku
from agora_order.settings import Settings as OrderSettings
from agora_order_testing import ADDRESS
from agora_payment.app import create_app as create_payment
from agora_payment.models import Payout
from agora_payment.settings import Settings as PaymentSettings
from agora_payment_testing import ledger_balances


@dataclass
class Fleet:
    catalog: FastAPI
    order: FastAPI
    payment: FastAPI
    shop: Shop
    orders: httpx.AsyncClient
    payments: httpx.AsyncClient

    @property
    def apps(self) -> list[FastAPI]:
        return [self.catalog, self.order, self.payment]


@pytest.fixture
async def fleet(databases: Databases, events_url: str, keys: Keys) -> AsyncIterator[Fleet]:
    urls = [
        await databases.migrated(package)
        for package in ("agora_catalog", "agora_order", "agora_payment")
    ]
    transport = InProcessTransport(events_url, poll_seconds=0.05)
    await transport.start()
    catalog = create_catalog(
        service_settings(CatalogSettings, urls[0], events_url), transport=transport
    )
    order = create_order(service_settings(OrderSettings, urls[1], events_url), transport=transport)
    payment = create_payment(
        service_settings(PaymentSettings, urls[2], events_url), transport=transport
    )
    async with (
        running(catalog, keys),
        running(order, keys),
        running(payment, keys),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=catalog), base_url="http://catalog"
        ) as catalog_client,
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=order), base_url="http://order"
        ) as orders,
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=payment), base_url="http://payment"
        ) as payments,
    ):
        yield Fleet(catalog, order, payment, Shop(catalog_client, keys), orders, payments)
    await transport.close()


@dataclass
class Bought:
    order_id: str
    payment_id: str
    sku: str
    buyer: dict[str, str]
    owner: dict[str, str]


async def status_of(fleet: Fleet, bought: Bought, *wanted: str) -> Any:
    async def check() -> Any:
        response = await fleet.orders.get(f"/api/v1/orders/{bought.order_id}", headers=bought.buyer)
        body = response.json()
        return body if body["status"] in wanted else None

    return await eventually(check)


async def stock(fleet: Fleet, bought: Bought) -> tuple[int, int]:
    body = (
        await fleet.shop.client.get(f"/api/v1/inventory/{bought.sku}", headers=bought.owner)
    ).json()
    return body["on_hand"], body["reserved"]


async def until_stock(fleet: Fleet, bought: Bought, on_hand: int, reserved: int) -> None:
    async def check() -> bool:
        return await stock(fleet, bought) == (on_hand, reserved)

    await eventually(check)


async def place(fleet: Fleet, quantity: int = 2, payment_method: str | None = None) -> Bought:
    """A store with a product of 10 in stock; a buyer checks out ``quantity`` of it
    (paying with ``payment_method`` at checkout when given)."""
    store = await fleet.shop.store()
    category = await fleet.shop.category(f"Cat {uuid.uuid4().hex[:6]}")
    sku = fleet.shop.next_sku()
    await fleet.shop.product(store, category, variants=[{"sku": sku, "amount": 1500, "stock": 10}])
    buyer = fleet.shop.user()

    async def added() -> bool:
        response = await fleet.orders.post(
            "/api/v1/cart/items", json={"sku": sku, "quantity": quantity}, headers=buyer.headers
        )
        return response.status_code == 200

    await eventually(added)  # once the product's snapshot reached the order service
    body: dict[str, Any] = {"shipping_address": ADDRESS}
    if payment_method is not None:
        body["payment_method"] = payment_method
    placed = await fleet.orders.post(
        "/api/v1/checkout",
        json=body,
        headers={**buyer.headers, "Idempotency-Key": uuid.uuid4().hex},
    )
    assert placed.status_code == 202, placed.text
    return Bought(placed.json()["id"], "", sku, buyer.headers, store.owner.headers)


async def buy(fleet: Fleet, quantity: int = 2) -> Bought:
    """:func:`place`, and the saga runs until the order awaits payment."""
    bought = await place(fleet, quantity)

    async def intent() -> Any:
        body = (
            await fleet.orders.get(f"/api/v1/orders/{bought.order_id}", headers=bought.buyer)
        ).json()
        payment = body.get("payment") or {}
        return payment.get("client_secret") and body

    body = await eventually(intent)
    assert body["status"] == "awaiting_payment"
    bought.payment_id = body["payment"]["payment_id"]
    await until_stock(fleet, bought, 10, quantity)
    return bought


async def vendor_headers(fleet: Fleet, bought: Bought) -> dict[str, str]:
    """The store owner's token once the user service granted the vendor role."""
    token = bought.owner["Authorization"].removeprefix("Bearer ")
    claims = jwt.decode(token, options={"verify_signature": False})
    signed = fleet.shop.keys.token(claims["sub"], (ROLE_CUSTOMER, ROLE_VENDOR))
    return {"Authorization": f"Bearer {signed}"}


async def pay(fleet: Fleet, bought: Bought, method: str) -> httpx.Response:
    return await fleet.payments.post(
        f"/api/v1/payments/{bought.payment_id}/confirm",
        json={"payment_method": method},
        headers={**bought.buyer, "Idempotency-Key": uuid.uuid4().hex},
    )


async def test_paid_with_visa_confirms_and_commits_stock(fleet: Fleet) -> None:
    bought = await buy(fleet)
    assert (await pay(fleet, bought, "pm_card_visa")).status_code == 200
    await status_of(fleet, bought, "confirmed")
    await until_stock(fleet, bought, 8, 0)
    total = (
        await fleet.orders.get(f"/api/v1/orders/{bought.order_id}", headers=bought.buyer)
    ).json()["total"]["amount"]
    assert await ledger_balances(fleet.payment) == {
        "provider_balance": total,
        "buyer_payments": -total,
    }

    # The vendor ships: the order is shipped and the vendor's share, less 10%, held.
    vendor = await vendor_headers(fleet, bought)
    subs = (await fleet.orders.get("/api/v1/vendor/orders", headers=vendor)).json()["items"]
    assert [sub["order_id"] for sub in subs] == [bought.order_id]
    ship = await fleet.orders.post(
        f"/api/v1/vendor/orders/{subs[0]['id']}/ship",
        json={"carrier": "DHL", "tracking_number": "JD0001"},
        headers=vendor,
    )
    assert ship.status_code == 200, ship.text
    await status_of(fleet, bought, "shipped")
    net = 3000 - 300

    async def payout_status() -> str | None:
        async with fleet.payment.state.database.transaction() as session:
            status: str | None = await session.scalar(
                select(Payout.status).where(Payout.payment_id == uuid.UUID(bought.payment_id))
            )
            return status

    async def held() -> bool:
        return await payout_status() == "held"

    await eventually(held)
    assert "vendor_payouts" not in await ledger_balances(fleet.payment)

    # The store finishes Stripe Connect onboarding (the sandbox's link): it may be paid.
    async def onboarded() -> bool:
        made = await fleet.payments.post("/api/v1/vendors/me/connect", headers=vendor)
        return made.status_code in (200, 201)

    await eventually(onboarded)
    done = await fleet.payments.post(
        "/api/v1/vendors/me/connect/sandbox", json={"outcome": "verified"}, headers=vendor
    )
    assert done.json()["kyc_status"] == "verified", done.text

    # The parcel is delivered: now the vendor is paid.
    delivered = await fleet.orders.post(
        f"/api/v1/vendor/orders/{subs[0]['id']}/deliver", headers=vendor
    )
    assert delivered.status_code == 200, delivered.text
    await status_of(fleet, bought, "delivered")

    async def paid_out() -> bool:
        return (await ledger_balances(fleet.payment)).get("vendor_payouts") == net

    await eventually(paid_out)
    assert await payout_status() == "paid"

    # Every event any service wrote, delivered again to every service: nothing moves.
    await redeliver_everything(fleet)
    assert (await status_of(fleet, bought, "delivered"))["status"] == "delivered"
    assert await stock(fleet, bought) == (8, 0)
    assert await ledger_balances(fleet.payment) == {
        "provider_balance": total - net,
        "buyer_payments": -total,
        "vendor_payouts": net,
    }


async def test_declined_card_cancels_and_releases_stock(fleet: Fleet) -> None:
    bought = await buy(fleet)
    declined = await pay(fleet, bought, "pm_card_chargeDeclined")
    assert declined.status_code == 402
    body = await status_of(fleet, bought, "cancelled")
    assert body["cancel_reason"] == "Your card was declined."
    await until_stock(fleet, bought, 10, 0)
    assert await ledger_balances(fleet.payment) == {}


async def test_visa_given_at_checkout_confirms_with_no_other_call(fleet: Fleet) -> None:
    bought = await place(fleet, payment_method="pm_card_visa")
    body = await status_of(fleet, bought, "confirmed")
    await until_stock(fleet, bought, 8, 0)
    total = body["total"]["amount"]
    assert await ledger_balances(fleet.payment) == {
        "provider_balance": total,
        "buyer_payments": -total,
    }
    payments = await fleet.payments.get(
        "/api/v1/payments", params={"order_id": bought.order_id}, headers=bought.buyer
    )
    assert [p["status"] for p in payments.json()] == ["succeeded"]


async def test_declined_card_given_at_checkout_cancels_and_releases_stock(fleet: Fleet) -> None:
    bought = await place(fleet, payment_method="pm_card_chargeDeclined")
    body = await status_of(fleet, bought, "cancelled")
    assert body["cancel_reason"] == "Your card was declined."
    await until_stock(fleet, bought, 10, 0)
    assert await ledger_balances(fleet.payment) == {}


async def test_cancel_after_paying_refunds_and_returns_stock(fleet: Fleet) -> None:
    bought = await buy(fleet)
    await pay(fleet, bought, "pm_card_visa")
    await status_of(fleet, bought, "confirmed")
    await until_stock(fleet, bought, 8, 0)
    cancelled = await fleet.orders.post(
        f"/api/v1/orders/{bought.order_id}/cancel", headers=bought.buyer
    )
    assert cancelled.status_code == 202
    body = await status_of(fleet, bought, "refunded")
    assert body["refunded"] == body["total"]
    await until_stock(fleet, bought, 10, 0)
    assert await ledger_balances(fleet.payment) == {"provider_balance": 0, "buyer_payments": 0}


async def test_not_enough_stock_cancels_with_the_reason(fleet: Fleet) -> None:
    bought = await buy(fleet, quantity=6)
    # The order service's read model lags behind (it says 100 are left); the catalog
    # is the judge: it refuses, and the order says why.
    async with fleet.order.state.database.transaction() as session:
        sku = await session.get(Sku, bought.sku)
        assert sku is not None
        sku.available = 100
        sku.stock_version = datetime.now(UTC) + timedelta(hours=1)
    other = fleet.shop.user()
    added = await fleet.orders.post(
        "/api/v1/cart/items", json={"sku": bought.sku, "quantity": 6}, headers=other.headers
    )
    assert added.status_code == 200
    placed = await fleet.orders.post(
        "/api/v1/checkout",
        json={"shipping_address": ADDRESS},
        headers={**other.headers, "Idempotency-Key": "k"},
    )
    assert placed.status_code == 202
    loser = Bought(placed.json()["id"], "", bought.sku, other.headers, bought.owner)
    body = await status_of(fleet, loser, "cancelled")
    assert body["cancel_reason"] == f"Not enough stock: {bought.sku} (wanted 6, 4 left)."
    await until_stock(fleet, bought, 10, 6)  # the first buyer's hold is untouched


async def redeliver_everything(fleet: Fleet) -> None:
    for source in fleet.apps:
        async with source.state.database.transaction() as session:
            rows = (
                await session.execute(select(outbox.c.topic, outbox.c.key, outbox.c.event))
            ).all()
        for topic, key, event in rows:
            message = to_message(topic, key, CloudEvent.model_validate(event))
            for target in fleet.apps:
                await target.state.runtime.consumer.handle(message)


async def test_100_concurrent_checkouts_for_10_in_stock_confirm_exactly_10(fleet: Fleet) -> None:
    store = await fleet.shop.store()
    category = await fleet.shop.category(f"Cat {uuid.uuid4().hex[:6]}")
    sku = fleet.shop.next_sku()
    await fleet.shop.product(store, category, variants=[{"sku": sku, "amount": 900, "stock": 10}])
    buyers = [fleet.shop.user() for _ in range(100)]

    async def fill_cart(headers: dict[str, str]) -> None:
        async def added() -> bool:
            response = await fleet.orders.post(
                "/api/v1/cart/items", json={"sku": sku, "quantity": 1}, headers=headers
            )
            return response.status_code == 200

        await eventually(added, within=60)

    await asyncio.gather(*(fill_cart(b.headers) for b in buyers))

    async def check_out(headers: dict[str, str]) -> httpx.Response:
        return await fleet.orders.post(
            "/api/v1/checkout",
            json={"shipping_address": ADDRESS},
            headers={**headers, "Idempotency-Key": uuid.uuid4().hex},
        )

    answers = await asyncio.gather(*(check_out(b.headers) for b in buyers))
    # A checkout the order service can already tell is short is refused at once (409);
    # the others are placed and the catalog decides.
    assert {a.status_code for a in answers} <= {202, 409}
    placed = [
        (b, a.json()["id"]) for b, a in zip(buyers, answers, strict=True) if a.status_code == 202
    ]

    async def settled(headers: dict[str, str], order_id: str) -> Any:
        async def check() -> Any:
            body = (await fleet.orders.get(f"/api/v1/orders/{order_id}", headers=headers)).json()
            ready = body["status"] == "cancelled" or (
                body["status"] == "awaiting_payment"
                and (body.get("payment") or {}).get("payment_id")
            )
            return body if ready else None

        return await eventually(check, within=120)

    bodies = await asyncio.gather(*(settled(b.headers, oid) for b, oid in placed))
    awaiting = [
        (b, body)
        for (b, _), body in zip(placed, bodies, strict=True)
        if body["status"] == "awaiting_payment"
    ]
    assert len(awaiting) == 10, "exactly the stock on hand is reserved"

    paid = await asyncio.gather(
        *(
            fleet.payments.post(
                f"/api/v1/payments/{body['payment']['payment_id']}/confirm",
                json={"payment_method": "pm_card_visa"},
                headers={**b.headers, "Idempotency-Key": uuid.uuid4().hex},
            )
            for b, body in awaiting
        )
    )
    assert all(p.status_code == 200 for p in paid), [p.text for p in paid]
    confirmed = await asyncio.gather(
        *(
            status_of(
                fleet, Bought(body["id"], "", sku, b.headers, store.owner.headers), "confirmed"
            )
            for b, body in awaiting
        )
    )
    assert len(confirmed) == 10
    await until_stock(fleet, Bought("", "", sku, {}, store.owner.headers), 0, 0)
