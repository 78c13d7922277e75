"""Coupons: created by admins, redeemed at checkout.

Redemption is one conditional ``UPDATE ... SET used = used + 1 WHERE used < max_uses``
(row-locked by PostgreSQL), then a per-user count under that same lock: however many
checkouts race for the last use, exactly one gets it. A checkout that fails later
rolls its redemption back with it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from agora_kit import audit
from agora_kit.events.outbox import Outbox
from agora_kit.pagination import Page, PageParams
from agora_order.models import Coupon, CouponRedemption
from agora_order.repository import coupons as coupon_repo
from agora_order.service import pricing
from agora_order.service.errors import BadCoupon, CouponExists

# The fields of a coupon the audit log keeps.
AUDITED = (
    "kind",
    "value",
    "currency",
    "min_subtotal_amount",
    "expires_at",
    "max_uses",
    "max_uses_per_user",
    "funded_by",
)


@dataclass(frozen=True)
class NewCoupon:
    """A coupon an admin makes: ``value`` is whole percent for ``percent``, minor units
    of ``currency`` for ``fixed``; ``funded_by`` is ``vendor`` or ``platform``."""

    code: str
    kind: str
    value: int
    currency: str | None
    min_subtotal: int
    expires_at: datetime | None
    max_uses: int | None
    max_uses_per_user: int | None
    funded_by: str


async def page(session: AsyncSession, params: PageParams) -> Page[Coupon]:
    """Every coupon, newest first."""
    return await coupon_repo.page(session, params)


async def create(session: AsyncSession, outbox: Outbox, data: NewCoupon) -> Coupon:
    if data.kind == pricing.PERCENT and data.value > 100:
        raise BadCoupon("A percent coupon takes at most 100.")
    code = data.code.upper()
    created = await coupon_repo.insert_new(
        session,
        code=code,
        kind=data.kind,
        value=data.value,
        currency=data.currency,
        min_subtotal_amount=data.min_subtotal,
        expires_at=data.expires_at,
        max_uses=data.max_uses,
        max_uses_per_user=data.max_uses_per_user,
        used=0,
        funded_by=data.funded_by,
    )
    if not created:
        raise CouponExists(f"The code {code} is taken.")
    coupon = await coupon_repo.get(session, code)
    assert coupon is not None
    await audit.record(
        session,
        outbox,
        action="coupon.create",
        resource_type="coupon",
        resource_id=code,
        after=audit.snapshot(coupon, AUDITED),
    )
    return coupon


@dataclass(frozen=True)
class Redemption:
    """What a redeemed coupon takes off the order, and who gives it up
    (``vendor`` or ``platform``)."""

    discount: int
    funded_by: str


async def _usable(
    session: AsyncSession, code: str, *, subtotal: int, currency: str, at: datetime
) -> Coupon:
    """The coupon, if it applies to an order of ``subtotal`` in ``currency`` at ``at``
    (its uses aside); BadCoupon why not otherwise."""
    coupon = await coupon_repo.get(session, code)
    if coupon is None:
        raise BadCoupon(f"There is no coupon {code}.")
    if coupon.expires_at is not None and coupon.expires_at <= at:
        raise BadCoupon(f"The coupon {code} has expired.")
    if coupon.kind == pricing.FIXED and coupon.currency is None:
        # Made before fixed coupons needed a currency: an amount in no currency.
        raise BadCoupon(f"The coupon {code} has no currency; ask for a new one.")
    if coupon.currency is not None and coupon.currency != currency:
        raise BadCoupon(f"The coupon {code} is for orders in {coupon.currency}.")
    if subtotal < coupon.min_subtotal_amount:
        raise BadCoupon(
            f"The coupon {code} needs a subtotal of at least {coupon.min_subtotal_amount}."
        )
    return coupon


async def preview(
    session: AsyncSession,
    code: str,
    *,
    buyer_id: uuid.UUID,
    subtotal: int,
    currency: str,
    at: datetime,
) -> int:
    """The discount the coupon would take off a checkout now, for the cart to show
    (ADR 0113): the checks of ``redeem``, uses included, but nothing claimed. A
    checkout racing others for a coupon's last use may still find it used up."""
    code = code.upper()
    coupon = await _usable(session, code, subtotal=subtotal, currency=currency, at=at)
    if coupon.max_uses is not None and coupon.used >= coupon.max_uses:
        raise BadCoupon(f"The coupon {code} has been used up.")
    limit = coupon.max_uses_per_user
    if limit is not None and await coupon_repo.count_redemptions(session, code, buyer_id) >= limit:
        raise BadCoupon(f"You have already used the coupon {code}.")
    return pricing.discount_for(subtotal, coupon.kind, coupon.value)


async def redeem(
    session: AsyncSession,
    code: str,
    *,
    buyer_id: uuid.UUID,
    order_id: uuid.UUID,
    subtotal: int,
    currency: str,
    at: datetime,
) -> Redemption:
    """Use the coupon once for this order: the discount in minor units and who funds it,
    from the one read of the coupon."""
    code = code.upper()
    coupon = await _usable(session, code, subtotal=subtotal, currency=currency, at=at)
    if not await coupon_repo.claim_use(session, code):
        raise BadCoupon(f"The coupon {code} has been used up.")
    # The row lock taken by the claim serialises this buyer's count too.
    limit = coupon.max_uses_per_user
    if limit is not None and await coupon_repo.count_redemptions(session, code, buyer_id) >= limit:
        raise BadCoupon(f"You have already used the coupon {code}.")
    session.add(CouponRedemption(code=code, order_id=order_id, buyer_id=buyer_id))
    await session.flush()
    return Redemption(
        discount=pricing.discount_for(subtotal, coupon.kind, coupon.value),
        funded_by=coupon.funded_by,
    )
