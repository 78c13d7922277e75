"""API keys: a user's keys, the lookup by prefix, revocation."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Select, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from agora_user.models import ApiKey


def active_of_user(user_id: uuid.UUID) -> Select[tuple[ApiKey]]:
    return select(ApiKey).where(ApiKey.user_id == user_id, ApiKey.revoked_at.is_(None))


async def active_ids(session: AsyncSession, user_id: uuid.UUID) -> list[uuid.UUID]:
    """The ids of the keys of ``user_id`` that are not revoked."""
    ids = await session.scalars(
        select(ApiKey.id).where(ApiKey.user_id == user_id, ApiKey.revoked_at.is_(None))
    )
    return list(ids.all())


async def count_active(session: AsyncSession, user_id: uuid.UUID) -> int:
    count = await session.scalar(
        select(func.count())
        .select_from(ApiKey)
        .where(ApiKey.user_id == user_id, ApiKey.revoked_at.is_(None))
    )
    return int(count or 0)


async def get_of_user(
    session: AsyncSession, user_id: uuid.UUID, key_id: uuid.UUID
) -> ApiKey | None:
    """The key, only when ``user_id`` owns it: someone else's is as absent as none."""
    stmt = select(ApiKey).where(ApiKey.id == key_id, ApiKey.user_id == user_id)
    return (await session.scalars(stmt)).one_or_none()


async def by_prefix(session: AsyncSession, prefix: str) -> ApiKey | None:
    return (await session.scalars(select(ApiKey).where(ApiKey.prefix == prefix))).one_or_none()


async def all_of_user(session: AsyncSession, user_id: uuid.UUID) -> list[ApiKey]:
    stmt = select(ApiKey).where(ApiKey.user_id == user_id).order_by(ApiKey.created_at)
    return list((await session.scalars(stmt)).all())


async def revoke_all(session: AsyncSession, user_id: uuid.UUID, now: datetime) -> list[uuid.UUID]:
    """Revoke every active key of ``user_id``; the ids of the keys it revoked."""
    revoked = await session.scalars(
        update(ApiKey)
        .where(ApiKey.user_id == user_id, ApiKey.revoked_at.is_(None))
        .values(revoked_at=now)
        .returning(ApiKey.id)
    )
    return list(revoked.all())
