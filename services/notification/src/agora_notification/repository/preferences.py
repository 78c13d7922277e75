"""The channels each user chose per category (only what they changed; the defaults are
in :mod:`agora_notification.domain`)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from agora_notification.models import Preference


async def stored(session: AsyncSession, user_id: uuid.UUID) -> dict[tuple[str, str], bool]:
    rows = await session.execute(
        select(Preference.category, Preference.channel, Preference.enabled).where(
            Preference.user_id == user_id
        )
    )
    return {(category, channel): enabled for category, channel, enabled in rows}


async def save(
    session: AsyncSession,
    user_id: uuid.UUID,
    changes: Iterable[tuple[str, str, bool]],
    now: datetime,
) -> None:
    for category, channel, enabled in changes:
        await session.execute(
            pg_insert(Preference)
            .values(
                user_id=user_id, category=category, channel=channel, enabled=enabled, updated_at=now
            )
            .on_conflict_do_update(
                index_elements=[Preference.user_id, Preference.category, Preference.channel],
                set_={"enabled": enabled, "updated_at": now},
            )
        )
