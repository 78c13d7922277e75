"""The checkout journey, through the gateway, on both ways Agora runs:

- ``agora run``, all-in-one: the sandbox provider, events in-process on the embedded
  PostgreSQL;
- the distributed fleet: every part its own process, events on Kafka, payments through
  Stripe's API on stripe-mock.

stripe-mock checks the shape of every request the payment service makes and answers
canned objects; it decides nothing and sends no events. So there the payment stays
``processing`` after the buyer confirms, and the test plays Stripe: it sends the signed
``payment_intent.succeeded`` (for ``pm_card_visa``) or ``.payment_failed`` (for
``pm_card_chargeDeclined``) webhook, as Stripe does once it has decided. The sandbox
decides at once, as Stripe's test mode does.
"""

from __future__ import annotations

import asyncio
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from agora_tools import journeys, stripe_events
from agora_tools.deploy_testing import AllInOne, Fleet, wait_for
from agora_tools.fleet import SERVICES
from agora_tools.fleetdb import create_admin, intent_id, rows, tables_naming, url

pytestmark = [pytest.mark.integration, pytest.mark.timeout(600)]

API = journeys.API


def bearer(customer: journeys.Customer) -> dict[str, str]:
    return {"Authorization": f"Bearer {customer.access_token}"}


@dataclass
class Target:
    """Where the journey runs: the gateway, the user service (for sign-ups: the gateway
    rightly limits them per address), the databases and the webhook secret."""

    name: str
    gateway: str
    users: str
    database: Callable[[str], str]
    webhook_secret: str


AGORA_RUN_WEBHOOK_SECRET = f"whsec_{secrets.token_hex(16)}"


@pytest.fixture(scope="module")
def agora_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Target]:
    """``agora run`` as a newcomer starts it, on free ports."""
    run = AllInOne(
        tmp_path_factory.mktemp("agora-run") / "data",
        env={"AGORA_PAYMENT_STRIPE_WEBHOOK_SECRET": AGORA_RUN_WEBHOOK_SECRET},
    )
    try:
        run.start(timeout=180)
        yield Target(
            name="agora run",
            gateway=run.url("gateway"),
            users=run.url("user"),
            database=run.database_url,
            webhook_secret=AGORA_RUN_WEBHOOK_SECRET,
        )
        assert run.stop() == 0, run.tail()
    finally:
        run.kill()


@pytest.fixture(scope="module", params=["agora run", "fleet"])
def target(request: pytest.FixtureRequest) -> Target:
    if request.param == "agora run":
        found: Target = request.getfixturevalue("agora_run")
        return found
    fleet: Fleet = request.getfixturevalue("fleet")
    return Target(
        name="fleet",
        gateway=fleet.gateway,
        users=fleet.url("user"),
        database=url,
        webhook_secret=fleet.webhook_secret,
    )


@dataclass
class Market:
    target: Target
    client: httpx.Client  # the gateway
    users: httpx.Client  # the user service itself
    admin: journeys.Customer
    vendors: list[journeys.Customer]
    skus: list[str]  # one per vendor, 10 in stock each
    coupon: str

    def stock(self, index: int) -> tuple[int, int]:
        level = self.client.get(
            f"{API}/inventory/{self.skus[index]}", headers=bearer(self.vendors[index])
        ).json()
        return int(level["on_hand"]), int(level["reserved"])

    def buyer(self) -> journeys.Customer:
        buyer = journeys.register(self.users)
        journeys.log_in(self.users, buyer)
        return buyer

    def query(self, database: str, sql: str, **params: Any) -> list[dict[str, Any]]:
        return asyncio.run(rows(self.target.database(database), sql, **params))

    def intent(self, payment_id: str) -> str:
        return intent_id(payment_id, self.target.database("agora_payment"))

    def outbox_count(self, database: str, event_type: str, order_id: str) -> int:
        found = self.query(
            database,
            "SELECT count(*) AS n FROM outbox WHERE event_type = :type "
            "AND event->'data'->>'order_id' = :id",
            type=event_type,
            id=order_id,
        )
        return int(found[0]["n"])

    def ledger(self, payment_id: str) -> list[dict[str, Any]]:
        return self.query(
            "agora_payment",
            "SELECT transaction_id, account, amount, memo FROM ledger_entries "
            "WHERE payment_id = CAST(:id AS uuid) ORDER BY id",
            id=payment_id,
        )

    def webhook(
        self, payment_id: str, *, succeeded: bool, event_id: str | None = None
    ) -> httpx.Response:
        return stripe_events.stripe_webhook(
            self.client,
            self.target.webhook_secret,
            self.intent(payment_id),
            succeeded=succeeded,
            event_id=event_id,
        )

    def pay(self, buyer: journeys.Customer, payment_id: str, method: str) -> httpx.Response:
        """Confirm as the buyer; where the provider decides later (stripe-mock), send
        the webhook Stripe would for ``method``. The confirm's answer."""
        paid = self.client.post(
            f"{API}/payments/{payment_id}/confirm",
            json={"payment_method": method},
            headers={**bearer(buyer), "Idempotency-Key": secrets.token_hex(12)},
        )
        if paid.status_code == 200 and paid.json()["status"] == "processing":
            hook = self.webhook(payment_id, succeeded=method == "pm_card_visa")
            assert hook.status_code == 200, hook.text
        return paid


@pytest.fixture(scope="module")
def market(target: Target) -> Iterator[Market]:
    with (
        httpx.Client(base_url=target.gateway, timeout=30) as client,
        httpx.Client(base_url=target.users, timeout=30) as users,
    ):
        admin = create_admin(target.database("agora_user"))
        journeys.log_in(users, admin)
        vendors, skus = [], []
        for price in (1500, 2400):
            vendor = journeys.register(users)
            journeys.log_in(users, vendor)
            journeys.open_store(client, vendor, admin)
            # Its payouts are held until its connected account may be paid (ADR 0104).
            stripe_events.connect_payouts(client, vendor, lambda: target.webhook_secret)
            skus.append(journeys.sell(client, vendor, admin, amount=price, stock=10))
            vendors.append(vendor)
        coupon = f"JOURNEY{secrets.token_hex(3).upper()}"
        made = client.post(
            f"{API}/admin/coupons",
            json={"code": coupon, "kind": "percent", "value": 10},
            headers=bearer(admin),
        )
        assert made.status_code == 201, made.text
        market = Market(target, client, users, admin, vendors, skus, coupon)
        first = market.buyer()
        for sku in skus:
            journeys.wait_until_sold(client, first, sku)
        yield market


def test_two_vendors_a_coupon_and_visa_confirm_once(market: Market) -> None:
    client = market.client
    buyer = market.buyer()
    journeys.add_to_cart(client, buyer, market.skus[0], 2)
    journeys.add_to_cart(client, buyer, market.skus[1], 1)
    key = secrets.token_hex(8)
    body = {"shipping_address": journeys.ADDRESS, "coupon_code": market.coupon}
    headers = {**bearer(buyer), "Idempotency-Key": key}
    placed = client.post(f"{API}/checkout", json=body, headers=headers)
    assert placed.status_code == 202, placed.text
    order_id = placed.json()["id"]
    assert placed.json()["discount"]["amount"] == (2 * 1500 + 2400) // 10

    awaiting = journeys.order_in(client, buyer, order_id, "awaiting_payment")
    assert market.stock(0) == (10, 2)
    assert market.stock(1) == (10, 1)
    payment = awaiting["payment"]
    assert isinstance(payment, dict)
    payment_id = str(payment["payment_id"])
    paid = market.pay(buyer, payment_id, "pm_card_visa")
    assert paid.status_code == 200, paid.text
    order = journeys.order_in(client, buyer, order_id, "confirmed")

    # Stock committed, one sub-order per vendor, the ledger's charge balanced.
    wait_for(lambda: market.stock(0) == (8, 0) and market.stock(1) == (9, 0), 60, "commit")
    subs = order["sub_orders"]
    assert isinstance(subs, list)
    assert len(subs) == 2
    assert sorted(sub["subtotal"]["amount"] for sub in subs) == [2400, 3000]
    entries = market.ledger(payment_id)
    assert sum(e["amount"] for e in entries) == 0
    assert [e["memo"] for e in entries] == ["charge", "charge"]
    total = order["total"]
    assert isinstance(total, dict)
    assert {e["account"]: e["amount"] for e in entries} == {
        "provider_balance": total["amount"],
        "buyer_payments": -total["amount"],
    }

    # The response was dropped: the client retries with the same key and body.
    again = client.post(f"{API}/checkout", json=body, headers=headers)
    assert again.status_code == 202
    assert again.json()["id"] == order_id
    elsewhere = {**journeys.ADDRESS, "name": "Someone Else"}
    other = client.post(
        f"{API}/checkout", json={**body, "shipping_address": elsewhere}, headers=headers
    )
    assert other.status_code == 422, "the same key with another body"
    repaid = market.pay(buyer, payment_id, "pm_card_visa")
    assert repaid.status_code == 200
    assert repaid.json()["status"] == "succeeded"
    # An event delivered (or replayed) again is handled once; a forged one is refused.
    event_id = f"evt_{secrets.token_hex(12)}"
    for _ in range(2):
        assert market.webhook(payment_id, succeeded=True, event_id=event_id).status_code == 200
    forged = stripe_events.stripe_webhook(
        client, "whsec_forged", market.intent(payment_id), succeeded=False
    )
    assert forged.status_code == 400
    assert forged.headers["content-type"] == "application/problem+json"
    mine = client.get(f"{API}/orders", headers=bearer(buyer)).json()
    items = mine["items"] if isinstance(mine, dict) else mine
    assert [o["id"] for o in items] == [order_id]
    payments = client.get(f"{API}/payments", params={"order_id": order_id}, headers=bearer(buyer))
    assert len(payments.json()) == 1
    assert market.ledger(payment_id) == entries, "no second charge"

    # Each of the saga's events was published once.
    time.sleep(1)  # anything a duplicate would have caused has had time to be written
    for database, event_type in (
        ("agora_order", "agora.order.order.placed.v1"),
        ("agora_order", "agora.order.order.payment_requested.v1"),
        ("agora_order", "agora.order.order.confirmed.v1"),
        ("agora_payment", "agora.payment.payment.intent_created.v1"),
        ("agora_payment", "agora.payment.payment.succeeded.v1"),
    ):
        assert market.outbox_count(database, event_type, order_id) == 1, event_type

    # A refund above what was captured is refused and changes nothing; one within it
    # is booked.
    too_much = client.post(
        f"{API}/admin/payments/{payment_id}/refund",
        json={"amount": total["amount"] + 1},
        headers={**bearer(market.admin), "Idempotency-Key": secrets.token_hex(12)},
    )
    assert too_much.status_code == 409, too_much.text
    assert too_much.headers["content-type"] == "application/problem+json"
    assert market.ledger(payment_id) == entries
    part = client.post(
        f"{API}/admin/payments/{payment_id}/refund",
        json={"amount": 500},
        headers={**bearer(market.admin), "Idempotency-Key": secrets.token_hex(12)},
    )
    assert part.status_code == 202, part.text
    after = market.ledger(payment_id)
    assert sum(e["amount"] for e in after) == 0
    assert len(after) == 4
    wait_for(
        lambda: market.outbox_count("agora_payment", "agora.payment.payment.refunded.v1", order_id),
        30,
        "payment.refunded",
    )

    # The first vendor ships its part: its share (what the buyer paid for it after the
    # coupon, less the platform's fee and less its part of the refund) is held.
    vendor = market.vendors[0]
    [sub] = [
        sub
        for sub in client.get(f"{API}/vendor/orders", headers=bearer(vendor)).json()["items"]
        if sub["order_id"] == order_id
    ]
    shipped = client.post(
        f"{API}/vendor/orders/{sub['id']}/ship",
        json={"carrier": "DHL", "tracking_number": "JD0001"},
        headers=bearer(vendor),
    )
    assert shipped.status_code == 200, shipped.text

    def payout() -> list[dict[str, Any]]:
        return market.query(
            "agora_payment",
            "SELECT status, gross, fee, amount, reversed_amount FROM payouts "
            "WHERE payment_id = CAST(:id AS uuid)",
            id=payment_id,
        )

    wait_for(payout, 60, "payout held")
    collected = 3000 - (2 * 1500 + 2400) // 10 * 3000 // 5400  # its part of the discount
    fee = collected // 10
    given_back = -(-(collected - fee) * 500 // total["amount"])  # its part of the refund
    assert payout() == [
        {
            "status": "held",
            "gross": collected,
            "fee": fee,
            "amount": collected - fee,
            "reversed_amount": given_back,
        }
    ]
    assert market.outbox_count("agora_payment", "agora.payment.payout.created.v1", order_id) == 0

    # The parcel is delivered: the vendor is paid, once.
    delivered = client.post(f"{API}/vendor/orders/{sub['id']}/deliver", headers=bearer(vendor))
    assert delivered.status_code == 200, delivered.text
    wait_for(
        lambda: market.outbox_count("agora_payment", "agora.payment.payout.created.v1", order_id),
        60,
        "payout.created",
    )
    time.sleep(1)
    assert market.outbox_count("agora_payment", "agora.payment.payout.created.v1", order_id) == 1
    assert payout()[0]["status"] == "paid"
    paid_out = [e for e in market.ledger(payment_id) if e["memo"] == "payout"]
    net = collected - fee - given_back
    assert {e["account"]: e["amount"] for e in paid_out} == {
        "provider_balance": -net,
        "vendor_payouts": net,
    }


def test_a_declined_card_cancels_and_releases_the_stock(market: Market) -> None:
    client = market.client
    buyer = market.buyer()
    before = market.stock(1)
    journeys.add_to_cart(client, buyer, market.skus[1], 3)
    order_id = journeys.check_out(client, buyer)
    awaiting = journeys.order_in(client, buyer, order_id, "awaiting_payment")
    assert market.stock(1) == (before[0], before[1] + 3)
    payment = awaiting["payment"]
    assert isinstance(payment, dict)
    payment_id = str(payment["payment_id"])
    declined = market.pay(buyer, payment_id, "pm_card_chargeDeclined")
    # The sandbox declines at once (402); Stripe says so later, by webhook.
    assert declined.status_code in (200, 402), declined.text
    order = journeys.order_in(client, buyer, order_id, "cancelled")
    assert order["cancel_reason"] == "Your card was declined."
    wait_for(lambda: market.stock(1) == before, 60, "the stock released")
    assert market.ledger(payment_id) == []
    assert market.outbox_count("agora_payment", "agora.payment.payment.failed.v1", order_id) == 1
    assert market.outbox_count("agora_order", "agora.order.order.cancelled.v1", order_id) == 1


def test_a_payment_method_given_at_checkout_needs_no_other_call(market: Market) -> None:
    check_out_paying_with(market, "pm_card_visa", "confirmed")
    check_out_paying_with(market, "pm_card_chargeDeclined", "cancelled")


def check_out_paying_with(
    market: Market, method: str, ending: str, buyer: journeys.Customer | None = None
) -> str:
    """Check out with ``method`` and make no other call: the order ends ``ending``,
    the stock sold or released. The order's id."""
    client = market.client
    buyer = buyer or market.buyer()
    on_hand, reserved = market.stock(1)
    journeys.add_to_cart(client, buyer, market.skus[1], 1)
    order_id = journeys.check_out(client, buyer, payment_method=method)
    if market.target.name == "fleet":
        # stripe-mock decides nothing: once the payment service has confirmed the
        # intent (it stays processing), send the webhook Stripe would.
        def processing() -> list[dict[str, Any]]:
            return market.query(
                "agora_payment",
                "SELECT id::text AS id FROM payments WHERE order_id = CAST(:id AS uuid)"
                " AND status = 'processing'",
                id=order_id,
            )

        found = wait_for(processing, 60, "the payment confirmed at checkout")
        hook = market.webhook(found[0]["id"], succeeded=ending == "confirmed")
        assert hook.status_code == 200, hook.text
    journeys.order_in(client, buyer, order_id, ending)
    sold = (on_hand - 1, reserved) if ending == "confirmed" else (on_hand, reserved)
    wait_for(lambda: market.stock(1) == sold, 60, f"the stock after {method}")
    return order_id


def test_100_concurrent_checkouts_for_10_in_stock_confirm_exactly_10(market: Market) -> None:
    client = market.client
    vendor = market.vendors[0]
    sku = journeys.sell(client, vendor, market.admin, amount=900, stock=10)
    with ThreadPoolExecutor(max_workers=8) as pool:
        buyers = list(pool.map(lambda _: market.buyer(), range(100)))
    journeys.wait_until_sold(client, buyers[0], sku)

    def add(buyer: journeys.Customer) -> None:
        with httpx.Client(base_url=market.target.gateway, timeout=60) as own:
            journeys.add_to_cart(own, buyer, sku, 1)

    with ThreadPoolExecutor(max_workers=16) as pool:
        list(pool.map(add, buyers))

    start = threading.Barrier(100)

    def check_out(buyer: journeys.Customer) -> httpx.Response:
        with httpx.Client(base_url=market.target.gateway, timeout=120) as own:
            start.wait()
            return own.post(
                f"{API}/checkout",
                json={"shipping_address": journeys.ADDRESS},
                headers={**bearer(buyer), "Idempotency-Key": secrets.token_hex(8)},
            )

    with ThreadPoolExecutor(max_workers=100) as pool:
        answers = list(pool.map(check_out, buyers))
    # One the order service can already tell is short is refused at once (409); the
    # others are placed and the catalog decides.
    assert {a.status_code for a in answers} <= {202, 409}, [a.text for a in answers]
    placed = [
        (buyer, str(a.json()["id"]))
        for buyer, a in zip(buyers, answers, strict=True)
        if a.status_code == 202
    ]

    def settled(item: tuple[journeys.Customer, str]) -> dict[str, Any]:
        buyer, order_id = item
        with httpx.Client(base_url=market.target.gateway, timeout=60) as own:
            deadline = time.monotonic() + 180
            while time.monotonic() < deadline:
                body: dict[str, Any] = own.get(
                    f"{API}/orders/{order_id}", headers=bearer(buyer)
                ).json()
                if body["status"] == "cancelled" or (body.get("payment") or {}).get("payment_id"):
                    return body
                time.sleep(1)
        raise AssertionError(f"order {order_id} neither reserved nor cancelled")

    with ThreadPoolExecutor(max_workers=16) as pool:
        bodies = list(pool.map(settled, placed))
    awaiting = [
        (buyer, body)
        for (buyer, _), body in zip(placed, bodies, strict=True)
        if body["status"] == "awaiting_payment"
    ]
    assert len(awaiting) == 10, "exactly the stock on hand is reserved"
    for buyer, body in awaiting:
        paid = market.pay(buyer, str(body["payment"]["payment_id"]), "pm_card_visa")
        assert paid.status_code == 200, paid.text
    for buyer, body in awaiting:
        journeys.order_in(client, buyer, str(body["id"]), "confirmed")

    def sold_out() -> bool:
        # The catalog commits each order's stock when it hears of the confirmation.
        level = client.get(f"{API}/inventory/{sku}", headers=bearer(vendor)).json()
        return (level["on_hand"], level["reserved"]) == (0, 0)

    wait_for(sold_out, 60, "all 10 units committed")


def test_an_erased_buyer_is_exported_then_forgotten_by_every_service(market: Market) -> None:
    """GDPR export and erasure (ADR 0112) on both ways Agora runs: on the fleet the
    internal exports are separate processes and ``user.deleted`` travels on Kafka."""
    client = market.client
    buyer = market.buyer()
    order_id = check_out_paying_with(market, "pm_card_visa", "confirmed", buyer)
    export = client.get(f"{API}/users/me/export", headers=bearer(buyer))
    assert export.status_code == 200, export.text
    document = export.json()
    assert document["profile"]["email"] == buyer.email
    [held] = document["order"]["orders"]
    assert (held["id"], held["shipping_address"]["name"]) == (order_id, journeys.ADDRESS["name"])
    assert [p["order_id"] for p in document["payment"]["payments"]] == [order_id]
    assert document["notification"]["contact"]["email"] == buyer.email
    assert document["catalog"]["purchases"], "the confirmed order made a verified buyer"

    def naming() -> list[str]:
        return [
            f"{service}.{table}"
            for service in SERVICES
            for table in asyncio.run(
                tables_naming(market.target.database(f"agora_{service}"), [buyer.email])
            )
        ]

    assert naming(), "the scan must find the buyer before the erasure"
    erased = client.delete(f"{API}/users/me", headers=bearer(buyer))
    assert erased.status_code == 204, erased.text

    def order_forgotten() -> bool:
        [order] = market.query(
            "agora_order",
            "SELECT shipping_address IS NULL AS gone, status FROM orders"
            " WHERE id = CAST(:id AS uuid)",
            id=order_id,
        )
        return bool(order["gone"]) and order["status"] in ("cancelled", "refunded")

    wait_for(order_forgotten, 60, "the order anonymised and cancelled")
    wait_for(lambda: not naming(), 60, "no table naming the buyer's e-mail")
    [payment] = market.query(
        "agora_payment",
        "SELECT amount, client_secret, payment_method FROM payments"
        " WHERE order_id = CAST(:id AS uuid)",
        id=order_id,
    )
    assert (payment["client_secret"], payment["payment_method"]) == (None, None)
    assert payment["amount"] == held["total_amount"]
