"""The queries on product images: a product's in upload order, one for a change, its
cover, the thumbnail worker's next image to make thumbnails of, and the media sweep's
(ADR 0109)."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from agora_catalog.models import IMAGE_PROCESSING, IMAGE_READY, Product, ProductImage

# Upload order, the id breaking ties: the order every listing shows.
ORDER = (ProductImage.created_at, ProductImage.id)


async def of_product(session: AsyncSession, product_id: uuid.UUID) -> list[ProductImage]:
    """Every image of the product, in every state (the store's view; readers get the
    ready ones with the product's own row: ``product_views.product_with_vendor``)."""
    query = select(ProductImage).where(ProductImage.product_id == product_id)
    return list(await session.scalars(query.order_by(*ORDER)))


async def one(
    session: AsyncSession, product_id: uuid.UUID, image_id: uuid.UUID
) -> ProductImage | None:
    image: ProductImage | None = await session.scalar(
        select(ProductImage).where(
            ProductImage.id == image_id, ProductImage.product_id == product_id
        )
    )
    return image


async def first_ready(session: AsyncSession, product_id: uuid.UUID) -> ProductImage | None:
    """The product's first ready image in upload order: its cover (ADR 0109)."""
    image: ProductImage | None = await session.scalar(
        select(ProductImage)
        .where(ProductImage.product_id == product_id, ProductImage.state == IMAGE_READY)
        .order_by(*ORDER)
        .limit(1)
    )
    return image


async def forget_of_deleted_products(
    session: AsyncSession, deleted_before: datetime, limit: int
) -> list[ProductImage]:
    """Delete up to ``limit`` images of products deleted before ``deleted_before``; the
    rows deleted. Rows another transaction holds are passed over."""
    doomed = (
        select(ProductImage.id)
        .join(Product, Product.id == ProductImage.product_id)
        .where(Product.deleted_at < deleted_before)
        .limit(limit)
        .with_for_update(of=ProductImage, skip_locked=True)
    )
    return list(
        await session.scalars(
            delete(ProductImage).where(ProductImage.id.in_(doomed)).returning(ProductImage)
        )
    )


async def existing_ids(session: AsyncSession, ids: Collection[uuid.UUID]) -> set[uuid.UUID]:
    """Those of the image ids that have a row."""
    return set(await session.scalars(select(ProductImage.id).where(ProductImage.id.in_(list(ids)))))


async def without_cover(session: AsyncSession, limit: int) -> list[uuid.UUID]:
    """Up to ``limit`` live products with a ready image but no cover: those whose images
    were ready before covers were kept (ADR 0109)."""
    return list(
        await session.scalars(
            select(Product.id)
            .where(
                Product.cover_image_url.is_(None),
                Product.deleted_at.is_(None),
                Product.id.in_(
                    select(ProductImage.product_id).where(ProductImage.state == IMAGE_READY)
                ),
            )
            # Locked in id order by the caller, as every batch of products is.
            .order_by(Product.id)
            .limit(limit)
        )
    )


async def next_to_process(session: AsyncSession) -> ProductImage | None:
    """The oldest image still waiting for thumbnails, locked for this transaction;
    images another worker holds are passed over."""
    image: ProductImage | None = await session.scalar(
        select(ProductImage)
        .where(ProductImage.state == IMAGE_PROCESSING)
        .order_by(*ORDER)
        .limit(1)
        .with_for_update(skip_locked=True)
    )
    return image
