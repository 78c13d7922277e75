"""Who has a live-feed socket open, on any replica (ADR 0119): one row per socket,
refreshed at its heartbeat, so a row a crashed replica left behind ages out."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from datetime import datetime

from sqlalchemy import Uuid, any_, bindparam, delete, select, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession

from agora_notification.models import LiveSocket


async def opened(
    session: AsyncSession, socket_id: uuid.UUID, user_id: uuid.UUID, now: datetime
) -> None:
    session.add(LiveSocket(id=socket_id, user_id=user_id, seen_at=now))
    await session.flush()


async def seen(session: AsyncSession, socket_ids: Collection[uuid.UUID], now: datetime) -> None:
    """Refresh the rows of ``socket_ids`` in one statement, however many they are."""
    ids = bindparam("socket_ids", list(socket_ids), type_=ARRAY(Uuid()))
    await session.execute(update(LiveSocket).where(LiveSocket.id == any_(ids)).values(seen_at=now))


async def closed(session: AsyncSession, socket_id: uuid.UUID) -> None:
    await session.execute(delete(LiveSocket).where(LiveSocket.id == socket_id))


async def online_among(
    session: AsyncSession, user_ids: Collection[uuid.UUID], since: datetime
) -> set[uuid.UUID]:
    """Those of ``user_ids`` with a socket seen after ``since``, in one statement."""
    ids = bindparam("user_ids", list(user_ids), type_=ARRAY(Uuid()))
    found = await session.scalars(
        select(LiveSocket.user_id)
        .distinct()
        .where(LiveSocket.user_id == any_(ids), LiveSocket.seen_at > since)
    )
    return set(found)
