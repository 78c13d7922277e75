"""Products and their variants. A product starts as a draft, is published (it needs a
variant), may be unpublished and published again, and is deleted softly (its SKUs
stay taken). Only the owner of the product's approved store, or an admin, changes
it. Changes to a published product are announced with a full snapshot."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from agora_catalog.models import (
    PRODUCT_DRAFT,
    PRODUCT_PUBLISHED,
    PRODUCT_UNPUBLISHED,
    VENDOR_APPROVED,
    Inventory,
    Product,
    Variant,
    Vendor,
)
from agora_catalog.service.access import Actor
from agora_catalog.service.categories import require_category
from agora_catalog.service.errors import (
    LastVariant,
    NotYourProduct,
    ProductHasNoVariants,
    SkuTaken,
    VendorNotApproved,
    invalid,
)
from agora_catalog.service.product_views import VariantView, variants_of
from agora_catalog.service.vendors import get_vendor, selling_vendor
from agora_contracts.catalog import (
    ProductDeleted,
    ProductPublished,
    ProductUnpublished,
    ProductUpdated,
    VariantSnapshot,
)
from agora_contracts.common import Money
from agora_kit.errors import NotFound
from agora_kit.events.outbox import Outbox


async def for_write(
    session: AsyncSession, actor: Actor, product_id: uuid.UUID
) -> tuple[Product, Vendor]:
    """The product, locked for this transaction (its events keep their order), if
    ``actor`` may change it."""
    product = await session.scalar(
        select(Product)
        .where(Product.id == product_id, Product.deleted_at.is_(None))
        .with_for_update()
    )
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
    cls: type[ProductPublished] | type[ProductUpdated],
) -> None:
    await outbox.add(
        session,
        cls(
            product_id=product.id,
            vendor_id=product.vendor_id,
            category_id=product.category_id,
            title=product.title,
            image_url=product.images[0]["url"] if product.images else None,
            variants=await snapshot(session, product),
            published_at=product.published_at,
        ),
        key=str(product.id),
    )


async def _skus(session: AsyncSession, product_id: uuid.UUID) -> list[str]:
    return list(
        await session.scalars(
            select(Variant.sku).where(Variant.product_id == product_id).order_by(Variant.sku)
        )
    )


@dataclass(frozen=True)
class NewProduct:
    title: str
    description: str
    category_id: uuid.UUID
    attributes: dict[str, str]
    images: list[dict[str, Any]]


async def create(
    session: AsyncSession, actor: Actor, data: NewProduct, *, vendor_id: uuid.UUID | None = None
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
    for name, value in changes.items():
        setattr(product, name, value)
    product.updated_at = datetime.now(UTC)
    await session.flush()
    await announce_change(session, outbox, product)
    return product


async def publish(
    session: AsyncSession, outbox: Outbox, actor: Actor, product_id: uuid.UUID
) -> Product:
    product, _ = await for_write(session, actor, product_id)
    if product.status == PRODUCT_PUBLISHED:
        return product
    has_variant = await session.scalar(
        select(exists().where(Variant.product_id == product.id, Variant.deleted_at.is_(None)))
    )
    if not has_variant:
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
            skus=await _skus(session, product.id),
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
    await outbox.add(
        session,
        ProductDeleted(
            product_id=product.id,
            vendor_id=product.vendor_id,
            skus=await _skus(session, product.id),
        ),
        key=str(product.id),
    )


# --- Variants


async def _currency_of(session: AsyncSession, product_id: uuid.UUID) -> str | None:
    currency: str | None = await session.scalar(
        select(Variant.currency)
        .where(Variant.product_id == product_id, Variant.deleted_at.is_(None))
        .limit(1)
    )
    return currency


async def add_variant(
    session: AsyncSession,
    outbox: Outbox,
    actor: Actor,
    product_id: uuid.UUID,
    *,
    sku: str,
    price_amount: int,
    currency: str,
    attributes: dict[str, str],
    stock: int,
) -> VariantView:
    product, _ = await for_write(session, actor, product_id)
    existing_currency = await _currency_of(session, product.id)
    if existing_currency is not None and existing_currency != currency:
        # One currency per product, so price filters and sorts compare like with like.
        raise invalid(
            "body.price.currency",
            f"the other variants of this product are priced in {existing_currency}",
        )
    if await session.scalar(select(exists().where(Variant.sku == sku))):
        raise SkuTaken(f"SKU {sku!r} is taken.")
    now = datetime.now(UTC)
    variant = Variant(
        id=uuid.uuid4(),
        product_id=product.id,
        sku=sku,
        price_amount=price_amount,
        currency=currency,
        attributes=attributes,
        created_at=now,
        updated_at=now,
    )
    inventory = Inventory(
        sku=sku,
        product_id=product.id,
        vendor_id=product.vendor_id,
        on_hand=stock,
        reserved=0,
        updated_at=now,
    )
    session.add(variant)
    await session.flush()
    session.add(inventory)
    await session.flush()
    product.updated_at = now
    await announce_change(session, outbox, product)
    return VariantView(variant, inventory)


async def _variant_for_write(
    session: AsyncSession, actor: Actor, product_id: uuid.UUID, sku: str
) -> tuple[Product, Variant]:
    product, _ = await for_write(session, actor, product_id)
    variant = await session.scalar(
        select(Variant).where(
            Variant.product_id == product.id, Variant.sku == sku, Variant.deleted_at.is_(None)
        )
    )
    if variant is None:
        raise NotFound(f"This product has no variant {sku!r}.")
    return product, variant


async def update_variant(
    session: AsyncSession,
    outbox: Outbox,
    actor: Actor,
    product_id: uuid.UUID,
    sku: str,
    *,
    price_amount: int | None,
    currency: str | None,
    attributes: dict[str, str] | None,
) -> VariantView:
    product, variant = await _variant_for_write(session, actor, product_id, sku)
    if currency is not None and currency != variant.currency:
        others = await session.scalar(
            select(func.count()).where(
                Variant.product_id == product.id,
                Variant.deleted_at.is_(None),
                Variant.sku != sku,
            )
        )
        if others:
            raise invalid(
                "body.price.currency",
                f"the other variants of this product are priced in {variant.currency}",
            )
        variant.currency = currency
    if price_amount is not None:
        variant.price_amount = price_amount
    if attributes is not None:
        variant.attributes = attributes
    now = datetime.now(UTC)
    variant.updated_at = now
    product.updated_at = now
    await session.flush()
    await announce_change(session, outbox, product)
    inventory = await session.get(Inventory, sku)
    return VariantView(variant, inventory)


async def delete_variant(
    session: AsyncSession, outbox: Outbox, actor: Actor, product_id: uuid.UUID, sku: str
) -> None:
    product, variant = await _variant_for_write(session, actor, product_id, sku)
    if product.status == PRODUCT_PUBLISHED:
        remaining = await session.scalar(
            select(func.count()).where(
                Variant.product_id == product.id,
                Variant.deleted_at.is_(None),
                Variant.sku != sku,
            )
        )
        if not remaining:
            raise LastVariant("Unpublish the product before removing its last variant.")
    now = datetime.now(UTC)
    variant.deleted_at = now
    product.updated_at = now
    await session.flush()
    await announce_change(session, outbox, product)
