"""What the notification service holds about one person, for the GDPR export (ADR
0112): their preferences, feed, deliveries and webhooks (the contact and the push
devices come from :mod:`.contacts` and :mod:`.devices`)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from agora_notification.models import Delivery, Notification, Preference, WebhookEndpoint


async def _all(session: AsyncSession, model: Any, owner: Any, order: Any) -> list[Any]:
    rows = await session.scalars(select(model).where(owner).order_by(order))
    return list(rows)


async def preferences_of(session: AsyncSession, user_id: uuid.UUID) -> list[Preference]:
    return await _all(session, Preference, Preference.user_id == user_id, Preference.category)


async def notifications_of(session: AsyncSession, user_id: uuid.UUID) -> list[Notification]:
    return await _all(
        session, Notification, Notification.user_id == user_id, Notification.created_at
    )


async def deliveries_of(session: AsyncSession, user_id: uuid.UUID) -> list[Delivery]:
    return await _all(session, Delivery, Delivery.user_id == user_id, Delivery.created_at)


async def webhooks_of(session: AsyncSession, user_id: uuid.UUID) -> list[WebhookEndpoint]:
    return await _all(
        session, WebhookEndpoint, WebhookEndpoint.owner_id == user_id, WebhookEndpoint.created_at
    )
