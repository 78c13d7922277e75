"""The queries on reviews, and the product a review is about."""

from __future__ import annotations

import uuid

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from agora_catalog.models import Product, Review, Vendor
from agora_kit.pagination import Page, PageParams, entity_page


async def reviewed_product(
    session: AsyncSession, product_id: uuid.UUID, *, lock: bool = False
) -> tuple[Product, Vendor] | None:
    """The product (deleted ones too) and its store; the product's row locked when
    ``lock``, so its rating changes one review at a time."""
    stmt = (
        select(Product, Vendor)
        .join(Vendor, Vendor.id == Product.vendor_id)
        .where(Product.id == product_id)
    )
    if lock:
        stmt = stmt.with_for_update(of=Product)
    row = (await session.execute(stmt)).first()
    if row is None:
        return None
    product, vendor = row
    return product, vendor


async def has_reviewed(session: AsyncSession, author_id: uuid.UUID, product_id: uuid.UUID) -> bool:
    return bool(
        await session.scalar(
            select(exists().where(Review.product_id == product_id, Review.author_id == author_id))
        )
    )


async def reviews_page(
    session: AsyncSession, product_id: uuid.UUID, params: PageParams
) -> Page[Review]:
    """A page of the product's reviews, newest first."""
    return await entity_page(
        session,
        select(Review).where(Review.product_id == product_id),
        key=[Review.created_at, Review.id],
        params=params,
        direction="desc",
    )
