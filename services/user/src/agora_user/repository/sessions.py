"""Sessions (login families) and their refresh tokens."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from agora_user.models import RefreshToken, UserSession


async def token_with_session(
    session: AsyncSession, token_hash: str
) -> tuple[RefreshToken, UserSession] | None:
    row = (
        await session.execute(
            select(RefreshToken, UserSession)
            .join(UserSession, UserSession.id == RefreshToken.session_id)
            .where(RefreshToken.token_hash == token_hash)
        )
    ).one_or_none()
    return (row[0], row[1]) if row is not None else None


async def claim_for_rotation(session: AsyncSession, token_id: uuid.UUID, now: datetime) -> bool:
    """Mark the token rotated, atomically: False when it already was (reuse), also
    when a concurrent request rotated it first."""
    claimed = await session.scalar(
        update(RefreshToken)
        .where(RefreshToken.id == token_id, RefreshToken.rotated_at.is_(None))
        .values(rotated_at=now)
        .returning(RefreshToken.id)
    )
    return claimed is not None


async def revoke(session: AsyncSession, session_id: uuid.UUID, now: datetime, reason: str) -> None:
    await session.execute(
        update(UserSession)
        .where(UserSession.id == session_id, UserSession.revoked_at.is_(None))
        .values(revoked_at=now, revoked_reason=reason)
    )


async def revoke_all(session: AsyncSession, user_id: uuid.UUID, now: datetime, reason: str) -> None:
    await session.execute(
        update(UserSession)
        .where(UserSession.user_id == user_id, UserSession.revoked_at.is_(None))
        .values(revoked_at=now, revoked_reason=reason)
    )


async def get(session: AsyncSession, session_id: uuid.UUID) -> UserSession | None:
    return await session.get(UserSession, session_id)


async def of_user(session: AsyncSession, user_id: uuid.UUID) -> list[UserSession]:
    stmt = (
        select(UserSession)
        .where(UserSession.user_id == user_id)
        .order_by(UserSession.created_at, UserSession.id)
    )
    return list((await session.scalars(stmt)).all())


async def delete_ended(session: AsyncSession, before: datetime) -> int:
    """Forget the sessions that expired or were revoked before ``before`` (their refresh
    tokens go with them); how many."""
    result = await session.execute(
        delete(UserSession).where(
            or_(UserSession.expires_at < before, UserSession.revoked_at < before)
        )
    )
    return int(getattr(result, "rowcount", 0) or 0)
