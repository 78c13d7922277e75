"""Products as readers see them: a variant with its stock, a product with its store and
variants, the average of its ratings, and whether it is for sale."""

from __future__ import annotations

from dataclasses import dataclass

from agora_catalog.models import (
    PRODUCT_PUBLISHED,
    VENDOR_APPROVED,
    Inventory,
    Product,
    Variant,
    Vendor,
)


@dataclass
class VariantView:
    variant: Variant
    inventory: Inventory | None

    @property
    def available(self) -> int:
        return self.inventory.available if self.inventory is not None else 0


@dataclass
class ProductView:
    product: Product
    vendor: Vendor
    variants: list[VariantView]


def rating_average(rating_sum: int, rating_count: int) -> float | None:
    return round(rating_sum / rating_count, 2) if rating_count else None


def is_public(product: Product, vendor: Vendor) -> bool:
    """For sale to everyone: published, not deleted, its store approved."""
    return (
        product.status == PRODUCT_PUBLISHED
        and product.deleted_at is None
        and vendor.status == VENDOR_APPROVED
    )
