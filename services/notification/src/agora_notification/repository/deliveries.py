"""Deliveries and the delivery log."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from agora_notification.models import Delivery, DeliveryAttempt


async def next_due(session: AsyncSession, now: datetime) -> Delivery | None:
    """The oldest due delivery, locked; replicas skip the rows others are sending."""
    delivery: Delivery | None = await session.scalar(
        select(Delivery)
        .where(Delivery.status == "pending", Delivery.next_attempt_at <= now)
        .order_by(Delivery.next_attempt_at)
        .limit(1)
        .with_for_update(skip_locked=True)
    )
    return delivery


async def of_notification(session: AsyncSession, notification_id: uuid.UUID) -> list[Delivery]:
    rows = await session.scalars(
        select(Delivery)
        .where(Delivery.notification_id == notification_id)
        .order_by(Delivery.created_at, Delivery.channel)
    )
    return list(rows)


async def attempts(session: AsyncSession, delivery_id: uuid.UUID) -> list[DeliveryAttempt]:
    rows = await session.scalars(
        select(DeliveryAttempt)
        .where(DeliveryAttempt.delivery_id == delivery_id)
        .order_by(DeliveryAttempt.attempt)
    )
    return list(rows)


async def requeue_dead(session: AsyncSession, now: datetime) -> int:
    """Queue every dead delivery that still has its content for one more attempt; how
    many there were."""
    result = await session.execute(
        update(Delivery)
        .where(Delivery.status == "dead", Delivery.content.is_not(None))
        .values(status="pending", next_attempt_at=now)
        .returning(Delivery.id)
    )
    return len(result.all())
