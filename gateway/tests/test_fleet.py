"""The docs/api journeys through the gateway of a real ``agora run``, and schemathesis
against the gateway's merged document with a signed-in user.

One fleet for the module: ``agora run --fresh`` on free ports, stopped with SIGTERM."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from agora_gateway.settings import DEFAULT_ROUTE_LIMITS
from agora_kit.testing.fixtures import free_port
from agora_tools import fleetdb, journeys
from agora_tools.infra.base import REPO_ROOT
from agora_tools.processes import stop

PARTS = ("gateway", "user", "catalog", "order", "payment", "notification")
PASSWORD = "tranquil-otter-parade-42"
START_SECONDS = 180.0
# Schemathesis: examples per operation; with two workers the run stays near a minute.
MAX_EXAMPLES = int(os.environ.get("AGORA_SCHEMATHESIS_EXAMPLES", "12"))


@dataclass
class Fleet:
    process: subprocess.Popen[bytes]
    ports: dict[str, int]
    log: Path
    data_dir: Path
    env: dict[str, str]

    @property
    def gateway(self) -> str:
        return f"http://127.0.0.1:{self.ports['gateway']}"

    def tail(self) -> str:
        return self.log.read_text(errors="replace")[-5000:]


@pytest.fixture(scope="module")
def fleet(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Fleet]:
    root = tmp_path_factory.mktemp("fleet")
    ports = {part: free_port() for part in PARTS}
    env = {
        **os.environ,
        **{f"AGORA_{part.upper()}_PORT": str(port) for part, port in ports.items()},
        "AGORA_POSTGRES_PORT": str(free_port()),
        "AGORA_LOG_LEVEL": "WARNING",
        # Schemathesis sends hundreds of calls as one user within a minute.
        "AGORA_GATEWAY_RATE_LIMIT_USER": "100000/minute",
        "AGORA_GATEWAY_RATE_LIMIT_ANONYMOUS": "100000/minute",
        # The module's journeys sign in more than ten people within a minute from one
        # address; the per-route limits are tested on their own (test_rate_limits.py).
        "AGORA_GATEWAY_RATE_LIMIT_ROUTES": json.dumps(
            dict.fromkeys(DEFAULT_ROUTE_LIMITS, "1000/minute")
        ),
    }
    log = root / "agora-run.log"
    with log.open("ab") as out:
        process = subprocess.Popen(  # noqa: S603
            [
                str(Path(sys.executable).parent / "agora"),
                "run",
                "--fresh",
                "--data-dir",
                str(root / "data"),
            ],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    fleet = Fleet(process, ports, log, root / "data", env)
    try:
        deadline = time.monotonic() + START_SECONDS
        pending = set(PARTS)
        while pending and time.monotonic() < deadline:
            assert process.poll() is None, f"agora run exited:\n{fleet.tail()}"
            for part in list(pending):
                try:
                    r = httpx.get(f"http://127.0.0.1:{ports[part]}/readyz", timeout=2)
                except httpx.HTTPError:
                    continue
                if r.status_code == 200:
                    pending.discard(part)
            time.sleep(0.3)
        assert not pending, f"not ready: {pending}\n{fleet.tail()}"
        yield fleet
    finally:
        stop(process)


def _signed_in(client: httpx.Client) -> dict[str, Any]:
    email = f"ada-{uuid.uuid4().hex[:8]}@example.com"
    registered = client.post(
        "/api/v1/auth/register",
        json={"email": email, "password": PASSWORD, "full_name": "Ada Lovelace"},
    )
    assert registered.status_code == 201, registered.text
    login = client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert login.status_code == 200, login.text
    return {"email": email, "id": registered.json()["id"], **login.json()}


def test_the_journeys_work_through_the_gateway(fleet: Fleet) -> None:
    with httpx.Client(base_url=fleet.gateway, timeout=30) as client:
        account = _signed_in(client)
        auth = {"Authorization": f"Bearer {account['access_token']}"}
        me = client.get("/api/v1/users/me", headers=auth)
        assert me.status_code == 200
        assert me.json()["email"] == account["email"]
        assert me.headers["ratelimit-remaining"]
        assert me.headers["x-request-id"]

        # Creating a key needs a recent sign-in; the gateway passes re-authentication on.
        again = client.post(
            "/api/v1/auth/reauthenticate", json={"password": PASSWORD}, headers=auth
        )
        assert again.status_code == 200, again.text
        auth = {"Authorization": f"Bearer {again.json()['access_token']}"}
        created = client.post(
            "/api/v1/users/me/api-keys",
            json={"name": "shop sync", "scopes": ["catalog:read"]},
            headers=auth,
        )
        assert created.status_code == 201, created.text
        key = {"X-API-Key": created.json()["key"]}
        products = client.get("/api/v1/products", headers=key)
        assert products.status_code == 200, products.text
        assert "items" in products.json()
        # catalog:read cannot place orders: refused at the edge.
        checkout = client.post(
            "/api/v1/checkout",
            headers={**key, "Idempotency-Key": "k1"},
            json={"shipping_address": {}},
        )
        assert checkout.status_code == 403
        assert checkout.headers["content-type"] == "application/problem+json"
        assert client.get("/api/v1/users/me", headers=key).status_code == 403

        refreshed = client.post(
            "/api/v1/auth/refresh", json={"refresh_token": account["refresh_token"]}
        )
        assert refreshed.status_code == 200
        assert client.get("/.well-known/jwks.json").json()["keys"]
        assert client.get("/api/v1/admin/users", headers=auth).status_code == 403
        # The audit log is routed to the user service, and only admins read it.
        audit = client.get("/api/v1/admin/audit", headers=auth)
        assert audit.status_code == 403, audit.text
        assert "admin" in audit.json()["detail"]
        logout = client.post(
            "/api/v1/auth/logout", json={"refresh_token": refreshed.json()["refresh_token"]}
        )
        assert logout.status_code == 204
        internal = client.post("/internal/token-exchange", json={"api_key": created.json()["key"]})
        assert internal.status_code == 404
        # Straight at the user service, past the gateway: without the service
        # credential the exchange is refused (ADR 0055).
        user = f"http://127.0.0.1:{fleet.ports['user']}"
        direct = httpx.post(
            f"{user}/internal/token-exchange", json={"api_key": created.json()["key"]}
        )
        assert direct.status_code == 403, direct.text

        doc = client.get("/openapi.json").json()
        assert "/api/v1/auth/login" in doc["paths"]
        assert "/api/v1/products/{product_id}" in doc["paths"]
        assert not [p for p in doc["paths"] if p.startswith("/internal")]
        assert client.get("/docs").status_code == 200


def test_a_wishlist_journey_through_the_gateway(fleet: Fleet) -> None:
    """A buyer wishes a sold-out product, lists and removes wishes, and hears in the
    feed that it is back in stock (the vendor sets 0 to 5) and then cheaper."""
    admin = fleetdb.create_admin_in_run(fleet.data_dir, fleet.env)
    with httpx.Client(base_url=fleet.gateway, timeout=30) as client:
        journeys.log_in(client, admin)
        vendor = journeys.register(client)
        journeys.log_in(client, vendor)
        journeys.open_store(client, vendor, admin)
        sku = journeys.sell(client, vendor, admin, amount=1500, stock=0)
        store = {"Authorization": f"Bearer {vendor.access_token}"}
        [product] = client.get("/api/v1/vendors/me/products", headers=store).json()["items"]
        buyer = journeys.register(client)
        journeys.log_in(client, buyer)
        auth = {"Authorization": f"Bearer {buyer.access_token}"}

        one = client.post(
            "/api/v1/wishlist", json={"product_id": product["id"], "sku": sku}, headers=auth
        )
        assert one.status_code == 201, one.text
        again = client.post(
            "/api/v1/wishlist", json={"product_id": product["id"], "sku": sku}, headers=auth
        )
        assert (again.status_code, again.json()) == (200, one.json())
        whole = client.post("/api/v1/wishlist", json={"product_id": product["id"]}, headers=auth)
        assert whole.status_code == 201, whole.text
        listed = client.get("/api/v1/wishlist", headers=auth).json()
        assert [i["id"] for i in listed["items"]] == [whole.json()["id"], one.json()["id"]]
        removed = client.delete(f"/api/v1/wishlist/{whole.json()['id']}", headers=auth)
        assert removed.status_code == 204
        listed = client.get("/api/v1/wishlist", headers=auth).json()
        assert [(i["sku"], i["title"]) for i in listed["items"]] == [(sku, "Journey product")]
        unknown = client.post(
            "/api/v1/wishlist", json={"product_id": str(uuid.uuid4())}, headers=auth
        )
        assert unknown.status_code == 422
        assert unknown.headers["content-type"] == "application/problem+json"
        assert unknown.json()["type"] == "https://agora.dev/problems/unknown-product"

        def told(kind: str) -> dict[str, Any] | None:
            feed = client.get("/api/v1/notifications", headers=auth).json()["items"]
            return next((entry for entry in feed if entry["kind"] == kind), None)

        restocked = client.put(f"/api/v1/inventory/{sku}", json={"on_hand": 5}, headers=store)
        assert restocked.status_code == 200, restocked.text
        back = journeys.eventually(lambda: told("wishlist_back_in_stock"), 60, "back in stock")
        assert isinstance(back, dict)
        assert back["data"]["sku"] == sku
        assert "back in stock at $15.00" in back["body"]

        cheaper = client.patch(
            f"/api/v1/products/{product['id']}/variants/{sku}",
            json={"price": {"amount": 1200, "currency": "USD"}},
            headers=store,
        )
        assert cheaper.status_code == 200, cheaper.text
        drop = journeys.eventually(lambda: told("wishlist_price_drop"), 60, "price drop")
        assert isinstance(drop, dict)
        assert "now costs $12.00 (was $15.00)" in drop["body"]


def test_a_conversation_journey_through_the_gateway(fleet: Fleet) -> None:
    """A buyer asks a store about its product; the owner, told in the feed, finds the
    conversation among the store's, answers, and the buyer reads it (ADR 0119)."""
    admin = fleetdb.create_admin_in_run(fleet.data_dir, fleet.env)
    with httpx.Client(base_url=fleet.gateway, timeout=30) as client:
        journeys.log_in(client, admin)
        vendor = journeys.register(client)
        journeys.log_in(client, vendor)
        journeys.open_store(client, vendor, admin)
        journeys.sell(client, vendor, admin)
        store = journeys.bearer(vendor)
        [product] = client.get("/api/v1/vendors/me/products", headers=store).json()["items"]
        buyer = journeys.register(client)
        journeys.log_in(client, buyer)
        auth = journeys.bearer(buyer)
        ask = {"about": "product", "product_id": product["id"], "body": "Is it organic?"}

        def asked() -> httpx.Response | None:
            # The notification service learns the product's store from its event.
            answer = client.post("/api/v1/conversations", json=ask, headers=auth)
            return answer if answer.status_code == 201 else None

        opened = journeys.eventually(asked, 60, "a conversation about the product")
        assert isinstance(opened, httpx.Response)
        conversation = opened.json()["conversation"]

        def told() -> bool:
            feed = client.get("/api/v1/notifications", headers=store).json()["items"]
            return any(entry["kind"] == "message_received" for entry in feed)

        journeys.eventually(told, 30, "the owner told of the message")
        mine = client.get("/api/v1/conversations", params={"side": "store"}, headers=store)
        assert [c["id"] for c in mine.json()["items"]] == [conversation["id"]]
        path = f"/api/v1/conversations/{conversation['id']}"
        reply = client.post(f"{path}/messages", json={"body": "Yes."}, headers=store)
        assert reply.status_code == 201, reply.text
        assert client.get(path, headers=auth).json()["unread_count"] == 1
        read = client.post(f"{path}/read", json={"up_to": reply.json()["id"]}, headers=auth)
        assert read.json() == {"unread_count": 0}
        stranger = client.get(path, headers=journeys.bearer(admin))
        assert stranger.status_code == 404
        assert stranger.json()["type"] == "https://agora.dev/problems/conversation-not-found"


def test_prices_shown_in_another_currency_through_the_gateway(fleet: Fleet) -> None:
    """The shipped rates table, a product and a cart shown in euros beside their dollar
    prices (ADR 0118), and a checkout that charges dollars."""
    admin = fleetdb.create_admin_in_run(fleet.data_dir, fleet.env)
    with httpx.Client(base_url=fleet.gateway, timeout=30) as client:
        journeys.log_in(client, admin)
        buyer, sku = journeys.shop_with_a_product(client, admin)
        table = client.get("/api/v1/currencies").json()
        assert (table["base"], table["date"]) == ("EUR", "2026-10-30")
        usd = next(c for c in table["currencies"] if c["code"] == "USD")
        assert (usd["rate"], usd["exponent"]) == ("1.1172", 2)

        # The newest product for sale is the one just published.
        listing = client.get("/api/v1/products", params={"limit": 1, "currency": "EUR"}).json()
        [newest] = listing["items"]
        assert newest["display_price_from"]["amount"] == 1343
        product_id = newest["id"]
        shown = client.get(f"/api/v1/products/{product_id}", params={"currency": "EUR"})
        assert shown.status_code == 200, shown.text
        [variant] = shown.json()["variants"]
        # 15.00 USD / 1.1172 = 13.426... EUR: 1343 cents on the ECB's rates of the day.
        assert variant["price"] == {"amount": 1500, "currency": "USD"}
        assert variant["display_price"]["amount"] == 1343
        assert variant["display_price"]["rates_date"] == "2026-10-30"
        unknown = client.get(f"/api/v1/products/{product_id}", params={"currency": "XAU"})
        assert unknown.status_code == 422
        assert unknown.json()["type"] == "https://agora.dev/problems/unknown-currency"

        journeys.add_to_cart(client, buyer, sku)
        auth = journeys.bearer(buyer)
        cart = client.get("/api/v1/cart", params={"currency": "EUR"}, headers=auth).json()
        assert cart["total"]["currency"] == "USD"
        assert cart["display_total"]["currency"] == "EUR"
        order_id = journeys.check_out(client, buyer)
        placed = client.get(f"/api/v1/orders/{order_id}", headers=auth).json()
        assert placed["total"] == cart["total"]


def test_the_served_document_is_the_committed_contract(fleet: Fleet) -> None:
    """docs/api/openapi.json (ADR 0088) is what a running gateway serves, byte for byte
    once parsed; regenerate it with `uv run agora-ops generate`."""
    committed = json.loads((REPO_ROOT / "docs" / "api" / "openapi.json").read_text())
    with httpx.Client(base_url=fleet.gateway, timeout=30) as client:
        served = client.get("/openapi.json").json()
        page = client.get("/problems/validation-error")
    assert served["x-agora-unavailable"] == []
    assert served == committed
    assert page.status_code == 200
    assert "https://agora.dev/problems/validation-error" in page.text


def test_schemathesis_finds_no_server_error_and_no_schema_violation(
    fleet: Fleet, tmp_path: Path
) -> None:
    with httpx.Client(base_url=fleet.gateway, timeout=30) as client:
        account = _signed_in(client)
        doc = client.get("/openapi.json").json()
    # Erasing the account would sign the run out for the rest of it.
    excluded = [doc["paths"]["/api/v1/users/me"]["delete"]["operationId"]]
    # Known bugs of the user service's own document, reported to its owner: these
    # answer 202 with an empty body while FastAPI documents an application/json one
    # (the fix there: `response_class=Response` on the route).
    for path in ("/api/v1/auth/password/forgot", "/api/v1/users/me/email-verification"):
        operation = doc["paths"].get(path, {}).get("post", {})
        if "application/json" in operation.get("responses", {}).get("202", {}).get("content", {}):
            excluded.append(operation["operationId"])
    command = [
        str(Path(sys.executable).parent / "schemathesis"),
        "run",
        f"{fleet.gateway}/openapi.json",
        "--header",
        f"Authorization: Bearer {account['access_token']}",
        "--checks",
        "not_a_server_error,response_schema_conformance",
        "--phases",
        "examples,fuzzing",
        "--max-examples",
        str(MAX_EXAMPLES),
        "--workers",
        "2",
        "--seed",
        "20240601",
        "--request-timeout",
        "20",
        *[arg for op in excluded for arg in ("--exclude-operation-id", op)],
        "--generation-codec",
        "utf-8",
        "--no-color",
        "--report-dir",
        str(tmp_path),
    ]
    started = time.monotonic()
    run = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)  # noqa: S603
    elapsed = time.monotonic() - started
    print(run.stdout[-6000:], f"\nschemathesis took {elapsed:.0f} s")
    assert run.returncode == 0, run.stdout[-12000:] + run.stderr[-3000:]
