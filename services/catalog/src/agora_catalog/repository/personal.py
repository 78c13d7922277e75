"""What the catalog holds about one person, for the GDPR export and erasure (ADR
0112): their reviews, wishlist and verified purchases (the store they own is
``vendors.vendor_of_owner``)."""

from __future__ import annotations

import uuid

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from agora_catalog.models import Purchase, Review, Wish


async def reviews_of(session: AsyncSession, author_id: uuid.UUID) -> list[Review]:
    rows = await session.scalars(
        select(Review).where(Review.author_id == author_id).order_by(Review.created_at)
    )
    return list(rows)


async def wishes_of(session: AsyncSession, user_id: uuid.UUID) -> list[Wish]:
    rows = await session.scalars(
        select(Wish).where(Wish.user_id == user_id).order_by(Wish.created_at)
    )
    return list(rows)


async def purchases_of(session: AsyncSession, buyer_id: uuid.UUID) -> list[Purchase]:
    rows = await session.scalars(
        select(Purchase).where(Purchase.buyer_id == buyer_id).order_by(Purchase.confirmed_at)
    )
    return list(rows)


async def forget_purchases(session: AsyncSession, buyer_id: uuid.UUID) -> None:
    await session.execute(delete(Purchase).where(Purchase.buyer_id == buyer_id))


async def anonymise_reviews(session: AsyncSession, author_id: uuid.UUID) -> None:
    """Each of the author's reviews gets a random author id of its own, which no
    account has."""
    await session.execute(
        update(Review).where(Review.author_id == author_id).values(author_id=func.gen_random_uuid())
    )
