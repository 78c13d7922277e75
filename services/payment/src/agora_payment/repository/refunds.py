"""Queries on ``refunds``."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from agora_payment.models import Refund


async def by_request(session: AsyncSession, request_id: uuid.UUID) -> Refund | None:
    """The refund a request already made, if any."""
    refund: Refund | None = await session.scalar(
        select(Refund).where(Refund.request_id == request_id)
    )
    return refund
