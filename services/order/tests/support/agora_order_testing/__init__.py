"""Helpers for the order service's tests (and the end-to-end ones): catalog events that
stock the read model, and an address to ship to. Test support, outside the service's
package: never shipped. Event delivery and the outbox come from
:mod:`agora_kit.testing.events`, signed tokens from :mod:`agora_kit.testing.tokens`."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from agora_contracts.catalog import ProductPublished, VariantSnapshot
from agora_contracts.common import Money

ADDRESS: dict[str, Any] = {
    "name": "Ada Lovelace",
    "line1": "12 St James's Square",
    "city": "London",
    "postal_code": "SW1Y 4JH",
    "country": "GB",
}


def product(
    skus: Sequence[tuple[str, int, int]],
    *,
    vendor_id: uuid.UUID | None = None,
    product_id: uuid.UUID | None = None,
    title: str = "A product",
    currency: str = "USD",
) -> ProductPublished:
    """A published product whose variants are (sku, price in minor units, available)."""
    return ProductPublished(
        product_id=product_id or uuid.uuid4(),
        vendor_id=vendor_id or uuid.uuid4(),
        category_id=uuid.uuid4(),
        title=title,
        variants=[
            VariantSnapshot(sku=sku, price=Money(amount=price, currency=currency), available=n)
            for sku, price, n in skus
        ],
    )
