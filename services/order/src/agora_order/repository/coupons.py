"""Coupons (``coupons``) and their uses (``coupon_redemptions``)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from agora_kit.pagination import Page, PageParams, entity_page
from agora_order.models import Coupon, CouponRedemption


async def insert_new(session: AsyncSession, **values: Any) -> bool:
    """Insert the coupon; False (and nothing written) when its code is taken."""
    created = await session.execute(
        pg_insert(Coupon).values(**values).on_conflict_do_nothing().returning(Coupon.code)
    )
    return created.first() is not None


async def get(session: AsyncSession, code: str) -> Coupon | None:
    return await session.get(Coupon, code)


async def claim_use(session: AsyncSession, code: str) -> bool:
    """One conditional ``UPDATE ... SET used = used + 1 WHERE used < max_uses``; False
    when the coupon is used up. The row stays locked until the transaction ends."""
    claimed = await session.execute(
        update(Coupon)
        .where(
            Coupon.code == code,
            (Coupon.max_uses.is_(None)) | (Coupon.used < Coupon.max_uses),
        )
        .values(used=Coupon.used + 1)
        .returning(Coupon.used)
    )
    return claimed.first() is not None


async def count_redemptions(session: AsyncSession, code: str, buyer_id: uuid.UUID) -> int:
    """How many times the buyer has used the coupon."""
    mine = await session.scalar(
        select(func.count())
        .select_from(CouponRedemption)
        .where(CouponRedemption.code == code, CouponRedemption.buyer_id == buyer_id)
    )
    return int(mine or 0)


async def page(session: AsyncSession, params: PageParams) -> Page[Coupon]:
    """Coupons newest first."""
    return await entity_page(
        session,
        select(Coupon),
        key=[Coupon.created_at, Coupon.code],
        params=params,
        direction="desc",
    )
