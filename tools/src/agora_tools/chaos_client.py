"""One buyer's checkout and a vendor's shipping for ``agora-chaos``, each as a client
would do them: through the gateway, retrying what a dead process or an open breaker
answers (see ``agora_tools.chaos``)."""

from __future__ import annotations

import random
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from agora_tools import fleet, fleetdb, journeys, stripe_events
from agora_tools.chaos_audit import FINAL, PAID, Shop

API = journeys.API
# The gateway answers these while an upstream is down or its breaker is open; a
# client retries them (and 429 after the time it is told).
RETRYABLE = {429, 500, 502, 503, 504}


@dataclass
class Outcome:
    order_id: str | None = None
    method: str = ""
    status: str = "not placed"
    note: str = ""


def request(
    client: httpx.Client,
    method: str,
    url: str,
    *,
    ok: set[int],
    step: str,
    deadline: float,
    headers: Mapping[str, str] | None = None,
    **kwargs: Any,
) -> httpx.Response:
    """``method url`` until it answers one of ``ok``; a transport error or a status in
    RETRYABLE is retried, anything else raises JourneyFailed."""
    while True:
        try:
            answer = client.request(method, url, headers=dict(headers or {}), **kwargs)
        except httpx.TransportError:
            answer = None
        if answer is not None:
            if answer.status_code in ok:
                return answer
            if answer.status_code not in RETRYABLE:
                raise journeys.JourneyFailed(f"{step}: {answer.status_code} {answer.text[:300]}")
        if time.monotonic() > deadline:
            raise journeys.JourneyFailed(f"{step}: no usable answer before the deadline")
        pause = 0.3
        if answer is not None and answer.status_code == 429:
            pause = float(answer.headers.get("Retry-After", "1") or 1)
        time.sleep(pause)


def sign_in(client: httpx.Client, customer: journeys.Customer, deadline: float) -> None:
    """A fresh access token for ``customer``, as a client refreshes it, retried while
    the user service is down (a run that kills it)."""
    tokens = request(
        client,
        "POST",
        f"{API}/auth/login",
        ok={200},
        step="login",
        deadline=deadline,
        json={"email": customer.email, "password": journeys.PASSWORD},
    ).json()
    customer.access_token = str(tokens["access_token"])


# ---- one checkout, as a client with retries ----


def play_stripe(client: httpx.Client, payment_id: str, method: str, deadline: float) -> None:
    """What Stripe sends once it has decided a payment: the signed webhook (one event),
    again and again until it is taken (Stripe retries for days)."""
    intent = fleetdb.intent_id(payment_id)
    secret = fleet.webhook_secret()
    event_id = f"evt_{secrets.token_hex(12)}"
    while True:
        try:
            answer = stripe_events.stripe_webhook(
                client,
                secret,
                intent,
                succeeded=method != "pm_card_chargeDeclined",
                event_id=event_id,
            )
        except httpx.TransportError:
            answer = None
        if answer is not None and answer.status_code == 200:
            return
        if answer is not None and answer.status_code not in RETRYABLE:
            raise journeys.JourneyFailed(f"webhook: {answer.status_code} {answer.text[:300]}")
        if time.monotonic() > deadline:
            raise journeys.JourneyFailed("webhook: not taken before the deadline")
        time.sleep(0.3)


def empty_cart(client: httpx.Client, auth: dict[str, str], deadline: float) -> None:
    cart = request(
        client, "GET", f"{API}/cart", ok={200}, step="cart", deadline=deadline, headers=auth
    ).json()
    for item in cart.get("items") or []:
        request(
            client,
            "DELETE",
            f"{API}/cart/items/{item['sku']}",
            ok={200, 404},
            step="empty the cart",
            deadline=deadline,
            headers=auth,
        )


def order_status(
    client: httpx.Client, auth: dict[str, str], order_id: str, deadline: float
) -> dict[str, Any]:
    body: dict[str, Any] = request(
        client,
        "GET",
        f"{API}/orders/{order_id}",
        ok={200},
        step="order",
        deadline=deadline,
        headers=auth,
    ).json()
    return body


def wait_order(
    client: httpx.Client,
    auth: dict[str, str],
    order_id: str,
    deadline: float,
    *,
    payable: bool,
) -> dict[str, Any]:
    """The order once it is final (or, with ``payable``, awaits payment with an intent)."""
    while True:
        body = order_status(client, auth, order_id, deadline)
        if body["status"] in FINAL:
            return body
        payment = body.get("payment") or {}
        if payable and body["status"] == "awaiting_payment" and payment.get("payment_id"):
            return body
        if time.monotonic() > deadline:
            raise journeys.JourneyFailed(f"order {order_id} still {body['status']}")
        time.sleep(0.4)


def checkout(
    client: httpx.Client,
    shop: Shop,
    buyer: journeys.Customer,
    rng: random.Random,
    *,
    outcome: Outcome,
    limit: float,
) -> None:
    """One checkout, as a client; what happened goes into ``outcome`` as it happens."""
    deadline = time.monotonic() + limit
    auth = {"Authorization": f"Bearer {buyer.access_token}"}
    outcome.method = "pm_card_chargeDeclined" if rng.random() < 0.15 else "pm_card_visa"
    empty_cart(client, auth, deadline)
    for sku in rng.sample(sorted(shop.skus), rng.choice((1, 2))):
        added = request(
            client,
            "POST",
            f"{API}/cart/items",
            ok={200, 409},
            step="add to cart",
            deadline=deadline,
            headers=auth,
            json={"sku": sku, "quantity": rng.choice((1, 1, 2))},
        )
        if added.status_code == 409:
            outcome.note = "sold out at the cart"
    body: dict[str, Any] = {"shipping_address": journeys.ADDRESS}
    if rng.random() < 0.4:
        body["coupon_code"] = shop.coupon
    key = secrets.token_hex(12)
    while True:
        placed = request(
            client,
            "POST",
            f"{API}/checkout",
            ok={202, 409, 422},
            step="checkout",
            deadline=deadline,
            headers={**auth, "Idempotency-Key": key},
            json=body,
        )
        if placed.status_code == 422 and "coupon_code" in body:
            body.pop("coupon_code")  # used up: check out without it, under a new key
            key = secrets.token_hex(12)
            continue
        break
    if placed.status_code != 202:
        outcome.status = "refused at checkout"
        outcome.note = placed.json().get("detail", "")
        return
    outcome.order_id = str(placed.json()["id"])
    order = wait_order(client, auth, outcome.order_id, deadline, payable=True)
    if order["status"] == "awaiting_payment":
        payment_id = str(order["payment"]["payment_id"])
        # One key for every retry of this confirmation (a killed payment service).
        confirm_key = secrets.token_hex(12)
        paid = request(
            client,
            "POST",
            f"{API}/payments/{payment_id}/confirm",
            ok={200, 402, 409},
            step="confirm",
            deadline=deadline,
            headers={**auth, "Idempotency-Key": confirm_key},
            json={"payment_method": outcome.method},
        )
        if paid.status_code == 200 and paid.json().get("status") == "processing":
            play_stripe(client, payment_id, outcome.method, deadline)
        order = wait_order(client, auth, outcome.order_id, deadline, payable=False)
    outcome.status = str(order["status"])


# ---- shipping, so that vendors get paid ----


def ship_and_deliver(
    gateway: httpx.Client, users: httpx.Client, shop: Shop, order_ids: list[str]
) -> int:
    """Each vendor ships its part of every paid order of the run, then, once every
    parcel is on its way, delivers it (payouts are held until delivery); the number of
    parcels delivered."""
    ours, delivered = set(order_ids), 0
    deadline = time.monotonic() + 600
    for step in ("ship", "deliver"):
        for vendor in shop.vendors:
            journeys.log_in(users, vendor)
            auth = {"Authorization": f"Bearer {vendor.access_token}"}
            for sub in sub_orders(gateway, auth, deadline):
                if sub["order_id"] not in ours or sub["order_status"] not in PAID:
                    continue
                body = {"carrier": "DHL", "tracking_number": f"JD{secrets.token_hex(6)}"}
                request(
                    gateway,
                    "POST",
                    f"{API}/vendor/orders/{sub['id']}/{step}",
                    ok={200, 409},  # 409: done already, by a retry
                    step=step,
                    deadline=deadline,
                    headers=auth,
                    json=body if step == "ship" else None,
                )
                delivered += step == "deliver"
    return delivered


def sub_orders(
    gateway: httpx.Client, auth: dict[str, str], deadline: float
) -> list[dict[str, Any]]:
    """Every paid sub-order of the vendor, following ``next_cursor`` to the end."""
    subs: list[dict[str, Any]] = []
    cursor: str | None = None
    while True:
        page = request(
            gateway,
            "GET",
            f"{API}/vendor/orders",
            ok={200},
            step="sub-orders",
            deadline=deadline,
            headers=auth,
            params={"limit": 100, **({"cursor": cursor} if cursor else {})},
        ).json()
        subs += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            return subs
