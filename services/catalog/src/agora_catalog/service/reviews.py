"""Reviews by verified buyers. A buyer is verified for a product once the order
service confirms an order of it (``OrderConfirmed``), and no longer by that order once
it is cancelled or refunded in full; each buyer reviews a product once. The product's
rating count and sum change in the review's transaction, under the product's row lock,
so the average is never off by a concurrent review."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from agora_catalog.domain.products import is_public, rating_average
from agora_catalog.models import Product, Review
from agora_catalog.repository import purchases
from agora_catalog.repository import reviews as repo
from agora_catalog.service.access import Actor
from agora_catalog.service.errors import AlreadyReviewed, NotAVerifiedBuyer
from agora_contracts.catalog import ProductRated
from agora_kit.errors import NotFound
from agora_kit.events.outbox import Outbox
from agora_kit.pagination import Page, PageParams


async def record_purchases(
    session: AsyncSession,
    *,
    buyer_id: uuid.UUID,
    order_id: uuid.UUID,
    skus: Sequence[str],
    product_ids: Sequence[uuid.UUID] = (),
) -> set[uuid.UUID]:
    """Remember that ``buyer_id`` bought these products (by SKU or product id); the
    products recorded now (none when this order was recorded before)."""
    found = set(product_ids)
    if skus:
        found.update(await purchases.product_ids_of_skus(session, skus))
    known = await purchases.known_product_ids(session, found)
    if not known:
        return set()
    return await purchases.add_purchases(
        session, buyer_id=buyer_id, order_id=order_id, product_ids=sorted(known)
    )


async def forget_purchases(session: AsyncSession, order_id: uuid.UUID) -> None:
    """The order was cancelled or refunded in full: it no longer makes its buyer a
    verified buyer (another order of the same product still does)."""
    await purchases.delete_purchases_of_order(session, order_id)


async def _public_product(
    session: AsyncSession, product_id: uuid.UUID, *, lock: bool = False
) -> Product:
    found = await repo.reviewed_product(session, product_id, lock=lock)
    if found is None or not is_public(*found):
        raise NotFound("No such product.")
    return found[0]


async def post(
    session: AsyncSession,
    outbox: Outbox,
    actor: Actor,
    product_id: uuid.UUID,
    *,
    rating: int,
    title: str,
    body: str,
) -> Review:
    product = await _public_product(session, product_id, lock=True)
    if not await purchases.has_bought(session, actor.user_id, product.id):
        raise NotAVerifiedBuyer("Only buyers of a confirmed order may review this product.")
    if await repo.has_reviewed(session, actor.user_id, product.id):
        raise AlreadyReviewed("You already reviewed this product.")
    review = Review(
        id=uuid.uuid4(),
        product_id=product.id,
        author_id=actor.user_id,
        rating=rating,
        title=title,
        body=body,
        created_at=datetime.now(UTC),
    )
    session.add(review)
    try:
        await session.flush()
    except IntegrityError:  # pragma: no cover - the product lock makes this unreachable
        raise AlreadyReviewed("You already reviewed this product.") from None
    product.rating_count += 1
    product.rating_sum += rating
    await session.flush()
    await outbox.add(
        session,
        ProductRated(
            product_id=product.id,
            review_id=review.id,
            author_id=actor.user_id,
            rating=rating,
            rating_average=rating_average(product.rating_sum, product.rating_count) or 0.0,
            rating_count=product.rating_count,
        ),
        key=str(product.id),
    )
    return review


async def page(
    session: AsyncSession, product_id: uuid.UUID, params: PageParams
) -> tuple[Product, Page[Review]]:
    product = await _public_product(session, product_id)
    return product, await repo.reviews_page(session, product.id, params)
