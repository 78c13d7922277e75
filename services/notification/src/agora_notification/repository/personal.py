"""What the notification service holds about one person, for the GDPR export (ADR
0112): their contact, preferences, feed, deliveries, push devices and webhooks."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from agora_notification.models import (
    Contact,
    Delivery,
    Notification,
    Preference,
    PushDevice,
    WebhookEndpoint,
)


async def contact_of(session: AsyncSession, user_id: uuid.UUID) -> Contact | None:
    return await session.get(Contact, user_id)


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


async def devices_of(session: AsyncSession, user_id: uuid.UUID) -> list[PushDevice]:
    return await _all(session, PushDevice, PushDevice.user_id == user_id, PushDevice.created_at)


async def webhooks_of(session: AsyncSession, user_id: uuid.UUID) -> list[WebhookEndpoint]:
    return await _all(
        session, WebhookEndpoint, WebhookEndpoint.owner_id == user_id, WebhookEndpoint.created_at
    )
