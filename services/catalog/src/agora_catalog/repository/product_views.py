"""The reads of products as readers see them: one product with its store, its variants
with their stock, and the pages of products a listing shows with their lowest prices.

The statements of the hottest read (a product and its variants) are Core statements
built and compiled once, at import (ADR 0084), whose rows become plain records, not ORM
entities (ADR 0089); on the read session of public reads asyncpg runs them itself, in
a transaction SQLAlchemy does (``agora_kit.prepared``, ADR 0121)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import fields
from typing import Any

from sqlalchemy import JSON, ColumnElement, FromClause, Select, bindparam, func, literal, select
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.ext.asyncio import AsyncSession

from agora_catalog.domain.images import ImageRecord
from agora_catalog.domain.products import (
    ProductRecord,
    StockRecord,
    StoreRecord,
    VariantRecord,
    VariantView,
)
from agora_catalog.models import IMAGE_READY, Inventory, Product, ProductImage, Variant, Vendor
from agora_catalog.repository.public import PUBLIC
from agora_kit.pagination import Page, PageParams, entity_page
from agora_kit.prepared import PreparedRead


def _columns(table: FromClause, record: type[Any]) -> list[ColumnElement[Any]]:
    """The table's columns named by the record's fields, in their order."""
    return [table.c[field.name] for field in fields(record)]


_products, _vendors = Product.__table__, Vendor.__table__
_variants, _inventory = Variant.__table__, Inventory.__table__
_images = ProductImage.__table__
# The product's ready images, in upload order, as one JSON array in the product's row:
# the read stays two round trips with uploads (ADR 0103).
_READY_IMAGES = (
    select(
        func.coalesce(
            func.json_agg(
                aggregate_order_by(
                    func.json_build_object(
                        *(
                            part
                            for f in fields(ImageRecord)
                            for part in (literal(f.name), _images.c[f.name])
                        )
                    ),
                    _images.c.created_at,
                    _images.c.id,
                )
            ),
            func.json_build_array(),
            type_=JSON,
        )
    )
    .where(_images.c.product_id == _products.c.id, _images.c.state == IMAGE_READY)
    .scalar_subquery()
)
# Core statements, not ORM entities: this is the hottest read, and rows become plain
# records without an identity map or instance state (ADR 0089).
_PRODUCT = PreparedRead(
    select(
        *_columns(_products, ProductRecord),
        *_columns(_vendors, StoreRecord),
        _READY_IMAGES.label("ready_images"),
    )
    .join(_vendors, _vendors.c.id == _products.c.vendor_id)
    .where(_products.c.id == bindparam("product_id"), _products.c.deleted_at.is_(None))
)
_PRODUCT_WIDTH = len(fields(ProductRecord))
_STORE_END = _PRODUCT_WIDTH + len(fields(StoreRecord))
_VARIANTS = PreparedRead(
    select(*_columns(_variants, VariantRecord), *_columns(_inventory, StockRecord))
    .outerjoin(_inventory, _inventory.c.sku == _variants.c.sku)
    .where(_variants.c.product_id == bindparam("product_id"), _variants.c.deleted_at.is_(None))
    .order_by(_variants.c.created_at, _variants.c.sku)
)
_VARIANT_WIDTH = len(fields(VariantRecord))


async def variants_of(session: AsyncSession, product_id: uuid.UUID) -> list[VariantView]:
    """The product's live variants, oldest first, each with its stock."""
    rows = await _VARIANTS.rows(session, {"product_id": product_id})
    return [
        VariantView(
            VariantRecord(*row[:_VARIANT_WIDTH]),
            None if row[_VARIANT_WIDTH] is None else StockRecord(*row[_VARIANT_WIDTH:]),
        )
        for row in rows
    ]


async def product_with_vendor(
    session: AsyncSession, product_id: uuid.UUID
) -> tuple[ProductRecord, StoreRecord, list[ImageRecord]] | None:
    """The product (not deleted), its store, whatever their statuses, and its ready
    uploaded images in upload order."""
    found = await _PRODUCT.rows(session, {"product_id": product_id})
    if not found:
        return None
    row = found[0]
    return (
        ProductRecord(*row[:_PRODUCT_WIDTH]),
        StoreRecord(*row[_PRODUCT_WIDTH:_STORE_END]),
        [ImageRecord.of_json(item) for item in row[_STORE_END]],
    )


def _published(
    category_ids: Sequence[uuid.UUID] | None, vendor_id: uuid.UUID | None
) -> Select[Any]:
    """Products for sale: published, not deleted, their store approved."""
    stmt = select(Product).join(Vendor, Vendor.id == Product.vendor_id).where(*PUBLIC)
    if category_ids is not None:
        stmt = stmt.where(Product.category_id.in_(category_ids))
    if vendor_id is not None:
        stmt = stmt.where(Product.vendor_id == vendor_id)
    return stmt


async def published_page(
    session: AsyncSession,
    params: PageParams,
    *,
    category_ids: Sequence[uuid.UUID] | None,
    vendor_id: uuid.UUID | None,
) -> Page[Product]:
    """A page of products for sale, newest first, in these categories or this store."""
    return await entity_page(
        session,
        _published(category_ids, vendor_id),
        key=[Product.published_at, Product.id],
        params=params,
        direction="desc",
    )


async def store_page(
    session: AsyncSession, params: PageParams, *, vendor_id: uuid.UUID, status: str | None
) -> Page[Product]:
    """A page of one store's products (drafts too, not the deleted), newest first."""
    stmt = select(Product).where(Product.vendor_id == vendor_id, Product.deleted_at.is_(None))
    if status is not None:
        stmt = stmt.where(Product.status == status)
    return await entity_page(
        session,
        stmt,
        key=[Product.created_at, Product.id],
        params=params,
        direction="desc",
    )


async def lowest_prices(
    session: AsyncSession, product_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, tuple[int, str]]:
    """The lowest variant price (and its currency) of each product."""
    if not product_ids:
        return {}
    rows = (
        await session.execute(
            select(Variant.product_id, func.min(Variant.price_amount), func.min(Variant.currency))
            .where(Variant.product_id.in_(product_ids), Variant.deleted_at.is_(None))
            .group_by(Variant.product_id)
        )
    ).all()
    return {pid: (int(amount), currency) for pid, amount, currency in rows}
