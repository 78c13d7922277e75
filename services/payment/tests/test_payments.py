"""Payments with the sandbox provider: an intent per order, confirmation with Stripe's
test payment methods, refunds full and partial, and a ledger that always balances."""

from __future__ import annotations

import uuid

import httpx
from fastapi import FastAPI

from agora_contracts.common import Money
from agora_contracts.order import OrderCancelled, PaymentRequested, RefundRequested
from agora_kit.testing.events import deliver, outbox_events
from agora_kit.testing.tokens import Keys
from agora_payment_testing import keyed, ledger_balances

INTENT = "agora.payment.payment.intent_created.v1"
SUCCEEDED = "agora.payment.payment.succeeded.v1"
FAILED = "agora.payment.payment.failed.v1"
REFUNDED = "agora.payment.payment.refunded.v1"


async def requested(app: FastAPI, buyer_id: uuid.UUID, amount: int = 5000) -> dict[str, str]:
    order_id = uuid.uuid4()
    request = PaymentRequested(
        order_id=order_id, buyer_id=buyer_id, amount=Money(amount=amount, currency="USD")
    )
    await deliver(app, request, str(order_id))
    await deliver(app, request, str(order_id))  # redelivered: still one intent
    intents = [
        e for e in await outbox_events(app, INTENT) if e["data"]["order_id"] == str(order_id)
    ]
    assert len(intents) == 1
    return {"order_id": str(order_id), "payment_id": intents[0]["data"]["payment_id"]}


async def test_visa_succeeds_and_the_ledger_balances(
    app: FastAPI, client: httpx.AsyncClient, keys: Keys
) -> None:
    buyer_id = uuid.uuid4()
    buyer = keys.headers(buyer_id)
    ids = await requested(app, buyer_id)
    [intent] = await outbox_events(app, INTENT)
    assert intent["data"]["client_secret"].startswith("pi_sandbox_")

    listed = await client.get(
        "/api/v1/payments", params={"order_id": ids["order_id"]}, headers=buyer
    )
    assert listed.status_code == 200
    assert [p["status"] for p in listed.json()] == ["requires_payment_method"]

    confirm = f"/api/v1/payments/{ids['payment_id']}/confirm"
    response = await client.post(
        confirm, json={"payment_method": "pm_card_visa"}, headers=keyed(buyer)
    )
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "succeeded"
    assert response.json()["client_secret"] is None
    again = await client.post(
        confirm, json={"payment_method": "pm_card_visa"}, headers=keyed(buyer)
    )
    assert again.json()["status"] == "succeeded"
    [succeeded] = await outbox_events(app, SUCCEEDED)
    assert succeeded["data"]["amount"] == {"amount": 5000, "currency": "USD"}
    assert await ledger_balances(app) == {"provider_balance": 5000, "buyer_payments": -5000}


async def test_declined_is_402_and_payment_failed(
    app: FastAPI, client: httpx.AsyncClient, keys: Keys
) -> None:
    buyer_id = uuid.uuid4()
    ids = await requested(app, buyer_id)
    response = await client.post(
        f"/api/v1/payments/{ids['payment_id']}/confirm",
        json={"payment_method": "pm_card_chargeDeclined"},
        headers=keyed(keys.headers(buyer_id)),
    )
    assert response.status_code == 402
    assert response.json()["detail"] == "Your card was declined."
    [failed] = await outbox_events(app, FAILED)
    assert failed["data"]["failure_code"] == "card_declined"
    assert failed["data"]["buyer_id"] == str(buyer_id)
    assert await outbox_events(app, SUCCEEDED) == []
    assert await ledger_balances(app) == {}


async def test_authentication_required_needs_action_then_another_card(
    app: FastAPI, client: httpx.AsyncClient, keys: Keys
) -> None:
    buyer_id = uuid.uuid4()
    ids = await requested(app, buyer_id)
    confirm = f"/api/v1/payments/{ids['payment_id']}/confirm"
    headers = keys.headers(buyer_id)
    response = await client.post(
        confirm, json={"payment_method": "pm_card_authenticationRequired"}, headers=keyed(headers)
    )
    assert response.status_code == 200
    assert response.json()["status"] == "requires_action"
    assert response.json()["client_secret"]
    done = await client.post(
        confirm, json={"payment_method": "pm_card_visa"}, headers=keyed(headers)
    )
    assert done.json()["status"] == "succeeded"


async def test_someone_elses_payment_is_404_and_cancelled_order_409(
    app: FastAPI, client: httpx.AsyncClient, keys: Keys
) -> None:
    buyer_id = uuid.uuid4()
    ids = await requested(app, buyer_id)
    confirm = f"/api/v1/payments/{ids['payment_id']}/confirm"
    other = await client.post(
        confirm, json={"payment_method": "pm_card_visa"}, headers=keyed(keys.headers(uuid.uuid4()))
    )
    assert other.status_code == 404
    await deliver(
        app,
        OrderCancelled(order_id=uuid.UUID(ids["order_id"]), reason="The payment did not arrive."),
        ids["order_id"],
    )
    late = await client.post(
        confirm, json={"payment_method": "pm_card_visa"}, headers=keyed(keys.headers(buyer_id))
    )
    assert late.status_code == 409
    assert await outbox_events(app, SUCCEEDED) == []


async def test_refunds_partial_full_and_over(
    app: FastAPI, client: httpx.AsyncClient, keys: Keys, admin: dict[str, str]
) -> None:
    buyer_id = uuid.uuid4()
    ids = await requested(app, buyer_id, amount=5000)
    refund = f"/api/v1/admin/payments/{ids['payment_id']}/refund"
    early = await client.post(refund, json={}, headers=keyed(admin))
    assert early.status_code == 409  # nothing paid yet
    await client.post(
        f"/api/v1/payments/{ids['payment_id']}/confirm",
        json={"payment_method": "pm_card_visa"},
        headers=keyed(keys.headers(buyer_id)),
    )
    assert (
        await client.post(refund, json={}, headers=keyed(keys.headers(buyer_id)))
    ).status_code == 403
    partial = await client.post(refund, json={"amount": 1500}, headers=keyed(admin))
    assert partial.status_code == 202, partial.text
    assert partial.json()["total_refunded"]["amount"] == 1500
    over = await client.post(refund, json={"amount": 3501}, headers=keyed(admin))
    assert over.status_code == 409
    rest = await client.post(refund, json={}, headers=keyed(admin))
    assert rest.status_code == 202
    assert rest.json()["amount"]["amount"] == 3500
    assert (await client.post(refund, json={"amount": 1}, headers=keyed(admin))).status_code == 409

    events = await outbox_events(app, REFUNDED)
    assert [e["data"]["total_refunded"]["amount"] for e in events] == [1500, 5000]
    assert await ledger_balances(app) == {"provider_balance": 0, "buyer_payments": 0}


async def test_admins_find_the_payment_of_an_order_then_refund_it(
    app: FastAPI, client: httpx.AsyncClient, keys: Keys, admin: dict[str, str]
) -> None:
    buyer_id = uuid.uuid4()
    older = await requested(app, buyer_id, amount=1000)
    order_id = uuid.uuid4()
    await deliver(
        app,
        PaymentRequested(
            order_id=order_id,
            buyer_id=buyer_id,
            order_number="AG-00C0FFEE00",
            amount=Money(amount=4200, currency="USD"),
        ),
        str(order_id),
    )
    search = "/api/v1/admin/payments"
    assert (await client.get(search, headers=keys.headers(buyer_id))).status_code == 403
    newest = await client.get(search, params={"limit": 1}, headers=admin)
    assert newest.status_code == 200, newest.text
    [found] = newest.json()["items"]
    assert found["order_id"] == str(order_id)
    assert found["order_number"] == "AG-00C0FFEE00"
    assert found["buyer_id"] == str(buyer_id)
    assert "client_secret" not in found
    following = await client.get(
        search, params={"limit": 1, "cursor": newest.json()["next_cursor"]}, headers=admin
    )
    assert [p["id"] for p in following.json()["items"]] == [older["payment_id"]]
    by_number = await client.get(search, params={"order_number": "AG-00C0FFEE00"}, headers=admin)
    assert [p["id"] for p in by_number.json()["items"]] == [found["id"]]
    by_id = await client.get(search, params={"order_id": older["order_id"]}, headers=admin)
    assert [p["id"] for p in by_id.json()["items"]] == [older["payment_id"]]

    await client.post(
        f"/api/v1/payments/{found['id']}/confirm",
        json={"payment_method": "pm_card_visa"},
        headers=keyed(keys.headers(buyer_id)),
    )
    refunded = await client.post(
        f"/api/v1/admin/payments/{found['id']}/refund", json={"amount": 200}, headers=keyed(admin)
    )
    assert refunded.status_code == 202, refunded.text
    paid = await client.get(search, params={"status": "succeeded"}, headers=admin)
    [after] = paid.json()["items"]
    assert after["id"] == found["id"]
    assert after["amount"] == {"amount": 4200, "currency": "USD"}
    assert after["refunded"] == {"amount": 200, "currency": "USD"}

    for bad in ({"order_id": "nope"}, {"status": "lost"}, {"order_number": "AG 1; --"}):
        refused = await client.get(search, params=bad, headers=admin)
        assert refused.status_code == 422, bad
        assert refused.headers["content-type"].startswith("application/problem+json")
        [error] = refused.json()["errors"]
        assert error["name"] == f"query.{next(iter(bad))}"


async def test_refund_requested_by_the_saga_happens_once(
    app: FastAPI, client: httpx.AsyncClient, keys: Keys
) -> None:
    buyer_id = uuid.uuid4()
    ids = await requested(app, buyer_id, amount=2000)
    await client.post(
        f"/api/v1/payments/{ids['payment_id']}/confirm",
        json={"payment_method": "pm_card_visa"},
        headers=keyed(keys.headers(buyer_id)),
    )
    ask = RefundRequested(
        order_id=uuid.UUID(ids["order_id"]),
        buyer_id=buyer_id,
        amount=Money(amount=2000, currency="USD"),
        request_id=uuid.uuid4(),
        reason="You cancelled the order.",
    )
    await deliver(app, ask, ids["order_id"])
    await deliver(app, ask, ids["order_id"])  # the same request, a new delivery
    [refunded] = await outbox_events(app, REFUNDED)
    assert refunded["data"]["amount"]["amount"] == 2000
    assert await ledger_balances(app) == {"provider_balance": 0, "buyer_payments": 0}
