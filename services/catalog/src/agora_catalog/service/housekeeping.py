"""Clean-up of what the catalog keeps only for a while."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from agora_catalog.models import IdempotencyKey

IDEMPOTENCY_KEYS_KEPT = timedelta(hours=24)


async def forget_old_idempotency_keys(session: AsyncSession, now: datetime | None = None) -> int:
    cutoff = (now or datetime.now(UTC)) - IDEMPOTENCY_KEYS_KEPT
    result: Any = await session.execute(
        delete(IdempotencyKey).where(IdempotencyKey.created_at < cutoff)
    )
    return int(result.rowcount or 0)
