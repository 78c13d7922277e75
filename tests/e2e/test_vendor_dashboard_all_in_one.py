"""The vendor dashboard on ``agora run``, through the gateway: a store sells three
orders (one with a coupon), ships and delivers them (its payouts are paid), the admin
refunds part of one; ``GET /vendors/me/stats`` (the order service) adds up to what the
orders themselves say, with the fees and payouts ``GET /vendors/me/payouts`` (the
payment service) lists (ADR 0098); the admin's CSV exports agree with the orders and
the admin analytics (ADR 0101)."""

from __future__ import annotations

import csv
import io
import secrets
from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from agora_tools import journeys, stripe_events
from agora_tools.deploy_testing import AllInOne, ok
from agora_tools.fleetdb import create_admin_in_run
from agora_tools.journeys import bearer

pytestmark = [pytest.mark.integration, pytest.mark.timeout(600)]

API = journeys.API


@pytest.fixture(scope="module")
def agora_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AllInOne]:
    run = AllInOne(tmp_path_factory.mktemp("agora-run-dashboard") / "data")
    with run.running("--fresh"):
        yield run


def ceil_share(value: int, refunded: int, total: int) -> int:
    return -(-value * refunded // total)


def a_store_and_a_buyer(
    client: httpx.Client, run: AllInOne, amount: int
) -> tuple[journeys.Customer, journeys.Customer, journeys.Customer, str]:
    """A signed-in admin, vendor and buyer, the vendor's approved store selling a SKU at
    ``amount`` (10 in stock) the buyer's cart accepts: admin, vendor, buyer, SKU."""
    admin = create_admin_in_run(run.data_dir, run.env)
    journeys.log_in(client, admin)
    vendor = journeys.register(client)
    journeys.log_in(client, vendor)
    journeys.open_store(client, vendor, admin)
    stripe_events.connect_payouts(client, vendor)  # else its payouts stay held (ADR 0104)
    sku = journeys.sell(client, vendor, admin, amount=amount, stock=10)
    buyer = journeys.register(client)
    journeys.log_in(client, buyer)
    journeys.wait_until_sold(client, buyer, sku)
    return admin, vendor, buyer, sku


def ship_and_deliver_all(client: httpx.Client, vendor: journeys.Customer) -> list[Any]:
    """Ship and deliver every sub-order of ``vendor``'s; those sub-orders."""
    subs: list[Any] = ok(client.get(f"{API}/vendor/orders", headers=bearer(vendor)))["items"]
    for sub in subs:
        shipped = {"carrier": "UPS", "tracking_number": f"1Z{secrets.token_hex(4)}"}
        path = f"{API}/vendor/orders/{sub['id']}"
        ok(client.post(f"{path}/ship", json=shipped, headers=bearer(vendor)))
        ok(client.post(f"{path}/deliver", headers=bearer(vendor)))
    return subs


def refund(
    client: httpx.Client, admin: journeys.Customer, order: dict[str, Any], amount: int
) -> None:
    payment = order["payment"]
    assert isinstance(payment, dict)
    ok(
        client.post(
            f"{API}/admin/payments/{payment['payment_id']}/refund",
            json={"amount": amount},
            headers={**bearer(admin), "Idempotency-Key": secrets.token_hex(8)},
        ),
        202,
    )


def test_a_vendors_stats_add_up_to_its_orders_and_payouts(agora_run: AllInOne) -> None:
    with httpx.Client(base_url=agora_run.url("gateway"), timeout=30) as client:
        admin, vendor, buyer, sku = a_store_and_a_buyer(client, agora_run, 1500)

        code = f"DASH{secrets.token_hex(3).upper()}"
        coupon = {"code": code, "kind": "fixed", "value": 500, "currency": "USD"}
        ok(client.post(f"{API}/admin/coupons", json=coupon, headers=bearer(admin)), 201)
        orders: list[dict[str, Any]] = []
        for quantity in (1, 2, 3):
            journeys.add_to_cart(client, buyer, sku, quantity)
            body = {
                "shipping_address": journeys.ADDRESS,
                "payment_method": "pm_card_visa",
                **({"coupon_code": code} if quantity == 3 else {}),
            }
            key = {"Idempotency-Key": secrets.token_hex(8)}
            placed = ok(
                client.post(f"{API}/checkout", json=body, headers={**bearer(buyer), **key}), 202
            )["id"]
            orders.append(journeys.order_in(client, buyer, placed, "confirmed"))
        assert len(ship_and_deliver_all(client, vendor)) == 3

        def payouts() -> list[dict[str, Any]] | None:
            body = ok(client.get(f"{API}/vendors/me/payouts", headers=bearer(vendor)))
            paid = [p for p in body["items"] if p["status"] == "paid"]
            return body["items"] if len(paid) == 3 else None

        journeys.eventually(payouts, 60, "three paid payouts")
        refunded = orders[1]
        refund(client, admin, refunded, 1000)

        def reversed_payouts() -> list[dict[str, Any]] | None:
            items = payouts() or []
            return items if any(p["reversed"]["amount"] > 0 for p in items) else None

        listed = journeys.eventually(reversed_payouts, 60, "a payout partly reversed")
        assert isinstance(listed, list)
        assert {p["order_id"] for p in listed} == {str(o["id"]) for o in orders}
        assert [p["status"] for p in listed] == ["paid"] * 3

        # What the test's own orders add up to.
        total = refunded["total"]["amount"]
        gross = sum(o["subtotal"]["amount"] - o["discount"]["amount"] for o in orders)
        assert gross == 1500 * (1 + 2 + 3) - 500
        assert sum(p["gross"]["amount"] for p in listed) == gross
        refunded_gross = refunded["subtotal"]["amount"] - refunded["discount"]["amount"]
        fees = sum(p["fee"]["amount"] for p in listed)
        refunded_fee = next(p for p in listed if p["order_id"] == refunded["id"])["fee"]["amount"]
        expected = {
            "orders": 3,
            "units": 6,
            "gross_sales": gross,
            "refunds": ceil_share(refunded_gross, 1000, total),
            "platform_fees": fees - ceil_share(refunded_fee, 1000, total),
            "net_payouts": sum(p["net"]["amount"] for p in listed),
            "average_order_value": (gross * 2 + 3) // 6,  # per order, half up
        }
        now = datetime.now(UTC)
        query = {
            "from": (now - timedelta(days=40)).isoformat(),
            "to": (now + timedelta(days=1)).isoformat(),
            "interval": "week",
        }

        def figures() -> dict[str, int] | None:
            body = ok(client.get(f"{API}/vendors/me/stats", params=query, headers=bearer(vendor)))
            [totals] = body["totals"]
            seen = {
                name: value["amount"] if isinstance(value, dict) else value
                for name, value in totals.items()
                if name != "currency"
            }
            return seen if seen == expected else None

        journeys.eventually(figures, 60, f"the stats adding up to {expected}")
        stats = ok(client.get(f"{API}/vendors/me/stats", params=query, headers=bearer(vendor)))
        top = [(p["units"], p["sales"]["amount"]) for p in stats["top_products"]]
        assert top == [(6, 1500 * 6)]  # at list price, before discounts
        assert sum(len(b["figures"]) for b in stats["buckets"]) == 1  # all placed now

        def low_stock() -> list[tuple[str, int]] | None:
            body = ok(client.get(f"{API}/vendors/me/stats", params=query, headers=bearer(vendor)))
            seen = [(s["sku"], s["available"]) for s in body["low_stock"]]
            return seen or None

        # 10 in stock, 6 sold: at most the default 5 left.
        assert journeys.eventually(low_stock, 60, "the SKU low on stock") == [(sku, 4)]

        # Buyers are not vendors.
        for path in ("stats", "payouts"):
            refused = client.get(f"{API}/vendors/me/{path}", params=query, headers=bearer(buyer))
            assert refused.status_code == 403, refused.text


def csv_rows(
    client: httpx.Client, path: str, query: dict[str, str], headers: dict[str, str]
) -> list[dict[str, str]]:
    """The CSV export at ``path``, read as it streams through the gateway."""
    with client.stream("GET", f"{API}{path}", params=query, headers=headers) as response:
        assert response.status_code == 200, response.read()
        assert response.headers["content-type"] == "text/csv; charset=utf-8"
        assert "content-length" not in response.headers  # sent as it is written
        assert response.headers["content-disposition"].startswith("attachment; filename=")
        text = "".join(response.iter_text())
    return list(csv.DictReader(io.StringIO(text)))


def test_the_admin_exports_add_up_to_the_analytics(agora_run: AllInOne) -> None:
    """Two orders sold, shipped, delivered and one partly refunded; the admin's CSVs of
    orders (order service), payouts and the ledger (payment service), through the
    gateway, agree with the orders' own JSON and with `/admin/analytics` (ADR 0101)."""
    with httpx.Client(base_url=agora_run.url("gateway"), timeout=30) as client:
        admin, vendor, buyer, sku = a_store_and_a_buyer(client, agora_run, 2200)
        orders: list[dict[str, Any]] = []
        for quantity in (1, 2):
            journeys.add_to_cart(client, buyer, sku, quantity)
            placed = journeys.check_out(client, buyer, payment_method="pm_card_visa")
            orders.append(journeys.order_in(client, buyer, placed, "confirmed"))
        ship_and_deliver_all(client, vendor)
        refunded = orders[1]
        refund(client, admin, refunded, 1000)
        now = datetime.now(UTC)
        query = {
            "from": (now - timedelta(days=1)).isoformat(),
            "to": (now + timedelta(days=1)).isoformat(),
        }
        mine = {o["id"] for o in orders}

        def settled() -> list[dict[str, str]] | None:
            rows = csv_rows(client, "/admin/orders", {**query, "format": "csv"}, bearer(admin))
            ours = [r for r in rows if r["order_id"] in mine]
            done = any(r["refunded_amount"] == "1000" for r in ours)
            return rows if done else None

        rows = journeys.eventually(settled, 60, "the refund in the orders export")
        assert isinstance(rows, list)
        by_id = {r["order_id"]: r for r in rows}
        for order in orders:
            row = by_id[order["id"]]
            assert (row["paid"], row["currency"]) == ("true", "USD")
            assert int(row["total_amount"]) == order["total"]["amount"]
        paid = [r for r in rows if r["paid"] == "true"]
        analytics = {"interval": "day", **query}

        def total(metric: str) -> dict[str, int]:
            answer = ok(
                client.get(
                    f"{API}/admin/analytics",
                    params={**analytics, "metric": metric, "currency": "USD"}
                    if metric in {"gmv", "aov", "refund_rate"}
                    else {**analytics, "metric": metric},
                    headers=bearer(admin),
                )
            )
            [series] = answer["series"]
            assert len(series["buckets"]) in {2, 3}
            figure: dict[str, int] = series["total"]
            return figure

        gmv = sum(int(r["total_amount"]) for r in paid)
        assert total("gmv")["value"] == gmv
        assert total("orders")["value"] == len(paid)
        refunds = sum(int(r["refunded_amount"]) for r in paid)
        assert total("refund_rate") == {
            "value": (refunds * 20_000 + gmv) // (2 * gmv),
            "numerator": refunds,
            "denominator": gmv,
        }

        def payouts() -> list[dict[str, str]] | None:
            rows = csv_rows(
                client, "/admin/payouts", query, {**bearer(admin), "Accept": "text/csv"}
            )
            ours = [r for r in rows if r["order_id"] in mine]
            return ours if any(int(r["reversed_amount"]) > 0 for r in ours) else None

        ours = journeys.eventually(payouts, 60, "the payouts paid, one partly reversed")
        assert isinstance(ours, list)
        listed = ok(client.get(f"{API}/vendors/me/payouts", headers=bearer(vendor)))["items"]
        assert sorted(
            (p["order_id"], p["gross"]["amount"], p["fee"]["amount"], p["net"]["amount"])
            for p in listed
        ) == sorted(
            (
                r["order_id"],
                int(r["gross_amount"]),
                int(r["fee_amount"]),
                int(r["amount"]) - int(r["reversed_amount"]),
            )
            for r in ours
        )

        # The ledger: each transaction balances; what each buyer still has paid is its
        # order's total less what was refunded of it.
        legs = csv_rows(client, "/admin/ledger", {**query, "format": "csv"}, bearer(admin))
        sums: dict[str, int] = defaultdict(int)
        for leg in legs:
            sums[leg["transaction_id"]] += int(leg["amount"])
        assert set(sums.values()) == {0}
        for order in orders:
            kept = sum(
                int(leg["amount"])
                for leg in legs
                if leg["order_id"] == order["id"] and leg["account"] == "buyer_payments"
            )
            assert -kept == int(by_id[order["id"]]["total_amount"]) - int(
                by_id[order["id"]]["refunded_amount"]
            )

        refused = client.get(
            f"{API}/admin/analytics", params={**analytics, "metric": "gmv"}, headers=bearer(buyer)
        )
        assert refused.status_code == 403, refused.text
