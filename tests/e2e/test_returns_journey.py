"""Returns (ADR 0116) through the catalog, order and payment services on one shared
in-process transport and real PostgreSQL: a delivered order's units come back, the
buyer is refunded through the saga's refund path, the store's payout is reduced while
held or reversed once paid, and stock goes back on sale only when the store says so;
every event delivered twice changes nothing."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
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
from agora_order.settings import Settings as OrderSettings
from agora_order_testing import ADDRESS
from agora_payment.app import create_app as create_payment
from agora_payment.models import Payout
from agora_payment.settings import Settings as PaymentSettings

PRICE = 1500
# The default rule's shipping (499 on 3000) stays with the platform; the store is owed
# 3000 less the 10% fee.
TOTAL, NET = 2 * PRICE + 499, 2 * PRICE - 300


@dataclass
class Fleet:
    catalog: FastAPI
    order: FastAPI
    payment: FastAPI
    shop: Shop
    orders: httpx.AsyncClient
    payments: httpx.AsyncClient


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
class Delivered:
    order_id: str
    payment_id: str
    sku: str
    buyer: dict[str, str]
    owner: dict[str, str]
    vendor: dict[str, str]


async def delivered(fleet: Fleet, *, onboarded: bool) -> Delivered:
    """Two units of a 10-in-stock SKU bought, paid with Visa, shipped and delivered; the
    store's payout held (``onboarded``: paid, its Connect account verified first)."""
    store = await fleet.shop.store()
    category = await fleet.shop.category(f"Cat {uuid.uuid4().hex[:6]}")
    sku = fleet.shop.next_sku()
    await fleet.shop.product(store, category, variants=[{"sku": sku, "amount": PRICE, "stock": 10}])
    buyer = fleet.shop.user().headers

    async def added() -> bool:
        response = await fleet.orders.post(
            "/api/v1/cart/items", json={"sku": sku, "quantity": 2}, headers=buyer
        )
        return response.status_code == 200

    await eventually(added)
    placed = await fleet.orders.post(
        "/api/v1/checkout",
        json={"shipping_address": ADDRESS, "payment_method": "pm_card_visa"},
        headers={**buyer, "Idempotency-Key": uuid.uuid4().hex},
    )
    assert placed.status_code == 202, placed.text
    order_id = placed.json()["id"]
    claims = jwt.decode(
        store.owner.headers["Authorization"].removeprefix("Bearer "),
        options={"verify_signature": False},
    )
    signed = fleet.shop.keys.token(claims["sub"], (ROLE_CUSTOMER, ROLE_VENDOR))
    vendor = {"Authorization": f"Bearer {signed}"}

    async def paid() -> Any:
        items = (await fleet.orders.get("/api/v1/vendor/orders", headers=vendor)).json()["items"]
        return items or None

    [sub] = await eventually(paid)
    shipped = await fleet.orders.post(
        f"/api/v1/vendor/orders/{sub['id']}/ship",
        json={"carrier": "DHL", "tracking_number": "JD1"},
        headers=vendor,
    )
    assert shipped.status_code == 200, shipped.text
    if onboarded:

        async def connected() -> bool:
            made = await fleet.payments.post("/api/v1/vendors/me/connect", headers=vendor)
            return made.status_code in (200, 201)

        await eventually(connected)
        await fleet.payments.post(
            "/api/v1/vendors/me/connect/sandbox", json={"outcome": "verified"}, headers=vendor
        )
    done = await fleet.orders.post(f"/api/v1/vendor/orders/{sub['id']}/deliver", headers=vendor)
    assert done.status_code == 200, done.text
    body = (await fleet.orders.get(f"/api/v1/orders/{order_id}", headers=buyer)).json()
    bought = Delivered(
        order_id, body["payment"]["payment_id"], sku, buyer, store.owner.headers, vendor
    )
    await until_payout(fleet, bought, "paid" if onboarded else "held", 0)
    return bought


async def payout(fleet: Fleet, bought: Delivered) -> tuple[str, int]:
    async with fleet.payment.state.database.transaction() as session:
        row = await session.scalar(
            select(Payout).where(Payout.payment_id == uuid.UUID(bought.payment_id))
        )
        return (row.status, row.reversed_amount) if row else ("", -1)


async def until_payout(fleet: Fleet, bought: Delivered, status: str, reversed_amount: int) -> None:
    async def check() -> bool:
        return await payout(fleet, bought) == (status, reversed_amount)

    await eventually(check)


async def on_hand(fleet: Fleet, bought: Delivered) -> int:
    response = await fleet.shop.client.get(f"/api/v1/inventory/{bought.sku}", headers=bought.owner)
    count: int = response.json()["on_hand"]
    return count


async def return_units(
    fleet: Fleet, bought: Delivered, units: int, *, restock: bool
) -> dict[str, Any]:
    """The buyer returns ``units``, the store approves and receives; until refunded."""
    asked = await fleet.orders.post(
        f"/api/v1/orders/{bought.order_id}/returns",
        json={"lines": [{"sku": bought.sku, "quantity": units}], "reason": "Not as pictured"},
        headers=bought.buyer,
    )
    assert asked.status_code == 201, asked.text
    path = f"/api/v1/vendor/returns/{asked.json()['id']}"
    approved = await fleet.orders.post(
        f"{path}/approve", json={"restock": restock}, headers=bought.vendor
    )
    assert approved.status_code == 200, approved.text
    received = await fleet.orders.post(f"{path}/receive", headers=bought.vendor)
    assert received.status_code == 200, received.text
    assert (await fleet.orders.post(f"{path}/receive", headers=bought.vendor)).status_code == 409

    async def refunded() -> Any:
        listed = (
            await fleet.orders.get(
                f"/api/v1/orders/{bought.order_id}/returns", headers=bought.buyer
            )
        ).json()
        [one] = [r for r in listed if r["id"] == asked.json()["id"]]
        return one if one["status"] == "refunded" else None

    one: dict[str, Any] = await eventually(refunded)
    return one


def share(value: int, refunded: int) -> int:
    """The payment service's part of ``value`` given back for ``refunded`` of the
    total, rounded up (ADR 0045)."""
    return -(-value * refunded // TOTAL)


async def test_a_return_reduces_the_held_payout_and_restocks_only_when_asked(
    fleet: Fleet,
) -> None:
    bought = await delivered(fleet, onboarded=False)
    assert await on_hand(fleet, bought) == 8

    first = await return_units(fleet, bought, 1, restock=False)
    assert first["refund"] == {"amount": PRICE, "currency": "USD"}
    await until_payout(fleet, bought, "held", share(NET, PRICE))
    assert await on_hand(fleet, bought) == 8  # the store kept the unit off sale

    await return_units(fleet, bought, 1, restock=True)
    await until_payout(fleet, bought, "held", share(NET, 2 * PRICE))

    async def restocked() -> bool:
        return await on_hand(fleet, bought) == 9

    await eventually(restocked)
    body = (
        await fleet.orders.get(f"/api/v1/orders/{bought.order_id}", headers=bought.buyer)
    ).json()
    assert (body["status"], body["refunded"]["amount"]) == ("delivered", 2 * PRICE)

    await redeliver_everything(fleet)
    assert await payout(fleet, bought) == ("held", share(NET, 2 * PRICE))
    assert await on_hand(fleet, bought) == 9


async def test_a_return_after_the_payout_reverses_the_transfer(fleet: Fleet) -> None:
    bought = await delivered(fleet, onboarded=True)
    whole = await return_units(fleet, bought, 2, restock=True)
    assert whole["refund"] == {"amount": 2 * PRICE, "currency": "USD"}
    await until_payout(fleet, bought, "paid", share(NET, 2 * PRICE))

    async def restocked() -> bool:
        return await on_hand(fleet, bought) == 10

    await eventually(restocked)
    # Nothing more may be returned.
    again = await fleet.orders.post(
        f"/api/v1/orders/{bought.order_id}/returns",
        json={"lines": [{"sku": bought.sku, "quantity": 1}], "reason": "Again"},
        headers=bought.buyer,
    )
    assert again.status_code == 409


async def redeliver_everything(fleet: Fleet) -> None:
    apps = [fleet.catalog, fleet.order, fleet.payment]
    for source in apps:
        async with source.state.database.transaction() as session:
            rows = (
                await session.execute(select(outbox.c.topic, outbox.c.key, outbox.c.event))
            ).all()
        for topic, key, event in rows:
            message = to_message(topic, key, CloudEvent.model_validate(event))
            for target in apps:
                await target.state.runtime.consumer.handle(message)
