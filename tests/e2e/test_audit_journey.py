"""The audit log through the gateway: the user, catalog, order and payment services on one
in-process transport and real PostgreSQL, behind the real gateway app, with real
accounts (tokens signed by the user service and verified by every part against its
keys). An admin approves a store and refunds a payment, the vendor updates a product
and ships the order; the admin finds each act in ``GET /api/v1/admin/audit`` with the
changed fields and the request id of the call; nobody else may read it."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import jwt
import pytest
from fastapi import FastAPI

from agora_catalog.app import create_app as create_catalog
from agora_catalog.settings import Settings as CatalogSettings
from agora_gateway.app import create_app as create_gateway
from agora_gateway.client import HttpxClient
from agora_gateway.settings import Settings as GatewaySettings
from agora_kit.auth import ROLE_VENDOR, JWKSVerifier, JWTConfig
from agora_kit.events.inprocess import InProcessTransport
from agora_kit.settings import CommonSettings
from agora_kit.testing.apps import running, service_settings
from agora_kit.testing.fixtures import Databases
from agora_kit.testing.waiting import eventually
from agora_order.app import create_app as create_order
from agora_order.settings import Settings as OrderSettings
from agora_order_testing import ADDRESS
from agora_payment.app import create_app as create_payment
from agora_payment.settings import Settings as PaymentSettings
from agora_user.app import create_app as create_user
from agora_user_testing import Account, UserApi, fast_settings

API = "/api/v1"


def traced(account: Account, request_id: str) -> dict[str, str]:
    """``account``'s headers on a call whose request id the audit entry must show."""
    return {**account.headers, "X-Request-ID": request_id}


@dataclass
class Edge:
    client: httpx.AsyncClient
    user: FastAPI

    async def ok(self, response: httpx.Response, status: int = 200) -> Any:
        assert response.status_code == status, f"{response.status_code}: {response.text}"
        return response.json() if response.content else None

    async def person(self, *, admin: bool = False) -> Account:
        api = UserApi(self.client, self.user)  # its calls go through the gateway
        account = await api.signed_in()
        return await api.make_admin(account) if admin else account

    async def refreshed(self, account: Account) -> Account:
        tokens = await self.ok(
            await self.client.post(
                f"{API}/auth/refresh", json={"refresh_token": account.refresh_token}
            )
        )
        account.access_token = tokens["access_token"]
        account.refresh_token = tokens["refresh_token"]
        return account


@pytest.fixture
async def edge(databases: Databases, events_url: str) -> AsyncIterator[Edge]:
    urls = {
        name: await databases.migrated(f"agora_{name}")
        for name in ("user", "catalog", "order", "payment")
    }
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
    }
    settings = GatewaySettings()
    upstreams = settings.upstreams()
    # Every part reaches the others at their configured addresses, served in process.
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
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=gateway), base_url="http://gateway", timeout=30
        ) as client,
    ):
        yield Edge(client, user)
    await network.aclose()
    await transport.close()


async def test_admins_see_every_admin_and_vendor_act_with_its_request_id(edge: Edge) -> None:
    admin = await edge.person(admin=True)
    owner = await edge.person()
    buyer = await edge.person()

    # The admin approves the store; the user service makes its owner a vendor.
    store = await edge.ok(
        await edge.client.post(
            f"{API}/vendors",
            json={"name": f"Store {uuid.uuid4().hex[:6]}", "description": "Gears"},
            headers=owner.headers,
        ),
        201,
    )
    approve = await edge.client.patch(
        f"{API}/admin/vendors/{store['id']}",
        json={"status": "approved"},
        headers=traced(admin, "audit-approve"),
    )
    await edge.ok(approve)
    assert approve.headers["x-request-id"] == "audit-approve"

    async def vendor() -> Account | None:
        person = await edge.refreshed(owner)
        claims = jwt.decode(person.access_token, options={"verify_signature": False})
        return person if ROLE_VENDOR in claims["roles"] else None

    await eventually(vendor)

    # The vendor makes a product, renames it, stocks and publishes it.
    category = await edge.ok(
        await edge.client.post(
            f"{API}/categories",
            json={"name": f"Cat {uuid.uuid4().hex[:6]}"},
            headers=admin.headers,
        ),
        201,
    )
    product = await edge.ok(
        await edge.client.post(
            f"{API}/products",
            json={"title": "Difference engine", "category_id": category["id"]},
            headers=owner.headers,
        ),
        201,
    )
    await edge.ok(
        await edge.client.patch(
            f"{API}/products/{product['id']}",
            json={"title": "Analytical engine"},
            headers=traced(owner, "audit-product"),
        )
    )
    sku = f"AE-{uuid.uuid4().hex[:6]}"
    await edge.ok(
        await edge.client.post(
            f"{API}/products/{product['id']}/variants",
            json={"sku": sku, "price": {"amount": 1500, "currency": "USD"}, "stock": 10},
            headers=owner.headers,
        ),
        201,
    )
    await edge.ok(
        await edge.client.put(
            f"{API}/inventory/{sku}", json={"on_hand": 12}, headers=traced(owner, "audit-stock")
        )
    )
    await edge.ok(
        await edge.client.post(f"{API}/products/{product['id']}/publish", headers=owner.headers)
    )
    draft = await edge.ok(
        await edge.client.post(
            f"{API}/products",
            json={"title": "Mill", "category_id": category["id"]},
            headers=owner.headers,
        ),
        201,
    )
    deleted = await edge.client.delete(
        f"{API}/products/{draft['id']}", headers=traced(owner, "audit-delete")
    )
    assert deleted.status_code == 204, deleted.text
    await edge.ok(
        await edge.client.post(
            f"{API}/admin/coupons",
            json={"code": "AUDIT10", "kind": "percent", "value": 10},
            headers=traced(admin, "audit-coupon"),
        ),
        201,
    )

    # A buyer pays for two; the vendor ships them.
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

    order = await eventually(confirmed)
    subs = await edge.ok(await edge.client.get(f"{API}/vendor/orders", headers=owner.headers))
    [sub] = subs["items"]
    await edge.ok(
        await edge.client.post(
            f"{API}/vendor/orders/{sub['id']}/ship",
            json={"carrier": "DHL", "tracking_number": "JD0001"},
            headers=traced(owner, "audit-ship"),
        )
    )

    # The admin refunds the payment.
    payment_id = order["payment"]["payment_id"]
    await edge.ok(
        await edge.client.post(
            f"{API}/admin/payments/{payment_id}/refund",
            json={"amount": 1000, "reason": "One was dented"},
            headers={**traced(admin, "audit-refund"), "Idempotency-Key": uuid.uuid4().hex},
        ),
        202,
    )

    wanted = {
        "vendor.approve",
        "product.update",
        "product.delete",
        "variant.create",
        "stock.set",
        "coupon.create",
        "order.ship",
        "payment.refund",
    }

    async def logged() -> dict[str, dict[str, Any]] | None:
        page = await edge.ok(
            await edge.client.get(f"{API}/admin/audit?limit=100", headers=admin.headers)
        )
        found = {item["action"]: item for item in page["items"]}
        return found if wanted <= set(found) else None

    found = await eventually(logged)
    approval = found["vendor.approve"]
    assert (approval["service"], approval["resource_type"]) == ("catalog", "vendor")
    assert approval["resource_id"] == store["id"]
    assert (approval["actor_id"], approval["actor_role"]) == (admin.id, "admin")
    assert approval["before"] == {"status": "pending"}
    assert approval["after"] == {"status": "approved"}
    assert approval["request_id"] == "audit-approve"

    renamed = found["product.update"]
    assert (renamed["actor_id"], renamed["actor_role"]) == (owner.id, "vendor")
    assert renamed["resource_id"] == product["id"]
    assert renamed["before"] == {"title": "Difference engine"}
    assert renamed["after"] == {"title": "Analytical engine"}
    assert renamed["request_id"] == "audit-product"

    stocked = found["stock.set"]
    assert (stocked["resource_type"], stocked["resource_id"]) == ("sku", sku)
    assert (stocked["before"], stocked["after"]) == ({"on_hand": 10}, {"on_hand": 12})
    assert stocked["request_id"] == "audit-stock"
    variant = found["variant.create"]
    assert variant["before"] is None
    assert variant["after"]["price_amount"] == 1500
    removed = found["product.delete"]
    assert (removed["resource_id"], removed["after"]) == (draft["id"], None)
    assert removed["before"]["title"] == "Mill"
    assert removed["request_id"] == "audit-delete"
    coupon = found["coupon.create"]
    assert (coupon["service"], coupon["resource_id"], coupon["actor_id"]) == (
        "order",
        "AUDIT10",
        admin.id,
    )
    assert (coupon["before"], coupon["after"]["kind"], coupon["after"]["value"]) == (
        None,
        "percent",
        10,
    )
    assert coupon["request_id"] == "audit-coupon"

    shipped = found["order.ship"]
    assert (shipped["service"], shipped["resource_id"]) == ("order", sub["id"])
    assert shipped["actor_id"] == owner.id
    assert shipped["before"] == {"status": "pending", "carrier": None, "tracking_number": None}
    assert shipped["after"] == {"status": "shipped", "carrier": "DHL", "tracking_number": "JD0001"}
    assert shipped["request_id"] == "audit-ship"

    refund = found["payment.refund"]
    assert (refund["service"], refund["resource_id"]) == ("payment", payment_id)
    assert refund["actor_id"] == admin.id
    assert refund["before"] == {"refunded_amount": 0}
    assert refund["after"]["refunded_amount"] == 1000
    assert refund["after"]["reason"] == "One was dented"
    assert refund["after"]["refund_id"]
    assert refund["request_id"] == "audit-refund"

    # Filters reach the service through the gateway.
    mine = await edge.ok(
        await edge.client.get(
            f"{API}/admin/audit?actor={owner.id}&resource_type=product", headers=admin.headers
        )
    )
    assert [item["action"] for item in mine["items"]] == [
        "product.delete",
        "product.create",
        "product.update",
        "product.create",
    ]

    for outsider in (owner, buyer):
        refused = await edge.client.get(f"{API}/admin/audit", headers=outsider.headers)
        assert refused.status_code == 403, refused.text
        assert refused.headers["content-type"] == "application/problem+json"
