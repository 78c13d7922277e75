"""Which products are for sale to everyone, as the conditions of a query that joins
``Product`` and ``Vendor``: ``domain.products.is_public`` in SQL."""

from __future__ import annotations

from agora_catalog.models import PRODUCT_PUBLISHED, VENDOR_APPROVED, Product, Vendor

# Published, not deleted, its store approved; for ``.where(*PUBLIC)``.
PUBLIC = (
    Product.status == PRODUCT_PUBLISHED,
    Product.deleted_at.is_(None),
    Vendor.status == VENDOR_APPROVED,
)
