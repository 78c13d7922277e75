"""Queries on ``webhook_events``, the provider webhooks already handled."""

from __future__ import annotations

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from agora_payment.models import WebhookEvent


async def record_first(session: AsyncSession, event_id: str, event_type: str) -> bool:
    """Record the event as handled; False when it already was (a redelivery)."""
    first = await session.execute(
        pg_insert(WebhookEvent)
        .values(id=event_id, type=event_type)
        .on_conflict_do_nothing()
        .returning(WebhookEvent.id)
    )
    return first.first() is not None
