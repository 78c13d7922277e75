"""A vendor's own payouts: the stores a user owns, known from the catalog's vendor
events, and their payouts in the states a vendor reads (ADR 0098)."""

from __future__ import annotations

import uuid
from typing import Literal

from sqlalchemy.ext.asyncio import AsyncSession

from agora_kit.errors import Forbidden
from agora_kit.pagination import Page, PageParams
from agora_payment.models import CANCELLED, HELD, PAID, REVERSED, Payout
from agora_payment.repository import vendors as vendor_repo

VendorPayoutStatus = Literal["held", "paid", "reversed"]

# A payout's own state to what its vendor reads: ``cancelled`` (refunds took all of a
# held payout, nothing was transferred) is ``reversed`` to the vendor, as a paid payout
# that refunds took all of back. A payout that refunds took part of stays ``held`` or
# ``paid``, with what was taken back beside it.
VENDOR_STATUS: dict[str, VendorPayoutStatus] = {
    HELD: "held",
    PAID: "paid",
    REVERSED: "reversed",
    CANCELLED: "reversed",
}


async def remember(session: AsyncSession, vendor_id: uuid.UUID, owner_id: uuid.UUID) -> None:
    await vendor_repo.upsert(session, vendor_id, owner_id)


async def payouts_of_owner(
    session: AsyncSession, user_id: uuid.UUID, params: PageParams
) -> Page[tuple[Payout, uuid.UUID]]:
    """The payouts of the stores ``user_id`` owns, newest first, with their order id;
    Forbidden when the user owns no store."""
    mine = await vendor_repo.owned_by(session, user_id)
    if not mine:
        raise Forbidden("You have no store.")
    return await vendor_repo.payouts_page(session, mine, params)
