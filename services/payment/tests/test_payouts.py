"""Vendor payouts (ADR 0045): a shipped vendor's share (what the buyer paid for its
part, less the platform fee) is held until delivery or the end of the hold period,
then paid once; refunds reduce or cancel a held payout and reverse a paid one; and
for every payment, net payouts + net fees + refunds never exceed what was captured."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import select

from agora_contracts.catalog import VendorApproved
from agora_contracts.common import Money
from agora_contracts.order import OrderDelivered, OrderShipped, PaymentRequested
from agora_kit.events.inprocess import InProcessTransport
from agora_kit.testing.apps import running
from agora_kit.testing.events import deliver, outbox_events
from agora_kit.testing.tokens import Keys
from agora_payment.app import create_app
from agora_payment.models import Payout
from agora_payment.settings import Settings
from agora_payment.tasks import release_due
from agora_payment_testing import keyed, ledger_balances, overpaid, payable

CREATED = "agora.payment.payout.created.v1"
REVERSED = "agora.payment.payout.reversed.v1"


class Order:
    """One paid order of the payment service's point of view, and what happens to it."""

    def __init__(self, app: FastAPI, client: httpx.AsyncClient, keys: Keys) -> None:
        self.app, self.client, self.keys = app, client, keys
        self.id, self.buyer_id = uuid.uuid4(), uuid.uuid4()
        self.payment_id = ""

    async def pay(
        self,
        amount: int,
        vendor_amounts: dict[uuid.UUID, int],
        *,
        onboarded: bool = True,
        **extra: Any,
    ) -> None:
        """Pay the order; its stores have finished Connect onboarding unless
        ``onboarded`` is False (their payouts are held until they have)."""
        if onboarded:
            await payable(self.app, *vendor_amounts)
        await deliver(
            self.app,
            PaymentRequested(
                order_id=self.id,
                buyer_id=self.buyer_id,
                amount=Money(amount=amount, currency="USD"),
                vendor_amounts={str(v): a for v, a in vendor_amounts.items()},
                **extra,
            ),
            str(self.id),
        )
        intents = await outbox_events(self.app, "agora.payment.payment.intent_created.v1")
        [intent] = [i for i in intents if i["data"]["order_id"] == str(self.id)]
        self.payment_id = intent["data"]["payment_id"]
        paid = await self.client.post(
            f"/api/v1/payments/{self.payment_id}/confirm",
            json={"payment_method": "pm_card_visa"},
            headers=keyed(self.keys.headers(self.buyer_id)),
        )
        assert paid.status_code == 200, paid.text

    async def ship(self, vendor_id: uuid.UUID, at: datetime | None = None) -> None:
        event = OrderShipped(
            order_id=self.id,
            buyer_id=self.buyer_id,
            carrier="UPS",
            tracking_number="1Z",
            vendor_id=vendor_id,
            shipped_at=at or datetime.now(UTC),
        )
        await deliver(self.app, event, str(self.id))

    async def delivered(self, vendor_id: uuid.UUID) -> None:
        event = OrderDelivered(order_id=self.id, buyer_id=self.buyer_id, vendor_id=vendor_id)
        await deliver(self.app, event, str(self.id))

    async def refund(self, amount: int | None = None) -> None:
        admin = keyed(self.keys.headers(uuid.uuid4(), ("admin",)))
        body = {} if amount is None else {"amount": amount}
        answer = await self.client.post(
            f"/api/v1/admin/payments/{self.payment_id}/refund", json=body, headers=admin
        )
        assert answer.status_code == 202, answer.text

    async def payouts(self) -> dict[uuid.UUID, tuple[str, int, int, int, int]]:
        """Vendor to (status, gross, fee, amount, reversed)."""
        async with self.app.state.database.transaction() as session:
            rows = await session.scalars(
                select(Payout).where(Payout.payment_id == uuid.UUID(self.payment_id))
            )
            return {
                p.vendor_id: (p.status, p.gross, p.fee, p.amount, p.reversed_amount) for p in rows
            }


async def told(app: FastAPI, event_type: str) -> list[tuple[str, int]]:
    return sorted(
        (e["data"]["vendor_id"], e["data"]["amount"]["amount"])
        for e in await outbox_events(app, event_type)
    )


async def test_a_shipped_vendors_share_is_held_and_paid_once_on_delivery(
    app: FastAPI, client: httpx.AsyncClient, keys: Keys
) -> None:
    order, shop_a, shop_b = Order(app, client, keys), uuid.uuid4(), uuid.uuid4()
    await order.pay(6499, {shop_a: 3000, shop_b: 2999})  # + 500 shipping
    await order.ship(shop_a)
    await order.ship(shop_a)  # the same news again
    await order.ship(shop_b)
    assert await order.payouts() == {
        shop_a: ("held", 3000, 300, 2700, 0),
        shop_b: ("held", 2999, 300, 2699, 0),  # 299.9 rounds half up to 300
    }
    assert await told(app, CREATED) == []
    assert "vendor_payouts" not in await ledger_balances(app)

    await order.delivered(shop_a)
    await order.delivered(shop_a)
    assert (await order.payouts())[shop_a][0] == "paid"
    assert (await order.payouts())[shop_b][0] == "held"
    await order.delivered(shop_b)
    assert await told(app, CREATED) == sorted([(str(shop_a), 2700), (str(shop_b), 2699)])
    assert all(
        e["data"]["transfer_id"].startswith("tr_") for e in await outbox_events(app, CREATED)
    )
    assert await ledger_balances(app) == {
        "provider_balance": 6499 - 2700 - 2699,  # the fees and shipping stay
        "buyer_payments": -6499,
        "vendor_payouts": 2700 + 2699,
    }
    assert await overpaid(app) == {}


async def test_a_held_payout_is_paid_when_the_hold_is_over_and_never_before(
    app: FastAPI, client: httpx.AsyncClient, keys: Keys
) -> None:
    order, shop = Order(app, client, keys), uuid.uuid4()
    await order.pay(1499, {shop: 1000})
    shipped_at = datetime.now(UTC)
    await order.ship(shop, at=shipped_at)
    context = app.state.context

    await release_due(context, shipped_at + timedelta(days=6, hours=23))
    assert (await order.payouts())[shop][0] == "held"
    assert await told(app, CREATED) == []

    await release_due(context, shipped_at + timedelta(days=7, seconds=1))
    assert await order.payouts() == {shop: ("paid", 1000, 100, 900, 0)}
    await release_due(context, shipped_at + timedelta(days=8))
    await order.delivered(shop)  # delivered after the hold: paid already
    assert await told(app, CREATED) == [(str(shop), 900)]
    assert (await ledger_balances(app))["vendor_payouts"] == 900


async def test_a_refund_during_the_hold_reduces_the_payout_and_a_full_one_cancels_it(
    app: FastAPI, client: httpx.AsyncClient, keys: Keys
) -> None:
    order, shop_a, shop_b = Order(app, client, keys), uuid.uuid4(), uuid.uuid4()
    await order.pay(2000, {shop_a: 1000, shop_b: 1000})
    await order.ship(shop_a)
    await order.ship(shop_b)

    await order.refund(500)  # a quarter back: each held payout gives a quarter up
    assert await order.payouts() == {
        shop_a: ("held", 1000, 100, 900, 225),
        shop_b: ("held", 1000, 100, 900, 225),
    }
    assert await told(app, REVERSED) == []  # nothing was transferred, nothing to reverse
    await order.delivered(shop_a)
    assert await told(app, CREATED) == [(str(shop_a), 675)]

    await order.refund()  # the rest: the held payout is cancelled, the paid one reversed
    assert await order.payouts() == {
        shop_a: ("reversed", 1000, 100, 900, 900),
        shop_b: ("cancelled", 1000, 100, 900, 900),
    }
    await order.delivered(shop_b)
    assert await told(app, CREATED) == [(str(shop_a), 675)]
    assert await told(app, REVERSED) == [(str(shop_a), 675)]
    assert await ledger_balances(app) == {
        "provider_balance": 0,
        "buyer_payments": 0,
        "vendor_payouts": 0,
    }
    assert await overpaid(app) == {}


async def test_refunds_after_payouts_take_the_vendors_shares_back_within_what_was_captured(
    app: FastAPI, client: httpx.AsyncClient, keys: Keys
) -> None:
    # No shipping or tax: the vendors' shares are all of the captured amount, where
    # rounding the shares given back in the vendors' favour would overpay by a unit.
    order, shop_a, shop_b = Order(app, client, keys), uuid.uuid4(), uuid.uuid4()
    await order.pay(2000, {shop_a: 1000, shop_b: 1000})
    for shop in (shop_a, shop_b):
        await order.ship(shop)
        await order.delivered(shop)

    await order.refund(1001)
    assert await order.payouts() == {
        shop_a: ("paid", 1000, 100, 900, 451),  # 450.45 rounds up
        shop_b: ("paid", 1000, 100, 900, 451),
    }
    assert await overpaid(app) == {}
    balances = await ledger_balances(app)
    assert balances["vendor_payouts"] == 2 * (900 - 451)
    assert balances["provider_balance"] == 2000 - 1001 - 2 * (900 - 451)

    await order.refund()
    assert await order.payouts() == {
        shop_a: ("reversed", 1000, 100, 900, 900),
        shop_b: ("reversed", 1000, 100, 900, 900),
    }
    assert await told(app, REVERSED) == sorted(
        [(str(shop_a), 451), (str(shop_b), 451), (str(shop_a), 449), (str(shop_b), 449)]
    )
    assert all(
        e["data"]["reversal_id"].startswith("trr_") for e in await outbox_events(app, REVERSED)
    )
    assert await ledger_balances(app) == {
        "provider_balance": 0,
        "buyer_payments": 0,
        "vendor_payouts": 0,
    }
    assert await overpaid(app) == {}


async def test_payouts_never_transfer_more_than_the_order_left(
    app: FastAPI, client: httpx.AsyncClient, keys: Keys
) -> None:
    # Shares that add up to more than was captured (list prices, say): the second
    # vendor gets only what the first one's payout and both fees left.
    order, shop_a, shop_b = Order(app, client, keys), uuid.uuid4(), uuid.uuid4()
    await order.pay(1500, {shop_a: 1000, shop_b: 1000})
    for shop in (shop_a, shop_b):
        await order.ship(shop)
        await order.delivered(shop)
    assert await told(app, CREATED) == sorted([(str(shop_a), 900), (str(shop_b), 400)])
    assert (await ledger_balances(app))["provider_balance"] == 1500 - 1300
    assert await overpaid(app) == {}


async def test_a_vendor_buying_from_itself_with_a_full_coupon_nets_nothing(
    app: FastAPI, client: httpx.AsyncClient, keys: Keys
) -> None:
    # 100 % off its own 50.00 item: the buyer pays shipping only, the store is owed 0.
    # Nothing to transfer, so no connected account is needed to settle it (ADR 0104).
    order, shop = Order(app, client, keys), uuid.uuid4()
    await order.pay(499, {shop: 0}, onboarded=False)
    await order.ship(shop)
    await order.delivered(shop)
    assert await order.payouts() == {shop: ("paid", 0, 0, 0, 0)}
    assert await told(app, CREATED) == []
    assert "vendor_payouts" not in await ledger_balances(app)
    assert await overpaid(app) == {}


async def test_a_platform_funded_discount_comes_out_of_the_fee_never_beyond_collected(
    app: FastAPI, client: httpx.AsyncClient, keys: Keys
) -> None:
    order, small, large = Order(app, client, keys), uuid.uuid4(), uuid.uuid4()
    # The small sub-order had 5 % off, the large 30 %: the small vendor still gets its
    # list price less the fee (900) from the platform's fee; the large one cannot get
    # more than the buyer paid for its part (700), and the platform keeps no fee on it.
    await order.pay(
        1650,
        {small: 950, large: 700},
        vendor_list_amounts={str(small): 1000, str(large): 1000},
    )
    for shop in (small, large):
        await order.ship(shop)
        await order.delivered(shop)
    assert await order.payouts() == {
        small: ("paid", 950, 50, 900, 0),
        large: ("paid", 700, 0, 700, 0),
    }
    assert await overpaid(app) == {}


async def test_with_no_hold_period_shipping_pays_at_once(
    settings: Settings, keys: Keys, transport: InProcessTransport
) -> None:
    no_hold = settings.model_copy(update={"payout_hold_seconds": 0})
    async with (
        running(create_app(no_hold, transport=transport), keys) as app,
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://payment.test"
        ) as client,
    ):
        order, shop = Order(app, client, keys), uuid.uuid4()
        await order.pay(1499, {shop: 1000})
        await order.ship(shop)
        assert await order.payouts() == {shop: ("paid", 1000, 100, 900, 0)}
        assert await told(app, CREATED) == [(str(shop), 900)]


async def test_a_vendor_lists_its_own_payouts_held_paid_and_reversed(
    app: FastAPI, client: httpx.AsyncClient, keys: Keys
) -> None:
    owner, other_owner = uuid.uuid4(), uuid.uuid4()
    shop, other_shop = uuid.uuid4(), uuid.uuid4()
    for vendor_id, owner_id in ((shop, owner), (other_shop, other_owner)):
        approved = VendorApproved(vendor_id=vendor_id, owner_id=owner_id, name="A shop")
        await deliver(app, approved, str(vendor_id))
    held, paid, cancelled = (Order(app, client, keys) for _ in range(3))
    await held.pay(1500, {shop: 1000, other_shop: 500})
    await paid.pay(2000, {shop: 2000})
    await cancelled.pay(800, {shop: 800})
    for order in (held, paid, cancelled):
        await order.ship(shop)
    await held.ship(other_shop)
    await paid.delivered(shop)
    await paid.refund(1000)  # half back: the paid payout is partly reversed
    await cancelled.refund()  # all back while held: cancelled, reversed to the vendor

    vendor = keys.headers(owner, ("vendor",))
    first = await client.get("/api/v1/vendors/me/payouts?limit=2", headers=vendor)
    assert first.status_code == 200, first.text
    rest = await client.get(
        f"/api/v1/vendors/me/payouts?limit=2&cursor={first.json()['next_cursor']}",
        headers=vendor,
    )
    assert rest.json()["next_cursor"] is None
    seen = {
        p["order_id"]: (p["status"], p["gross"]["amount"], p["fee"]["amount"], p["net"]["amount"])
        for p in first.json()["items"] + rest.json()["items"]
    }
    assert seen == {
        str(held.id): ("held", 1000, 100, 900),
        str(paid.id): ("paid", 2000, 200, 1800 - 900),
        str(cancelled.id): ("reversed", 800, 80, 0),
    }
    assert {p["vendor_id"] for p in first.json()["items"] + rest.json()["items"]} == {str(shop)}

    customer = keys.headers(owner, ("customer",))
    assert (await client.get("/api/v1/vendors/me/payouts", headers=customer)).status_code == 403
    storeless = keys.headers(uuid.uuid4(), ("vendor",))
    assert (await client.get("/api/v1/vendors/me/payouts", headers=storeless)).status_code == 403
