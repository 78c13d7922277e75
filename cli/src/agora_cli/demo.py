"""``agora seed --demo``: a shop a newcomer can click through, made on a running
``agora run`` through its public API as its people would make it: an admin (made as an
operator makes the first one), two approved vendors selling products, a buyer, coupons
and a few confirmed orders. The passwords are new on each run and printed once."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from rich.console import Console
from rich.table import Table

API = "/api/v1"
DOMAIN = "demo.example.com"
ADDRESS = {
    "name": "Dana Demo",
    "line1": "1 Market Street",
    "city": "Springfield",
    "postal_code": "12345",
    "country": "US",
}
STORES = {
    "vendor1": ("Tidewater Teas", [("Sencha Green Tea", 1250), ("Smoked Lapsang", 1490)]),
    "vendor2": ("Copperleaf Ceramics", [("Stoneware Mug", 2400), ("Teapot, 1 litre", 5800)]),
}
COUPONS = [("WELCOME10", "percent", 10), ("FIVEOFF", "fixed", 500)]


class DemoFailed(RuntimeError):
    pass


@dataclass
class Account:
    role: str
    email: str
    password: str
    token: str = ""

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


def _ok(answer: httpx.Response, status: int, step: str) -> Any:
    if answer.status_code != status:
        raise DemoFailed(f"{step}: {answer.status_code} {answer.text[:300]}")
    return answer.json() if answer.content else None


def _until(check: Callable[[], object], step: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise DemoFailed(f"{step}: not within {timeout:.0f} s")
        time.sleep(0.3)


def _new(role: str) -> Account:
    return Account(role, f"{role}@{DOMAIN}", secrets.token_urlsafe(15))


def _create_admin(admin: Account, data_dir: Path, postgres_port: int) -> None:
    done = subprocess.run(  # noqa: S603 - our own command
        [
            sys.executable,
            *("-c", "from agora_cli.main import app; app()", "user", "create-admin"),
            *("--email", admin.email, "--full-name", "Demo Admin"),
            *("--data-dir", str(data_dir), "--postgres-port", str(postgres_port)),
        ],
        env={**os.environ, "AGORA_ADMIN_PASSWORD": admin.password},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if done.returncode != 0:
        raise DemoFailed(f"create-admin: {done.stderr}{done.stdout}")


def _log_in(client: httpx.Client, account: Account) -> None:
    body = {"email": account.email, "password": account.password}
    account.token = _ok(client.post(f"{API}/auth/login", json=body), 200, "log in")["access_token"]


def _register(client: httpx.Client, account: Account, name: str) -> None:
    body = {"email": account.email, "password": account.password, "full_name": name}
    answer = client.post(f"{API}/auth/register", json=body)
    if answer.status_code == 409:
        raise DemoFailed(f"{account.email} exists already: seed the demo into a fresh run")
    _ok(answer, 201, f"register {account.email}")
    _log_in(client, account)


def _open_store(client: httpx.Client, owner: Account, admin: Account, name: str) -> None:
    body = {"name": name, "description": f"{name}, a demo store"}
    vendor = _ok(client.post(f"{API}/vendors", json=body, headers=owner.auth), 201, "apply")
    patch = {"status": "approved"}
    url = f"{API}/admin/vendors/{vendor['id']}"
    _ok(client.patch(url, json=patch, headers=admin.auth), 200, "approve")

    def is_vendor() -> bool:
        me = client.get(f"{API}/users/me", headers=owner.auth).json()
        return "vendor" in (me.get("roles") or [])

    _until(is_vendor, "the vendor role")
    _log_in(client, owner)


def _sell(client: httpx.Client, owner: Account, category: str, title: str, price: int) -> str:
    product = _ok(
        client.post(
            f"{API}/products",
            json={"title": title, "description": f"{title}.", "category_id": category},
            headers=owner.auth,
        ),
        201,
        f"product {title}",
    )
    sku = f"DEMO-{secrets.token_hex(3).upper()}"
    variant = {"sku": sku, "price": {"amount": price, "currency": "USD"}, "stock": 25}
    url = f"{API}/products/{product['id']}"
    _ok(client.post(f"{url}/variants", json=variant, headers=owner.auth), 201, "variant")
    _ok(client.post(f"{url}/publish", headers=owner.auth), 200, "publish")
    return sku


def _order(client: httpx.Client, buyer: Account, skus: list[str], coupon: str | None) -> str:
    for sku in skus:

        def added(sku: str = sku) -> bool:
            item = {"sku": sku, "quantity": 1}
            return client.post(f"{API}/cart/items", json=item, headers=buyer.auth).is_success

        _until(added, f"the cart accepting {sku}")
    body: dict[str, Any] = {"shipping_address": ADDRESS, "payment_method": "pm_card_visa"}
    if coupon:
        body["coupon_code"] = coupon
    headers = {**buyer.auth, "Idempotency-Key": secrets.token_hex(12)}
    order = _ok(client.post(f"{API}/checkout", json=body, headers=headers), 202, "checkout")

    def confirmed() -> bool:
        current: dict[str, Any] = client.get(
            f"{API}/orders/{order['id']}", headers=buyer.auth
        ).json()
        return current.get("status") == "confirmed"

    _until(confirmed, f"order {order['number']} confirmed")
    return str(order["number"])


def seed_demo(gateway: str, data_dir: Path, postgres_port: int, console: Console) -> None:
    admin, buyer = _new("admin"), _new("buyer")
    vendors = {role: _new(role) for role in STORES}
    with httpx.Client(base_url=gateway, timeout=30) as client:
        _ok(client.get("/readyz"), 200, f"the gateway at {gateway}")
        console.print("Creating the admin")
        _create_admin(admin, data_dir, postgres_port)
        _log_in(client, admin)
        category = _ok(
            client.post(f"{API}/categories", json={"name": "Tea time"}, headers=admin.auth),
            201,
            "category",
        )["id"]
        skus: list[str] = []
        for role, (store, products) in STORES.items():
            console.print(f"Opening {store}")
            _register(client, vendors[role], f"{store} owner")
            _open_store(client, vendors[role], admin, store)
            skus += [_sell(client, vendors[role], category, t, p) for t, p in products]
        for code, kind, value in COUPONS:
            coupon: dict[str, Any] = {"code": code, "kind": kind, "value": value}
            if kind == "fixed":
                coupon["currency"] = "USD"
            _ok(client.post(f"{API}/admin/coupons", json=coupon, headers=admin.auth), 201, code)
        _register(client, buyer, "Dana Demo")
        console.print("Placing orders")
        orders = [
            _order(client, buyer, [skus[0], skus[2]], None),
            _order(client, buyer, [skus[1]], "WELCOME10"),
            _order(client, buyer, [skus[3]], "FIVEOFF"),
        ]
    table = Table(title="Demo accounts (the passwords are shown only now)")
    for column in ("role", "e-mail", "password"):
        table.add_column(column)
    for account in (admin, *vendors.values(), buyer):
        table.add_row(account.role, account.email, account.password)
    console.print(table)
    console.print(f"Coupons: {', '.join(c for c, _, _ in COUPONS)}; orders: {', '.join(orders)}")
    console.print(f"Sign in through {gateway}/docs")
