"""Wishlists: a buyer keeps products (or one SKU of a product) they want, and is told
when one is back in stock (available went from 0 to more) or cheaper. The catalog
owns stock and prices, so it finds whom to tell in the transaction that changed them
and writes one event per buyer to the outbox; the notification service tells them
(ADR 0096). An erased account's wishlist goes with it."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from agora_catalog.models import Inventory, Variant, Wish
from agora_catalog.repository import wishlist as repo
from agora_catalog.service.errors import UnknownProduct, UnknownVariant
from agora_contracts.catalog import WishedItemBackInStock, WishedItemPriceDropped
from agora_contracts.common import Money
from agora_kit.errors import NotFound
from agora_kit.events.outbox import Outbox
from agora_kit.pagination import Page, PageParams


async def add(
    session: AsyncSession, user_id: uuid.UUID, product_id: uuid.UUID, sku: str | None
) -> tuple[Wish, str, bool]:
    """The wish, its product's title, and whether it is new (adding twice is fine)."""
    product = await repo.public_product(session, product_id)
    if product is None:
        raise UnknownProduct(f"No product {product_id} is for sale.")
    if sku is not None and not await repo.has_live_sku(session, product_id, sku):
        raise UnknownVariant(f"This product has no variant {sku!r}.")
    wish, created = await repo.add(session, user_id, product_id, sku)
    return wish, product.title, created


async def page(
    session: AsyncSession, user_id: uuid.UUID, params: PageParams
) -> Page[tuple[Wish, str]]:
    return await repo.page(session, user_id, params)


async def remove(session: AsyncSession, user_id: uuid.UUID, wish_id: uuid.UUID) -> None:
    if not await repo.remove(session, user_id, wish_id):
        raise NotFound("No such item on your wishlist.")


async def forget_user(session: AsyncSession, user_id: uuid.UUID) -> int:
    """Erasure: the user's wishlist is removed."""
    return await repo.remove_all(session, user_id)


async def tell_back_in_stock(
    session: AsyncSession, outbox: Outbox, changes: Sequence[tuple[Inventory, int]]
) -> None:
    """For each SKU whose ``available`` went from 0 (``before``) to more, a
    WishedItemBackInStock to every buyer who wished it or its product."""
    for inventory, before in changes:
        if before > 0 or inventory.available <= 0:
            continue
        for user_id, variant, product in await repo.wishers_of(session, inventory.sku):
            await outbox.add(
                session,
                WishedItemBackInStock(
                    user_id=user_id,
                    product_id=product.id,
                    sku=variant.sku,
                    title=product.title,
                    price=Money(amount=variant.price_amount, currency=variant.currency),
                    available=inventory.available,
                ),
                key=str(user_id),
            )


async def tell_price_drop(
    session: AsyncSession, outbox: Outbox, variant: Variant, previous: Money
) -> None:
    """A WishedItemPriceDropped to every buyer who wished ``variant`` or its product,
    if its price is now lower than ``previous`` in the same currency (no query
    otherwise)."""
    if variant.currency != previous.currency or variant.price_amount >= previous.amount:
        return
    price = Money(amount=variant.price_amount, currency=variant.currency)
    for user_id, _, product in await repo.wishers_of(session, variant.sku):
        await outbox.add(
            session,
            WishedItemPriceDropped(
                user_id=user_id,
                product_id=product.id,
                sku=variant.sku,
                title=product.title,
                price=price,
                previous_price=previous,
            ),
            key=str(user_id),
        )
