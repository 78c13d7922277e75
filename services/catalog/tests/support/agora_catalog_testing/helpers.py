"""Helpers for the catalog's tests (and the end-to-end ones): a client that knows the
catalog's API (its users' tokens signed by :mod:`agora_kit.testing.tokens`), and waiting
for the search index. Event delivery and the outbox come from
:mod:`agora_kit.testing.events`."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx

from agora_kit.auth import ROLE_ADMIN, ROLE_CUSTOMER
from agora_kit.testing.tokens import Keys


@dataclass
class User:
    id: uuid.UUID
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@dataclass
class Store:
    owner: User
    vendor: dict[str, Any]

    @property
    def id(self) -> str:
        return str(self.vendor["id"])


@dataclass
class Shop:
    """Builds catalog data through the public API, as users would."""

    client: httpx.AsyncClient
    keys: Keys
    _admin: User | None = field(default=None, init=False)
    _sku: int = field(default=0, init=False)

    def user(self, roles: Sequence[str] = (ROLE_CUSTOMER,), scope: str | None = None) -> User:
        user_id = uuid.uuid4()
        return User(user_id, self.keys.token(user_id, roles, scope=scope))

    @property
    def admin(self) -> User:
        if self._admin is None:
            self._admin = self.user((ROLE_ADMIN,))
        return self._admin

    def next_sku(self, prefix: str = "SKU") -> str:
        self._sku += 1
        return f"{prefix}-{self._sku:05d}"

    async def ok(self, response: Awaitable[httpx.Response], status: int = 200) -> Any:
        answer = await response
        assert answer.status_code == status, f"{answer.status_code}: {answer.text}"
        return answer.json() if answer.content else None

    async def store(self, name: str | None = None, *, approved: bool = True) -> Store:
        owner = self.user()
        vendor = await self.ok(
            self.client.post(
                "/api/v1/vendors",
                json={"name": name or f"Store {uuid.uuid4().hex[:8]}", "description": "A shop"},
                headers=owner.headers,
            ),
            201,
        )
        if approved:
            vendor = await self.ok(
                self.client.patch(
                    f"/api/v1/admin/vendors/{vendor['id']}",
                    json={"status": "approved"},
                    headers=self.admin.headers,
                )
            )
        return Store(owner, vendor)

    async def category(self, name: str, parent: dict[str, Any] | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {"name": name}
        if parent is not None:
            body["parent_id"] = parent["id"]
        result: dict[str, Any] = await self.ok(
            self.client.post("/api/v1/categories", json=body, headers=self.admin.headers), 201
        )
        return result

    async def product(
        self,
        store: Store,
        category: dict[str, Any],
        title: str = "A product",
        *,
        description: str = "",
        attributes: dict[str, str] | None = None,
        variants: Sequence[dict[str, Any]] = ({},),
        publish: bool = True,
        images: Sequence[str] = (),
    ) -> dict[str, Any]:
        """A product with ``variants`` (each may set sku, amount, currency, attributes,
        stock), published unless told otherwise."""
        product = await self.ok(
            self.client.post(
                "/api/v1/products",
                json={
                    "title": title,
                    "description": description,
                    "category_id": category["id"],
                    "attributes": attributes or {},
                    "images": [{"url": url} for url in images],
                },
                headers=store.owner.headers,
            ),
            201,
        )
        for variant in variants:
            await self.ok(
                self.client.post(
                    f"/api/v1/products/{product['id']}/variants",
                    json={
                        "sku": variant.get("sku") or self.next_sku(),
                        "price": {
                            "amount": variant.get("amount", 1000),
                            "currency": variant.get("currency", "USD"),
                        },
                        "attributes": variant.get("attributes", {}),
                        "stock": variant.get("stock", 10),
                    },
                    headers=store.owner.headers,
                ),
                201,
            )
        if publish:
            product = await self.ok(
                self.client.post(
                    f"/api/v1/products/{product['id']}/publish", headers=store.owner.headers
                )
            )
        else:
            product = await self.ok(
                self.client.get(f"/api/v1/products/{product['id']}", headers=store.owner.headers)
            )
        result: dict[str, Any] = product
        return result
