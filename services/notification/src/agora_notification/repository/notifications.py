"""The notifications and the in-app feed."""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, select, text, update
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncSession

from agora_kit.pagination import Page, PageParams, entity_page
from agora_notification.domain import FEED_CHANNEL
from agora_notification.models import Notification

# A new notification, returned whole (the ORM's object, no second read); nothing when
# the user has one with its dedupe key. As text: SQLAlchemy 2.0 does not cache the
# PostgreSQL dialect's INSERT .. ON CONFLICT and would compile it again for every one.
_INSERT_ONCE = text(
    "INSERT INTO notifications (id, user_id, kind, category, dedupe_key, event_id, title,"
    " body, link, data, in_feed, created_at)"
    " VALUES (:id, :user_id, :kind, :category, :dedupe_key, :event_id, :title, :body, :link,"
    " :data, :in_feed, :created_at)"
    " ON CONFLICT (user_id, dedupe_key) DO NOTHING RETURNING *"
).bindparams(bindparam("data", type_=JSONB))


async def insert_once(session: AsyncSession, values: dict[str, Any]) -> Notification | None:
    """The new notification, or None when the user already has one with this
    ``dedupe_key`` (the same story told again). ``values``: every column but ``id``
    and ``read_at`` (``link`` and ``event_id`` may be None)."""
    created: Notification | None = await session.scalar(
        select(Notification).from_statement(_INSERT_ONCE), {"id": uuid.uuid4(), **values}
    )
    return created


async def announce(session: AsyncSession, notification: Notification) -> None:
    """Tell the live feed of ``notification`` with ``pg_notify``: PostgreSQL delivers it
    when the transaction commits, to every replica listening."""
    payload = json.dumps({"user_id": str(notification.user_id), "id": str(notification.id)})
    await session.execute(
        text("SELECT pg_notify(:channel, :payload)"),
        {"channel": FEED_CHANNEL, "payload": payload},
    )


async def get(session: AsyncSession, notification_id: uuid.UUID) -> Notification | None:
    notification: Notification | None = await session.get(Notification, notification_id)
    return notification


async def feed_page(
    session: AsyncSession, user_id: uuid.UUID, params: PageParams, *, unread_only: bool
) -> Page[Notification]:
    statement = select(Notification).where(
        Notification.user_id == user_id, Notification.in_feed.is_(True)
    )
    if unread_only:
        statement = statement.where(Notification.read_at.is_(None))
    return await entity_page(
        session,
        statement,
        key=[Notification.created_at, Notification.id],
        params=params,
        direction="desc",
    )


async def unread_count(session: AsyncSession, user_id: uuid.UUID) -> int:
    count = await session.scalar(
        select(func.count())
        .select_from(Notification)
        .where(
            Notification.user_id == user_id,
            Notification.in_feed.is_(True),
            Notification.read_at.is_(None),
        )
    )
    return int(count or 0)


async def mark_read(
    session: AsyncSession, user_id: uuid.UUID, notification_id: uuid.UUID, now: datetime
) -> bool:
    """False when the user has no such entry in their feed."""
    found = await session.scalar(
        select(Notification.id).where(
            Notification.id == notification_id,
            Notification.user_id == user_id,
            Notification.in_feed.is_(True),
        )
    )
    if found is None:
        return False
    await session.execute(
        update(Notification)
        .where(Notification.id == notification_id, Notification.read_at.is_(None))
        .values(read_at=now)
    )
    return True


async def mark_all_read(session: AsyncSession, user_id: uuid.UUID, now: datetime) -> int:
    result = await session.execute(
        update(Notification)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
        .values(read_at=now)
        .returning(Notification.id)
    )
    return len(result.all())
