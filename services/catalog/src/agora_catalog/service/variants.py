"""Variants: the sellable SKUs of a product, each with its price and stock. A SKU is
unique for ever (a deleted variant keeps it), a product's variants share one currency,
and a published product keeps at least one variant. Changes go through the product's
lock (``products.for_write``) and are announced with the product's snapshot."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from agora_catalog.domain.products import VariantView
from agora_catalog.models import PRODUCT_PUBLISHED, Inventory, Product, Variant
from agora_catalog.repository import stock as stock_repo
from agora_catalog.repository import variants as repo
from agora_catalog.service.access import Actor
from agora_catalog.service.errors import LastVariant, SkuTaken, invalid
from agora_catalog.service.products import announce_change, for_write
from agora_catalog.service.wishlist import tell_price_drop
from agora_contracts.common import Money
from agora_kit import audit
from agora_kit.errors import NotFound
from agora_kit.events.outbox import Outbox

# The fields of a variant the audit log keeps before and after a change.
AUDITED = ("price_amount", "currency", "attributes")


async def _record(
    session: AsyncSession,
    outbox: Outbox,
    verb: str,
    variant: Variant,
    *,
    before: dict[str, object] | None,
    after: dict[str, object] | None,
) -> None:
    await audit.record(
        session,
        outbox,
        action=f"variant.{verb}",
        resource_type="sku",
        resource_id=variant.sku,
        before=before,
        after=after,
    )


async def add(
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
    existing_currency = await repo.currency_of(session, product.id)
    if existing_currency is not None and existing_currency != currency:
        # One currency per product, so price filters and sorts compare like with like.
        raise invalid(
            "body.price.currency",
            f"the other variants of this product are priced in {existing_currency}",
        )
    if await repo.sku_taken(session, sku):
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
    after = {**audit.snapshot(variant, AUDITED), "product_id": product.id, "on_hand": stock}
    await _record(session, outbox, "create", variant, before=None, after=after)
    return VariantView(variant, inventory)


async def _variant_for_write(
    session: AsyncSession, actor: Actor, product_id: uuid.UUID, sku: str
) -> tuple[Product, Variant]:
    product, _ = await for_write(session, actor, product_id)
    variant = await repo.live_variant(session, product.id, sku)
    if variant is None:
        raise NotFound(f"This product has no variant {sku!r}.")
    return product, variant


async def update(
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
    previous = Money(amount=variant.price_amount, currency=variant.currency)
    before = audit.snapshot(variant, AUDITED)
    if currency is not None and currency != variant.currency:
        if await repo.count_other_live_variants(session, product.id, sku):
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
    await tell_price_drop(session, outbox, variant, previous)
    await _record(
        session, outbox, "update", variant, before=before, after=audit.snapshot(variant, AUDITED)
    )
    inventory = await stock_repo.get_inventory(session, sku)
    return VariantView(variant, inventory)


async def delete(
    session: AsyncSession, outbox: Outbox, actor: Actor, product_id: uuid.UUID, sku: str
) -> None:
    product, variant = await _variant_for_write(session, actor, product_id, sku)
    if product.status == PRODUCT_PUBLISHED and not await repo.count_other_live_variants(
        session, product.id, sku
    ):
        raise LastVariant("Unpublish the product before removing its last variant.")
    now = datetime.now(UTC)
    variant.deleted_at = now
    product.updated_at = now
    await session.flush()
    await announce_change(session, outbox, product)
    await _record(
        session, outbox, "delete", variant, before=audit.snapshot(variant, AUDITED), after=None
    )
