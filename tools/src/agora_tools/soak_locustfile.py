"""The soak's shoppers, for Locust (``agora_tools.soak`` runs ``locust -f`` on this file).

Each simulated user is one signed-in buyer of the soak's shop (``AGORA_SOAK_SHOP``, a
JSON file of access tokens and SKUs) and runs the journeys' mix at a steady rate
(``AGORA_SOAK_RATE`` tasks per second per user): browse the products, search, fill and
empty the cart, check out with a payment method (the sandbox provider confirms it, no
other call), read its orders. Every answer but the expected status is a failure.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import secrets
from pathlib import Path

from locust import HttpUser, constant_throughput, task

API = "/api/v1"
_SHOP = json.loads(Path(os.environ["AGORA_SOAK_SHOP"]).read_text())
_TOKENS: list[str] = list(_SHOP["tokens"])
_SKUS: list[str] = list(_SHOP["skus"])
_ADDRESS = _SHOP["address"]
_PAYMENT_METHOD = _SHOP["payment_method"]
FINAL = ("confirmed", "cancelled", "refunded", "shipped", "delivered")
_NEXT = itertools.count()  # each user the next buyer


class Shopper(HttpUser):
    wait_time = constant_throughput(float(os.environ.get("AGORA_SOAK_RATE", "1")))

    def on_start(self) -> None:
        token = _TOKENS[next(_NEXT) % len(_TOKENS)]
        self.auth = {"Authorization": f"Bearer {token}"}
        self.orders: list[str] = []
        self.open_order: str | None = None
        self.rng = random.Random()  # noqa: S311 - not cryptography

    def _expect(  # noqa: PLR0917 - a request's parts
        self,
        method: str,
        path: str,
        status: int,
        name: str,
        json: object = None,
        params: dict[str, str | int] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        with self.client.request(
            method,
            f"{API}{path}",
            name=name,
            headers={**self.auth, **(headers or {})},
            json=json,
            params=params,
            catch_response=True,
        ) as answer:
            if answer.status_code != status:
                answer.failure(f"{answer.status_code}: {answer.text[:200]}")
                return
            answer.success()
            if name == "POST /checkout":
                self.orders.append(str(answer.json()["id"]))
                self.open_order = self.orders[-1]

    @task(3)
    def browse(self) -> None:
        self._expect("GET", "/products", 200, "GET /products", params={"limit": 20})

    @task(2)
    def search(self) -> None:
        self._expect("GET", "/search", 200, "GET /search", params={"q": "journey"})

    @task(2)
    def cart(self) -> None:
        sku = self.rng.choice(_SKUS)
        self._expect(
            "POST", "/cart/items", 200, "POST /cart/items", json={"sku": sku, "quantity": 1}
        )
        self._expect("GET", "/cart", 200, "GET /cart")
        self._expect("DELETE", f"/cart/items/{sku}", 200, "DELETE /cart/items/{sku}")

    @task(1)
    def checkout(self) -> None:
        """As a shopper does: no new order while the last one is still open (the
        order service refuses a 4th unpaid order of one buyer, 409)."""
        if self.open_order is not None:
            with self.client.get(
                f"{API}/orders/{self.open_order}",
                name="GET /orders/{order_id}",
                headers=self.auth,
                catch_response=True,
            ) as answer:
                if answer.status_code != 200:
                    answer.failure(f"{answer.status_code}: {answer.text[:200]}")
                    return
                answer.success()
                if answer.json().get("status") not in FINAL:
                    return
            self.open_order = None
        sku = self.rng.choice(_SKUS)
        self._expect(
            "POST", "/cart/items", 200, "POST /cart/items", json={"sku": sku, "quantity": 1}
        )
        self._expect(
            "POST",
            "/checkout",
            202,
            "POST /checkout",
            json={"shipping_address": _ADDRESS, "payment_method": _PAYMENT_METHOD},
            headers={"Idempotency-Key": secrets.token_hex(12)},
        )

    @task(2)
    def orders_read(self) -> None:
        self._expect("GET", "/orders", 200, "GET /orders")
        if self.orders:
            order = self.rng.choice(self.orders[-20:])
            self._expect("GET", f"/orders/{order}", 200, "GET /orders/{order_id}")
