"""GDPR export and erasure through the gateway, across every service (ADR 0112): the
user, catalog, order, payment and notification services on one in-process transport
and real PostgreSQL, behind the real gateway app.

A buyer with a verified phone number, a paid and partly refunded order, a review, a
wishlist item and a cart exports their data: the one document holds each service's
part. They erase their account; the order, not shipped yet, is cancelled and the rest
refunded; then no table of any service's database holds their e-mail, name, phone or
address (every row of every table, read as text), while their order, payment, refunds
and the ledger stay for the accounts, and the review stays without its author. The
store's owner erases too: the store is closed and nothing names the owner. The
outboxes are scanned too (their published rows naming the person are deleted;
unpublished ones would stay until delivered); the transport's own log is trimmed by
its retention (ADR 0094) and is not scanned here."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest

from agora_catalog.app import create_app as create_catalog
from agora_catalog.settings import Settings as CatalogSettings
from agora_gateway.app import create_app as create_gateway
from agora_gateway.client import HttpxClient
from agora_gateway.settings import Settings as GatewaySettings
from agora_kit.auth import ROLE_VENDOR, JWKSVerifier, JWTConfig
from agora_kit.db import Database
from agora_kit.events.inprocess import InProcessTransport
from agora_kit.settings import CommonSettings
from agora_kit.testing.apps import running, service_settings
from agora_kit.testing.fixtures import Databases
from agora_kit.testing.waiting import eventually
from agora_notification.app import create_app as create_notification
from agora_notification_testing import quick_settings
from agora_order.app import create_app as create_order
from agora_order.settings import Settings as OrderSettings
from agora_payment.app import create_app as create_payment
from agora_payment.service import personal as payment_personal
from agora_payment.settings import Settings as PaymentSettings
from agora_tools.fleet import SERVICES
from agora_tools.fleetdb import rows, tables_naming
from agora_user.app import create_app as create_user
from agora_user_testing import Account, UserApi, fast_settings

API = "/api/v1"
FULL_NAME = "Philippa Quaritch-Oyelaran"
OWNER_NAME = "Theodora Vance-Okonkwo"
PHONE = "+447912345678"
OWNER_EMAIL = f"tvance-{uuid.uuid4().hex[:8]}@example.com"
ADDRESS = {
    "name": "Philippa Quaritch-Oyelaran",
    "line1": "77 Wrenfield Mews",
    "city": "Upper Tollingsby",
    "postal_code": "TX9 4QZ",
    "country": "GB",
}


@dataclass
class Edge:
    client: httpx.AsyncClient
    user: Any
    urls: dict[str, str]

    async def ok(self, response: httpx.Response, status: int = 200) -> Any:
        assert response.status_code == status, f"{response.status_code}: {response.text}"
        return response.json() if response.content else None


@pytest.fixture
async def edge(databases: Databases, events_url: str, tmp_path: Path) -> AsyncIterator[Edge]:
    urls = {name: await databases.migrated(f"agora_{name}") for name in SERVICES}
    transport = InProcessTransport(events_url, poll_seconds=0.05)
    await transport.start()
    user = create_user(fast_settings(urls["user"], events_url), transport=transport)
    services = {
        "catalog": create_catalog(
            service_settings(CatalogSettings, urls["catalog"], events_url), transport=transport
        ),
        "order": create_order(
            service_settings(OrderSettings, urls["order"], events_url), transport=transport
        ),
        "payment": create_payment(
            service_settings(PaymentSettings, urls["payment"], events_url), transport=transport
        ),
        "notification": create_notification(
            quick_settings(
                urls["notification"], events_url, email_backend="file", mail_dir=tmp_path
            ),
            transport=transport,
        ),
    }
    settings = GatewaySettings()
    upstreams = settings.upstreams()
    network = httpx.AsyncClient(
        mounts={
            upstreams[name]: httpx.ASGITransport(app=app)
            for name, app in {"user": user, **services}.items()
        }
    )
    common = CommonSettings()
    for app in services.values():
        app.state.jwks_verifier = JWKSVerifier(
            JWTConfig(common.jwks_url, common.jwt_issuer, common.jwt_audience),
            http_client=network,
        )
    gateway = create_gateway(settings, transport=transport)
    await gateway.state.http_client.aclose()
    gateway.state.http_client = network
    gateway.state.upstream_client = HttpxClient(network)
    async with (
        running(user),
        running(services["catalog"]),
        running(services["order"]),
        running(services["payment"]),
        running(services["notification"]),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=gateway), base_url="http://gateway", timeout=30
        ) as client,
    ):
        yield Edge(client, user, urls)
    await network.aclose()
    await transport.close()


async def _shop(edge: Edge, api: UserApi) -> tuple[Account, Account, str, dict[str, Any]]:
    """An approved store with one product of one SKU in stock: (admin, owner, sku,
    product)."""
    admin = await api.make_admin(await api.signed_in())
    owner = await api.signed_in(OWNER_EMAIL, full_name=OWNER_NAME)
    store = await edge.ok(
        await edge.client.post(
            f"{API}/vendors",
            json={"name": f"Store {uuid.uuid4().hex[:6]}", "description": "Lamps"},
            headers=owner.headers,
        ),
        201,
    )
    await edge.ok(
        await edge.client.patch(
            f"{API}/admin/vendors/{store['id']}",
            json={"status": "approved"},
            headers=admin.headers,
        )
    )

    async def vendor() -> Account | None:
        tokens = await edge.ok(
            await edge.client.post(
                f"{API}/auth/refresh", json={"refresh_token": owner.refresh_token}
            )
        )
        owner.access_token, owner.refresh_token = tokens["access_token"], tokens["refresh_token"]
        claims = jwt.decode(owner.access_token, options={"verify_signature": False})
        return owner if ROLE_VENDOR in claims["roles"] else None

    await eventually(vendor)
    category = await edge.ok(
        await edge.client.post(
            f"{API}/categories", json={"name": f"Cat {uuid.uuid4().hex[:6]}"}, headers=admin.headers
        ),
        201,
    )
    product = await edge.ok(
        await edge.client.post(
            f"{API}/products",
            json={"title": "Argand lamp", "category_id": category["id"]},
            headers=owner.headers,
        ),
        201,
    )
    sku = f"AL-{uuid.uuid4().hex[:6]}"
    await edge.ok(
        await edge.client.post(
            f"{API}/products/{product['id']}/variants",
            json={"sku": sku, "price": {"amount": 2500, "currency": "USD"}, "stock": 10},
            headers=owner.headers,
        ),
        201,
    )
    await edge.ok(
        await edge.client.post(f"{API}/products/{product['id']}/publish", headers=owner.headers)
    )
    return admin, owner, sku, product


async def _buy(edge: Edge, buyer: Account, sku: str) -> dict[str, Any]:
    async def added() -> bool:
        response = await edge.client.post(
            f"{API}/cart/items", json={"sku": sku, "quantity": 2}, headers=buyer.headers
        )
        return response.status_code == 200

    await eventually(added)
    placed = await edge.ok(
        await edge.client.post(
            f"{API}/checkout",
            json={"shipping_address": ADDRESS, "payment_method": "pm_card_visa"},
            headers={**buyer.headers, "Idempotency-Key": uuid.uuid4().hex},
        ),
        202,
    )

    async def confirmed() -> Any:
        order = await edge.ok(
            await edge.client.get(f"{API}/orders/{placed['id']}", headers=buyer.headers)
        )
        return order if order["status"] == "confirmed" else None

    order: dict[str, Any] = await eventually(confirmed)
    return order


async def _personal_rows(edge: Edge, needles: list[str]) -> list[tuple[str, str]]:
    """(service, table) of every table in any service's database with a row holding
    a needle (``agora_tools.fleetdb.tables_naming``)."""
    return [
        (service, table)
        for service, url in edge.urls.items()
        for table in await tables_naming(url, needles)
    ]


async def _count(url: str, query: str, **params: Any) -> int:
    return int((await rows(url, query, **params))[0]["n"])


async def _verify_phone(edge: Edge, api: UserApi, buyer: Account) -> None:
    """The buyer's phone number, verified through the gateway with the code the user
    service sealed into its event for the notification service's SMS (ADR 0117); then
    the notification service knows the number."""
    await edge.ok(
        await edge.client.put(
            f"{API}/users/me/phone", json={"phone": PHONE}, headers=buyer.headers
        ),
        202,
    )
    [requested] = await api.events("phone_verification_requested.v1")
    code = api.context.sealer.open(requested["data"]["sealed_code"])
    me = await edge.ok(
        await edge.client.post(
            f"{API}/users/me/phone/verify", json={"code": code}, headers=buyer.headers
        )
    )
    assert (me["phone"], me["phone_verified"]) == (PHONE, True)

    async def known() -> bool:
        query = "SELECT count(*) AS n FROM contacts WHERE user_id = :u AND phone = :p"
        return await _count(edge.urls["notification"], query, u=buyer.id, p=PHONE) == 1

    await eventually(known)


async def test_export_covers_every_service_and_erasure_leaves_no_personal_field(
    edge: Edge,
) -> None:
    api = UserApi(edge.client, edge.user)
    admin, owner, sku, product = await _shop(edge, api)
    email = f"pquaritch-{uuid.uuid4().hex[:8]}@example.com"
    buyer = await api.signed_in(email, full_name=FULL_NAME)
    await _verify_phone(edge, api, buyer)
    await edge.ok(
        await edge.client.post(
            f"{API}/wishlist", json={"product_id": product["id"]}, headers=buyer.headers
        ),
        201,
    )
    order = await _buy(edge, buyer, sku)
    payment_id = order["payment"]["payment_id"]
    await edge.ok(
        await edge.client.post(
            f"{API}/admin/payments/{payment_id}/refund",
            json={"amount": 500, "reason": "Scratched shade"},
            headers={**admin.headers, "Idempotency-Key": uuid.uuid4().hex},
        ),
        202,
    )

    async def reviewed() -> Any:
        response = await edge.client.post(
            f"{API}/products/{product['id']}/reviews",
            json={"rating": 4, "title": "Bright and steady", "body": "Burns all evening."},
            headers=buyer.headers,
        )
        return response.json() if response.status_code == 201 else None

    review = await eventually(reviewed)
    # A message to support naming her address: erased with her (ADR 0119).
    await edge.ok(
        await edge.client.post(
            f"{API}/conversations",
            json={"about": "support", "body": f"Please write to {email}"},
            headers=buyer.headers,
        ),
        201,
    )
    await edge.ok(
        await edge.client.post(
            f"{API}/cart/items", json={"sku": sku, "quantity": 1}, headers=buyer.headers
        )
    )

    async def refunded() -> Any:
        export = await edge.ok(
            await edge.client.get(f"{API}/users/me/export", headers=buyer.headers)
        )
        return export if export["payment"]["refunds"] else None

    export = await eventually(refunded)
    assert export["profile"]["email"] == email
    assert export["profile"]["full_name"] == FULL_NAME
    assert [r["title"] for r in export["catalog"]["reviews"]] == ["Bright and steady"]
    assert [w["product_id"] for w in export["catalog"]["wishlist"]] == [product["id"]]
    assert export["catalog"]["store"] is None
    [exported_order] = export["order"]["orders"]
    assert exported_order["id"] == order["id"]
    assert exported_order["shipping_address"].items() >= ADDRESS.items()
    assert exported_order["total_amount"] == order["total"]["amount"]
    assert [line["sku"] for line in exported_order["lines"]] == [sku]
    assert [(i["sku"], i["quantity"]) for i in export["order"]["cart"]] == [(sku, 1)]
    [exported_payment] = export["payment"]["payments"]
    assert (exported_payment["id"], exported_payment["refunded_amount"]) == (payment_id, 500)
    assert export["payment"]["refunds"][0]["amount"] == 500
    assert export["notification"]["contact"]["email"] == email
    assert export["profile"]["phone"] == PHONE
    assert export["notification"]["contact"]["phone"] == PHONE
    [conversation] = export["notification"]["conversations"]
    assert [m["body"] for m in conversation["messages"]] == [f"Please write to {email}"]

    # The internal route the gateway composes from is not reachable from the outside.
    outside = await edge.client.get(f"/internal/users/{buyer.id}/export", headers=buyer.headers)
    assert outside.status_code == 404

    needles = [email, FULL_NAME, PHONE, ADDRESS["line1"], ADDRESS["postal_code"], ADDRESS["city"]]
    assert await _personal_rows(edge, needles), "the scan must find the person before erasure"

    erased = await edge.client.delete(f"{API}/users/me", headers=buyer.headers)
    assert erased.status_code == 204, erased.text
    urls = edge.urls

    async def anonymised() -> bool:
        return (
            await _count(
                urls["order"],
                "SELECT count(*) AS n FROM orders WHERE buyer_id = :b AND shipping_address IS NULL",
                b=buyer.id,
            )
            == 1
            and await _count(
                urls["payment"],
                "SELECT count(*) AS n FROM payments WHERE buyer_id = :b AND client_secret IS NULL",
                b=buyer.id,
            )
            == 1
            and await _count(
                urls["catalog"], "SELECT count(*) AS n FROM wishes WHERE user_id = :b", b=buyer.id
            )
            == 0
            and await _count(
                urls["notification"],
                "SELECT count(*) AS n FROM contacts WHERE user_id = :b AND deleted_at IS NOT NULL",
                b=buyer.id,
            )
            == 1
        )

    await eventually(anonymised)

    # The order no vendor had shipped is cancelled and the rest of its money refunded;
    # that refund, after the erasure, brings nothing personal back.
    total = order["total"]["amount"]

    async def refunded_in_full() -> bool:
        paid = "SELECT count(*) AS n FROM payments WHERE id = :p AND refunded_amount = :t"
        return await _count(urls["payment"], paid, p=payment_id, t=total) == 1

    await eventually(refunded_in_full)
    assert await _personal_rows(edge, needles) == []

    # What the accounts need stays: the order with its amounts, the payment, both
    # refunds and the ledger; the review keeps its rating without its author.
    [kept] = await rows(
        urls["order"],
        "SELECT total_amount, status, cancel_reason FROM orders WHERE id = :o",
        o=order["id"],
    )
    assert kept["total_amount"] == total
    assert (kept["status"], kept["cancel_reason"]) in (
        ("cancelled", "The buyer's account was erased."),
        ("refunded", "The buyer's account was erased."),
    )
    [paid] = await rows(
        urls["payment"],
        "SELECT amount, payment_method, client_secret FROM payments WHERE id = :p",
        p=payment_id,
    )
    assert paid == {"amount": total, "payment_method": None, "client_secret": None}
    refunds = "SELECT count(*) AS n FROM refunds WHERE payment_id = :p"
    assert await _count(urls["payment"], refunds, p=payment_id) == 2
    ledger = "SELECT count(*) AS n FROM ledger_entries WHERE payment_id = :p"
    assert await _count(urls["payment"], ledger, p=payment_id) >= 2
    [kept_review] = await rows(
        urls["catalog"], "SELECT author_id, rating FROM reviews WHERE id = :r", r=review["id"]
    )
    assert kept_review["rating"] == 4
    assert str(kept_review["author_id"]) != buyer.id
    cart = "SELECT count(*) AS n FROM cart_items WHERE buyer_id = :b"
    assert await _count(urls["order"], cart, b=buyer.id) == 0

    # A redelivered user.deleted changes nothing more (the order service's redelivery:
    # services/order/tests/test_erasure.py).
    database = Database(urls["payment"], pool_size=1)
    try:
        async with database.transaction() as session:
            assert await payment_personal.erase(session, uuid.UUID(buyer.id)) == 0
    finally:
        await database.dispose()

    # The store's owner erases their account too: the store is closed, its product
    # leaves the shop, and nothing names the owner any more.
    assert await _personal_rows(edge, [OWNER_EMAIL, OWNER_NAME])
    gone = await edge.client.delete(f"{API}/users/me", headers=owner.headers)
    assert gone.status_code == 204, gone.text

    async def closed() -> bool:
        shown = await edge.client.get(f"{API}/products/{product['id']}")
        return shown.status_code == 404

    await eventually(closed)
    [store] = await rows(
        urls["catalog"], "SELECT status FROM vendors WHERE owner_id = :o", o=owner.id
    )
    assert store == {"status": "suspended"}

    async def owner_forgotten() -> bool:
        return await _personal_rows(edge, [OWNER_EMAIL, OWNER_NAME]) == []

    await eventually(owner_forgotten)
