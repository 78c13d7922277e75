"""Products. A product starts as a draft, is published (it needs a variant, see
``variants``), may be unpublished and published again, and is deleted softly (its SKUs
stay taken). Only the owner of the product's approved store, or an admin, changes
it. Changes to a published product are announced with a full snapshot."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from agora_catalog.domain.products import cover_url
from agora_catalog.models import (
    PRODUCT_DRAFT,
    PRODUCT_PUBLISHED,
    PRODUCT_UNPUBLISHED,
    VENDOR_APPROVED,
    Product,
    Vendor,
)
from agora_catalog.repository import products as repo
from agora_catalog.repository import search_documents as index_queries
from agora_catalog.repository.product_views import variants_of
from agora_catalog.service.access import Actor
from agora_catalog.service.categories import require_category
from agora_catalog.service.errors import (
    NotYourProduct,
    ProductHasNoVariants,
    VendorNotApproved,
)
from agora_catalog.service.vendors import get_vendor, selling_vendor
from agora_contracts.catalog import (
    ProductAnnounced,
    ProductDeleted,
    ProductPublished,
    ProductUnpublished,
    ProductUpdated,
    VariantSnapshot,
)
from agora_contracts.common import Money
from agora_kit import audit
from agora_kit.db import Database
from agora_kit.errors import NotFound
from agora_kit.events.outbox import Outbox


async def for_write(
    session: AsyncSession, actor: Actor, product_id: uuid.UUID
) -> tuple[Product, Vendor]:
    """The product, locked for this transaction (its events keep their order), if
    ``actor`` may change it."""
    product = await repo.product_for_update(session, product_id)
    if product is None:
        raise NotFound("No such product.")
    vendor = await get_vendor(session, product.vendor_id)
    if actor.is_admin:
        return product, vendor
    if vendor.owner_id != actor.user_id:
        raise NotYourProduct("This product belongs to another store.")
    if vendor.status != VENDOR_APPROVED:
        raise VendorNotApproved(f"Your store is {vendor.status}.")
    return product, vendor


async def snapshot(session: AsyncSession, product: Product) -> list[VariantSnapshot]:
    return [
        VariantSnapshot(
            sku=v.variant.sku,
            price=Money(amount=v.variant.price_amount, currency=v.variant.currency),
            attributes=v.variant.attributes,
            available=v.available,
        )
        for v in await variants_of(session, product.id)
    ]


async def announce_change(session: AsyncSession, outbox: Outbox, product: Product) -> None:
    """Tell the fleet a product for sale changed (nothing to say about drafts)."""
    if product.status != PRODUCT_PUBLISHED:
        return
    await _announce(session, outbox, product, ProductUpdated)


async def _announce(
    session: AsyncSession,
    outbox: Outbox,
    product: Product,
    cls: type[ProductPublished] | type[ProductUpdated] | type[ProductAnnounced],
) -> None:
    await outbox.add(
        session,
        cls(
            product_id=product.id,
            vendor_id=product.vendor_id,
            category_id=product.category_id,
            title=product.title,
            image_url=cover_url(product.cover_image_url, product.images),
            variants=await snapshot(session, product),
            published_at=product.published_at,
        ),
        key=str(product.id),
    )


async def announce_for_sale(database: Database, outbox: Outbox, batch: int = 100) -> int:
    """Write a ``ProductAnnounced`` for every product for sale, walking them by id in
    transactions of ``batch``; how many. The relay of the running catalog sends them."""
    after: uuid.UUID | None = None
    announced = 0
    while True:
        async with database.transaction() as session:
            ids = await index_queries.searchable_ids_after(session, after, batch)
            if not ids:
                return announced
            # Still for sale once locked: one withdrawn since is not announced after
            # its withdrawal.
            for product in await repo.for_sale_for_update(session, ids):
                await _announce(session, outbox, product, ProductAnnounced)
                announced += 1
        after = ids[-1]


@dataclass(frozen=True)
class NewProduct:
    title: str
    description: str
    category_id: uuid.UUID
    attributes: dict[str, str]
    images: list[dict[str, Any]]


# The fields of a product the audit log keeps before and after a change.
AUDITED = ("title", "description", "category_id", "attributes", "images", "status")


async def create(
    session: AsyncSession,
    outbox: Outbox,
    actor: Actor,
    data: NewProduct,
    *,
    vendor_id: uuid.UUID | None = None,
) -> Product:
    """A draft in the caller's store; an admin may name the store (``vendor_id``)."""
    if vendor_id is not None and actor.is_admin:
        vendor = await get_vendor(session, vendor_id)
    elif vendor_id is not None:
        vendor = await selling_vendor(session, actor)
        if vendor.id != vendor_id:
            raise NotYourProduct("You can only add products to your own store.")
    else:
        vendor = await selling_vendor(session, actor)
    await require_category(session, data.category_id)
    now = datetime.now(UTC)
    product = Product(
        id=uuid.uuid4(),
        vendor_id=vendor.id,
        category_id=data.category_id,
        title=data.title,
        description=data.description,
        attributes=data.attributes,
        images=data.images,
        status=PRODUCT_DRAFT,
        rating_count=0,
        rating_sum=0,
        created_at=now,
        updated_at=now,
    )
    session.add(product)
    await session.flush()
    await audit.record(
        session,
        outbox,
        action="product.create",
        resource_type="product",
        resource_id=product.id,
        after=audit.snapshot(product, AUDITED),
    )
    return product


async def update(
    session: AsyncSession,
    outbox: Outbox,
    actor: Actor,
    product_id: uuid.UUID,
    changes: dict[str, Any],
) -> Product:
    """Apply ``changes`` (title, description, category_id, attributes, images)."""
    product, _ = await for_write(session, actor, product_id)
    if "category_id" in changes:
        await require_category(session, changes["category_id"])
    before = audit.snapshot(product, AUDITED)
    for name, value in changes.items():
        setattr(product, name, value)
    product.updated_at = datetime.now(UTC)
    await session.flush()
    await announce_change(session, outbox, product)
    await audit.record(
        session,
        outbox,
        action="product.update",
        resource_type="product",
        resource_id=product.id,
        before=before,
        after=audit.snapshot(product, AUDITED),
    )
    return product


async def publish(
    session: AsyncSession, outbox: Outbox, actor: Actor, product_id: uuid.UUID
) -> Product:
    product, _ = await for_write(session, actor, product_id)
    if product.status == PRODUCT_PUBLISHED:
        return product
    if not await repo.has_live_variant(session, product.id):
        raise ProductHasNoVariants("A product needs at least one variant to be sold.")
    now = datetime.now(UTC)
    product.status = PRODUCT_PUBLISHED
    product.published_at = now
    product.updated_at = now
    await session.flush()
    await _announce(session, outbox, product, ProductPublished)
    return product


async def unpublish(
    session: AsyncSession, outbox: Outbox, actor: Actor, product_id: uuid.UUID
) -> Product:
    product, _ = await for_write(session, actor, product_id)
    if product.status != PRODUCT_PUBLISHED:
        return product
    product.status = PRODUCT_UNPUBLISHED
    product.updated_at = datetime.now(UTC)
    await session.flush()
    await outbox.add(
        session,
        ProductUnpublished(
            product_id=product.id,
            vendor_id=product.vendor_id,
            skus=await repo.skus_of(session, product.id),
        ),
        key=str(product.id),
    )
    return product


async def delete(
    session: AsyncSession, outbox: Outbox, actor: Actor, product_id: uuid.UUID
) -> None:
    product, _ = await for_write(session, actor, product_id)
    now = datetime.now(UTC)
    product.deleted_at = now
    product.updated_at = now
    await session.flush()
    await audit.record(
        session,
        outbox,
        action="product.delete",
        resource_type="product",
        resource_id=product.id,
        before=audit.snapshot(product, AUDITED),
    )
    await outbox.add(
        session,
        ProductDeleted(
            product_id=product.id,
            vendor_id=product.vendor_id,
            skus=await repo.skus_of(session, product.id),
        ),
        key=str(product.id),
    )
