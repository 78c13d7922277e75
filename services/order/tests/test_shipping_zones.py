"""Stores' shipping zones through the API, and what the cart shows for a destination:
checkout charges exactly that, and stores are never owed more than was collected
(ADR 0113). Tax here: none by default, 7.25% added in California, and the EU's
standard VAT (included in prices) from the shipped table."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select

from agora_contracts.catalog import (
    InventoryReserved,
    ProductPublished,
    ReservedLine,
    VariantSnapshot,
    VendorApproved,
)
from agora_contracts.common import Money
from agora_kit.auth import ROLE_VENDOR
from agora_kit.testing.apps import service_settings
from agora_kit.testing.events import deliver, outbox_events
from agora_kit.testing.fixtures import Databases
from agora_kit.testing.tokens import Keys
from agora_order.models import Order, ShippingZone, SubOrder
from agora_order.settings import Settings, TaxRate
from agora_order_testing import ADDRESS

from .helpers import fill

ZONES = "/api/v1/vendor/shipping-zones"
CART = "/api/v1/cart"


@pytest.fixture
async def settings(databases: Databases, events_url: str) -> Settings:
    url = await databases.migrated("agora_order")
    return service_settings(
        Settings,
        url,
        events_url,
        tax_rate_bps=0,
        tax_rates={"US-CA": TaxRate(rate_bps=725)},
        eu_vat=True,
    )


async def store(app: FastAPI, keys: Keys) -> tuple[uuid.UUID, dict[str, str]]:
    owner, vendor_id = uuid.uuid4(), uuid.uuid4()
    approved = VendorApproved(vendor_id=vendor_id, owner_id=owner, name="Shop")
    await deliver(app, approved, str(vendor_id))
    return vendor_id, keys.headers(owner, (ROLE_VENDOR,))


async def stock(app: FastAPI, vendor_id: uuid.UUID, sku: str, price: int, grams: int) -> None:
    event = ProductPublished(
        product_id=uuid.uuid4(),
        vendor_id=vendor_id,
        category_id=uuid.uuid4(),
        title=sku,
        variants=[
            VariantSnapshot(
                sku=sku,
                price=Money(amount=price, currency="USD"),
                attributes={"weight_g": str(grams)},
                available=10,
            )
        ],
    )
    await deliver(app, event, str(event.product_id))


EUROPE: dict[str, Any] = {
    "name": "Europe",
    "currency": "USD",
    "countries": ["DE", "FR"],
    "rate": {
        "kind": "weight",
        "bands": [{"up_to": 1000, "amount": 600}, {"up_to": None, "amount": 1200}],
    },
    "free_over": 20000,
}
STATES: dict[str, Any] = {
    "name": "United States",
    "currency": "USD",
    "countries": ["US"],
    "rate": {"kind": "flat", "amount": 350},
}


async def zone_count(app: FastAPI) -> int:
    async with app.state.database.transaction() as session:
        return int(await session.scalar(select(func.count()).select_from(ShippingZone)) or 0)


async def test_a_store_owner_manages_its_zones(
    app: FastAPI, client: httpx.AsyncClient, keys: Keys, buyer: dict[str, str]
) -> None:
    _, owner = await store(app, keys)
    _, rival = await store(app, keys)
    made = await client.post(ZONES, json=EUROPE, headers=owner)
    assert made.status_code == 201, made.text
    zone = made.json()
    assert made.headers["location"].endswith(f"/vendor/shipping-zones/{zone['id']}")
    assert zone["countries"] == ["DE", "FR"]
    assert zone["rate"]["bands"][1] == {"up_to": None, "amount": 1200}
    listed = (await client.get(ZONES, headers=owner)).json()
    assert [one["id"] for one in listed["items"]] == [zone["id"]]
    assert (await client.get(ZONES, headers=rival)).json()["items"] == []

    # Bad input: a clear problem, and nothing changes.
    bad_bodies: list[dict[str, Any]] = [
        {**STATES, "countries": ["XX"]},
        {**STATES, "countries": ["US", "US"]},
        {**STATES, "rate": {"kind": "flat"}},
        {
            **STATES,
            "rate": {
                "kind": "subtotal",
                "bands": [{"up_to": None, "amount": 1}, {"up_to": 9, "amount": 2}],
            },
        },
        {**STATES, "currency": "usd"},
    ]
    for body in bad_bodies:
        refused = await client.post(ZONES, json=body, headers=owner)
        assert refused.status_code == 422, body
        assert refused.headers["content-type"] == "application/problem+json"
    taken = await client.post(ZONES, json={**STATES, "countries": ["US", "FR"]}, headers=owner)
    assert taken.status_code == 409
    assert taken.json()["type"].endswith("/shipping-country-taken")
    assert "FR" in taken.json()["detail"]
    assert await zone_count(app) == 1

    # Only the owner reads, replaces or deletes it.
    one = f"{ZONES}/{zone['id']}"
    assert (await client.get(one, headers=rival)).status_code == 403
    assert (await client.put(one, json=STATES, headers=rival)).status_code == 403
    assert (await client.delete(one, headers=rival)).status_code == 403
    assert (await client.get(ZONES, headers=buyer)).status_code == 403
    assert (await client.get(f"{ZONES}/{uuid.uuid4()}", headers=owner)).status_code == 404

    replaced = await client.put(one, json={**EUROPE, "countries": ["DE", "AT"]}, headers=owner)
    assert replaced.status_code == 200
    assert replaced.json()["countries"] == ["AT", "DE"]
    # FR is free again, so another zone may take it.
    france = await client.post(ZONES, json={**STATES, "countries": ["FR"]}, headers=owner)
    assert france.status_code == 201
    assert (await client.delete(one, headers=owner)).status_code == 204
    assert (await client.get(one, headers=owner)).status_code == 404
    assert await zone_count(app) == 1

    # Every change is in the audit log, refusals are not (ADR 0097).
    entries = await outbox_events(app, "agora.audit.entry.recorded.v1")
    audited = [e["data"] for e in entries if e["data"]["resource_type"] == "shipping_zone"]
    assert [(e["action"], e["resource_id"]) for e in audited] == [
        ("shipping_zone.create", zone["id"]),
        ("shipping_zone.replace", zone["id"]),
        ("shipping_zone.create", france.json()["id"]),
        ("shipping_zone.delete", zone["id"]),
    ]
    assert (audited[1]["before"], audited[1]["after"]) == (
        {"countries": ["DE", "FR"]},
        {"countries": ["AT", "DE"]},
    )


async def test_the_cart_shows_each_stores_shipping_and_tax_and_checkout_charges_it(
    app: FastAPI, client: httpx.AsyncClient, keys: Keys, buyer: dict[str, str]
) -> None:
    shop_a, owner_a = await store(app, keys)
    shop_b, _ = await store(app, keys)  # no zones: the default rule, 499 under 50.00
    for body in (EUROPE, STATES):
        assert (await client.post(ZONES, json=body, headers=owner_a)).status_code == 201
    await stock(app, shop_a, "BOOT-1", 3000, 800)
    await stock(app, shop_b, "SOCK-1", 1000, 100)
    await fill(client, buyer, ("BOOT-1", 2), ("SOCK-1", 1))

    to_de = (await client.get(CART, params={"country": "DE"}, headers=buyer)).json()
    by_vendor = {one["vendor_id"]: one for one in to_de["vendors"]}
    a, b = by_vendor[str(shop_a)], by_vendor[str(shop_b)]
    assert (a["shipping"]["amount"], a["shipping_zone"], a["ships"]) == (1200, "Europe", True)
    assert (b["shipping"]["amount"], b["shipping_zone"], b["ships"]) == (499, None, True)
    # German VAT, 19% included: 19/119 of 6000 + 1200 + 1000 + 499 = 8699 is 1388.9.
    assert (to_de["tax_included"], to_de["tax_rate_bps"]) == (True, 1900)
    assert to_de["tax"]["amount"] == 1389
    assert to_de["total"]["amount"] == 8699
    assert a["tax"]["amount"] + b["tax"]["amount"] == 1389

    to_ca = (await client.get(CART, params={"country": "US", "region": "CA"}, headers=buyer)).json()
    assert to_ca["shipping"]["amount"] == 350 + 499
    assert (to_ca["tax_included"], to_ca["tax_rate_bps"]) == (False, 725)
    assert to_ca["tax"]["amount"] == 569  # 7.25% of 7849 is 569.05, added
    assert to_ca["total"]["amount"] == 7849 + to_ca["tax"]["amount"]

    placed = await client.post(
        "/api/v1/checkout",
        json={"shipping_address": {**ADDRESS, "country": "DE"}},
        headers={**buyer, "Idempotency-Key": uuid.uuid4().hex},
    )
    assert placed.status_code == 202, placed.text
    order = placed.json()
    for field in ("subtotal", "shipping", "tax", "total"):
        assert order[field] == to_de[field], field
    assert (order["tax_included"], order["tax_rate_bps"]) == (True, 1900)
    subs = {sub["vendor_id"]: sub for sub in order["sub_orders"]}
    for vendor, shown in by_vendor.items():
        assert subs[vendor]["shipping"] == shown["shipping"]
        assert subs[vendor]["tax"] == shown["tax"]
    assert subs[str(shop_a)]["shipping_zone"] == "Europe"
    assert order["discount"]["amount"] == 0

    order_id = uuid.UUID(order["id"])
    lines = [ReservedLine(sku="BOOT-1", quantity=2), ReservedLine(sku="SOCK-1", quantity=1)]
    reserved = InventoryReserved(order_id=order_id, lines=lines, expires_at=order["placed_at"])
    await deliver(app, reserved, order["id"])
    [requested] = await outbox_events(app, "agora.order.order.payment_requested.v1")
    owed = requested["data"]["vendor_amounts"]
    assert requested["data"]["amount"]["amount"] == 8699
    # A is owed its goods and its own shipping less their VAT, B its goods less theirs;
    # together never more than the buyer paid, nor than the total less the tax.
    assert owed[str(shop_a)] == 6000 + 1200 - a["tax"]["amount"]
    assert owed[str(shop_b)] < 1000
    assert sum(owed.values()) <= 8699 - 1389


async def test_checkout_to_where_a_store_does_not_ship_changes_nothing(
    app: FastAPI, client: httpx.AsyncClient, keys: Keys, buyer: dict[str, str]
) -> None:
    shop, owner = await store(app, keys)
    assert (await client.post(ZONES, json=STATES, headers=owner)).status_code == 201
    await stock(app, shop, "HAT-1", 2500, 200)
    await fill(client, buyer, ("HAT-1", 1))
    shown = (await client.get(CART, params={"country": "JP"}, headers=buyer)).json()
    assert shown["vendors"][0]["ships"] is False
    refused = await client.post(
        "/api/v1/checkout",
        json={"shipping_address": {**ADDRESS, "country": "JP"}},
        headers={**buyer, "Idempotency-Key": uuid.uuid4().hex},
    )
    assert refused.status_code == 422
    assert refused.json()["type"].endswith("/not-shippable")
    assert len((await client.get(CART, headers=buyer)).json()["items"]) == 1
    async with app.state.database.transaction() as session:
        assert await session.scalar(select(func.count()).select_from(Order)) == 0
        assert await session.scalar(select(func.count()).select_from(SubOrder)) == 0
    assert await outbox_events(app, "agora.order.order.placed.v1") == []


@pytest.mark.parametrize("country", ["XX", "de", "DEU"])
async def test_the_cart_refuses_an_unknown_country(
    client: httpx.AsyncClient, buyer: dict[str, str], country: str
) -> None:
    refused = await client.get(CART, params={"country": country}, headers=buyer)
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["name"].endswith("country")


async def test_with_a_coupon_the_cart_shows_what_checkout_charges(
    app: FastAPI,
    client: httpx.AsyncClient,
    keys: Keys,
    buyer: dict[str, str],
    admin: dict[str, str],
) -> None:
    coupon = {"code": "TENOFF", "kind": "percent", "value": 10, "max_uses": 1}
    assert (
        await client.post("/api/v1/admin/coupons", json=coupon, headers=admin)
    ).status_code == 201
    shop, owner = await store(app, keys)
    assert (await client.post(ZONES, json=EUROPE, headers=owner)).status_code == 201
    await stock(app, shop, "COAT-1", 20000, 1500)
    await fill(client, buyer, ("COAT-1", 1))
    query = {"country": "FR", "coupon_code": "tenoff"}
    shown = (await client.get(CART, params=query, headers=buyer)).json()
    # 10% off 200.00 leaves 180.00, under the zone's free-over 200.00: 12.00 shipping.
    assert (shown["discount"]["amount"], shown["shipping"]["amount"]) == (2000, 1200)
    assert shown["tax_rate_bps"] == 2000  # French VAT, included
    unknown = await client.get(CART, params={**query, "coupon_code": "NOPE"}, headers=buyer)
    assert unknown.status_code == 422
    assert unknown.json()["type"].endswith("/bad-coupon")
    placed = await client.post(
        "/api/v1/checkout",
        json={"shipping_address": {**ADDRESS, "country": "FR"}, "coupon_code": "TENOFF"},
        headers={**buyer, "Idempotency-Key": uuid.uuid4().hex},
    )
    assert placed.status_code == 202, placed.text
    for field in ("subtotal", "discount", "shipping", "tax", "total"):
        assert placed.json()[field] == shown[field], field
    # Its one use taken, the cart no longer offers it.
    await fill(client, buyer, ("COAT-1", 1))
    used_up = await client.get(CART, params=query, headers=buyer)
    assert used_up.status_code == 422
    assert "used up" in used_up.json()["detail"]
