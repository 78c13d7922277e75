"""A return on ``agora run``, through the gateway (ADR 0116): a buyer's delivered order,
one unit sent back, the store approves with restock and receives it; the buyer is
refunded that unit, the store's held payout gives back its part, and the unit is on
sale again. The buyer's next order, of two products, shows them bought together (ADR
0122)."""

from __future__ import annotations

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


@pytest.fixture
def agora_run(tmp_path: Path) -> Iterator[AllInOne]:
    with AllInOne(tmp_path / "data").running("--fresh") as run:
        yield run


def test_a_returned_unit_is_refunded_and_back_on_sale(agora_run: AllInOne) -> None:
    with httpx.Client(base_url=agora_run.url("gateway"), timeout=30) as client:
        admin = create_admin_in_run(agora_run.data_dir, agora_run.env)
        journeys.log_in(client, admin)
        vendor = journeys.register(client)
        journeys.log_in(client, vendor)
        journeys.open_store(client, vendor, admin)
        sku = journeys.sell(client, vendor, admin, amount=2000, stock=10)
        buyer = journeys.register(client)
        journeys.log_in(client, buyer)
        journeys.wait_until_sold(client, buyer, sku)
        journeys.add_to_cart(client, buyer, sku, 2)
        order_id = journeys.check_out(client, buyer, payment_method="pm_card_visa")
        order: dict[str, Any] = journeys.order_in(client, buyer, order_id, "confirmed")
        [sub] = order["sub_orders"]
        parcel = f"{API}/vendor/orders/{sub['id']}"
        shipped = {"carrier": "DHL", "tracking_number": "JJD000390008"}
        ok(client.post(f"{parcel}/ship", json=shipped, headers=bearer(vendor)))

        returns = f"{API}/orders/{order_id}/returns"
        ask = {"lines": [{"sku": sku, "quantity": 1}], "reason": "Wrong colour"}
        early = client.post(returns, json=ask, headers=bearer(buyer))
        assert early.status_code == 409, early.text  # shipped, not delivered yet
        ok(client.post(f"{parcel}/deliver", headers=bearer(vendor)))
        asked = ok(client.post(returns, json=ask, headers=bearer(buyer)), 201)
        assert client.get(f"{API}/vendor/returns", headers=bearer(buyer)).status_code == 403
        mine = ok(client.get(f"{API}/vendor/returns", headers=bearer(vendor)))["items"]
        assert [r["id"] for r in mine] == [asked["id"]]
        path = f"{API}/vendor/returns/{asked['id']}"
        ok(client.post(f"{path}/approve", json={"restock": True}, headers=bearer(vendor)))
        received = ok(client.post(f"{path}/receive", headers=bearer(vendor)))
        assert received["refund"] == {"amount": 2000, "currency": "USD"}
        assert client.post(f"{path}/receive", headers=bearer(vendor)).status_code == 409

        def refunded() -> Any:
            [one] = ok(client.get(returns, headers=bearer(buyer)))
            return one if one["status"] == "refunded" else None

        journeys.eventually(refunded, 60, "the return refunded")
        after = ok(client.get(f"{API}/orders/{order_id}", headers=bearer(buyer)))
        assert (after["status"], after["refunded"]["amount"]) == ("delivered", 2000)

        def reduced() -> Any:
            items = ok(client.get(f"{API}/vendors/me/payouts", headers=bearer(vendor)))["items"]
            return items if items and items[0]["reversed"]["amount"] > 0 else None

        found = journeys.eventually(reduced, 60, "the payout reduced")
        assert isinstance(found, list)
        [payout] = found
        share = payout["amount"]["amount"]
        # The payout gives back its part of the refund, rounded up (ADR 0045).
        assert payout["reversed"]["amount"] == -(-share * 2000 // order["total"]["amount"])

        def restocked() -> Any:
            stock = ok(client.get(f"{API}/inventory/{sku}", headers=bearer(vendor)))
            return stock if stock["on_hand"] == 9 else None

        journeys.eventually(restocked, 60, "the unit back on hand")

        # Customers also bought (ADR 0122): a paid order of two products pairs them,
        # shown to anyone through the gateway; the first order held one product only.
        other = journeys.sell(client, vendor, admin, amount=500, stock=5)
        journeys.wait_until_sold(client, buyer, other)
        journeys.add_to_cart(client, buyer, sku)
        journeys.add_to_cart(client, buyer, other)
        both = journeys.check_out(client, buyer, payment_method="pm_card_visa")
        paid = journeys.order_in(client, buyer, both, "confirmed")
        parts = paid["sub_orders"]
        assert isinstance(parts, list)
        product_of = {line["sku"]: line["product_id"] for part in parts for line in part["lines"]}

        def also_bought() -> Any:
            url = f"{API}/products/{product_of[sku]}/also-bought"
            return ok(client.get(url))["items"] or None

        found = journeys.eventually(also_bought, 60, "customers also bought")
        assert isinstance(found, list)
        assert [(p["id"], p["bought_together"]) for p in found] == [(product_of[other], 1)]
