"""Shipping zones and tax by destination on ``agora run``, through the gateway (ADR
0113): a store ships to Germany and France by subtotal bands; the cart shows its
shipping and the German VAT included in the price; checkout to the US is refused and
changes nothing, checkout to Germany charges exactly what the cart showed, the payment
service takes that amount, and the store's payout, once shipped, is its goods and
shipping less the VAT, never more than the buyer paid."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from agora_tools import journeys
from agora_tools.deploy_testing import AllInOne, ok
from agora_tools.fleetdb import create_admin_in_run
from agora_tools.journeys import bearer

pytestmark = [pytest.mark.integration, pytest.mark.timeout(600)]

API = journeys.API
ZONE = {
    "name": "Germany and France",
    "currency": "USD",
    "countries": ["DE", "FR"],
    "rate": {
        "kind": "subtotal",
        "bands": [{"up_to": 3000, "amount": 900}, {"up_to": None, "amount": 400}],
    },
}


@pytest.fixture
def agora_run(tmp_path: Path) -> Iterator[AllInOne]:
    env = {"AGORA_ORDER_EU_VAT": "true", "AGORA_ORDER_TAX_RATES": '{"US-CA": {"rate_bps": 725}}'}
    with AllInOne(tmp_path / "data", env=env).running("--fresh") as run:
        yield run


def checkout(client: httpx.Client, buyer: journeys.Customer, country: str) -> httpx.Response:
    body = {
        "shipping_address": {**journeys.ADDRESS, "country": country},
        "payment_method": "pm_card_visa",
    }
    return client.post(
        f"{API}/checkout",
        json=body,
        headers=bearer(buyer, {"Idempotency-Key": secrets.token_hex(8)}),
    )


def test_a_store_ships_to_its_zone_and_checkout_charges_what_the_cart_showed(
    agora_run: AllInOne,
) -> None:
    with httpx.Client(base_url=agora_run.url("gateway"), timeout=30) as client:
        admin = create_admin_in_run(agora_run.data_dir, agora_run.env)
        journeys.log_in(client, admin)
        vendor = journeys.register(client)
        journeys.log_in(client, vendor)
        journeys.open_store(client, vendor, admin)
        zones = f"{API}/vendor/shipping-zones"
        refused = client.post(zones, json={**ZONE, "countries": ["XX"]}, headers=bearer(vendor))
        assert refused.status_code == 422
        assert refused.headers["content-type"] == "application/problem+json"
        zone = ok(client.post(zones, json=ZONE, headers=bearer(vendor)), 201)
        assert [z["id"] for z in ok(client.get(zones, headers=bearer(vendor)))["items"]] == [
            zone["id"]
        ]
        sku = journeys.sell(client, vendor, admin, amount=2000, stock=10)
        buyer = journeys.register(client)
        journeys.log_in(client, buyer)
        assert client.get(zones, headers=bearer(buyer)).status_code == 403
        journeys.wait_until_sold(client, buyer, sku)
        journeys.add_to_cart(client, buyer, sku, 2)

        cart = ok(client.get(f"{API}/cart", params={"country": "DE"}, headers=bearer(buyer)))
        [part] = cart["vendors"]
        assert (part["shipping"]["amount"], part["shipping_zone"], part["ships"]) == (
            400,
            "Germany and France",
            True,
        )
        # 19% German VAT inside 4000 + 400: 4400 * 19 / 119 = 702.5..., half up.
        assert (cart["tax_included"], cart["tax_rate_bps"], cart["tax"]["amount"]) == (
            True,
            1900,
            703,
        )
        assert cart["total"]["amount"] == 4400
        to_ca = ok(
            client.get(
                f"{API}/cart", params={"country": "US", "region": "CA"}, headers=bearer(buyer)
            )
        )
        assert (to_ca["vendors"][0]["ships"], to_ca["tax_rate_bps"]) == (False, 725)

        not_shipped = checkout(client, buyer, "US")
        assert not_shipped.status_code == 422, not_shipped.text
        assert not_shipped.json()["type"].endswith("/not-shippable")
        assert len(ok(client.get(f"{API}/cart", headers=bearer(buyer)))["items"]) == 1

        placed = ok(checkout(client, buyer, "DE"), 202)
        for field in ("subtotal", "shipping", "tax", "total"):
            assert placed[field] == cart[field], field
        order: dict[str, Any] = journeys.order_in(client, buyer, placed["id"], "confirmed")
        [sub] = order["sub_orders"]
        assert (sub["shipping"]["amount"], sub["tax"]["amount"]) == (400, 703)
        payments = ok(
            client.get(f"{API}/payments", params={"order_id": placed["id"]}, headers=bearer(buyer))
        )
        assert [p["amount"]["amount"] for p in payments] == [4400]

        # Shipped, the store's payout is recorded (held until delivery, ADR 0045).
        shipped = {"carrier": "DHL", "tracking_number": "JJD000390007"}
        parcel = ok(
            client.post(
                f"{API}/vendor/orders/{sub['id']}/ship", json=shipped, headers=bearer(vendor)
            )
        )
        assert (parcel["shipping"]["amount"], parcel["shipping_zone"]) == (400, ZONE["name"])

        def recorded() -> list[Any] | None:
            items = ok(client.get(f"{API}/vendors/me/payouts", headers=bearer(vendor)))["items"]
            return items or None

        found = journeys.eventually(recorded, 60, "the store's payout")
        assert isinstance(found, list)
        [payout] = found
        # The store is owed its goods and its own shipping, less the VAT in them.
        assert payout["gross"]["amount"] == 4400 - 703
        assert payout["gross"]["amount"] <= order["total"]["amount"]
