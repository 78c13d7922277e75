"""The devices that receive push notifications, by their provider token."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from agora_notification.models import PushDevice


async def register(
    session: AsyncSession, user_id: uuid.UUID, token: str, platform: str, now: datetime
) -> PushDevice:
    """The device of ``token``, now ``user_id``'s only: a token names one device, and
    when it changes hands (another account signs in on it) it belongs to the new user."""
    values = {"user_id": user_id, "platform": platform, "created_at": now}
    device_id = await session.scalar(
        pg_insert(PushDevice)
        .values(id=uuid.uuid4(), token=token, **values)
        .on_conflict_do_update(index_elements=[PushDevice.token], set_=values)
        .returning(PushDevice.id)
    )
    device = await session.get(PushDevice, device_id)
    assert device is not None
    return device


async def of_user(session: AsyncSession, user_id: uuid.UUID) -> Sequence[PushDevice]:
    """The user's devices, oldest first."""
    rows = await session.scalars(
        select(PushDevice).where(PushDevice.user_id == user_id).order_by(PushDevice.created_at)
    )
    return rows.all()


async def tokens_of(session: AsyncSession, user_id: uuid.UUID) -> list[str]:
    """The provider tokens of the user's devices, to push to."""
    return list(
        await session.scalars(select(PushDevice.token).where(PushDevice.user_id == user_id))
    )


async def remove(session: AsyncSession, user_id: uuid.UUID, device_id: uuid.UUID) -> bool:
    """Forget the user's device; False when they have no such device."""
    result = await session.execute(
        delete(PushDevice)
        .where(PushDevice.id == device_id, PushDevice.user_id == user_id)
        .returning(PushDevice.id)
    )
    return result.first() is not None


async def forget_token(session: AsyncSession, token: str) -> None:
    """Forget the device of ``token``, whoever's it is (its provider no longer knows it)."""
    await session.execute(delete(PushDevice).where(PushDevice.token == token))
