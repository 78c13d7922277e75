"""Forgetting what is no longer needed: spent throttle windows, expired single-use
tokens, and sessions long over (with their refresh tokens). Less data kept is less
to leak and less to erase."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, or_
from sqlalchemy.ext.asyncio import AsyncSession

from agora_user.models import LoginThrottle, OneTimeToken, UserSession
from agora_user.service.context import UserContext

# Ended sessions stay this long, so the owner still sees them in the export.
SESSION_HISTORY = timedelta(days=30)
TOKEN_HISTORY = timedelta(days=7)


@dataclass(frozen=True)
class Swept:
    throttle: int
    tokens: int
    sessions: int


async def sweep(ctx: UserContext, session: AsyncSession) -> Swept:
    now = ctx.now()
    window = timedelta(seconds=ctx.settings.login_failure_window_seconds)
    throttle = await session.execute(
        delete(LoginThrottle).where(
            LoginThrottle.window_started_at < now - window,
            or_(LoginThrottle.locked_until.is_(None), LoginThrottle.locked_until < now),
        )
    )
    tokens = await session.execute(
        delete(OneTimeToken).where(OneTimeToken.expires_at < now - TOKEN_HISTORY)
    )
    sessions = await session.execute(
        delete(UserSession).where(
            or_(
                UserSession.expires_at < now - SESSION_HISTORY,
                UserSession.revoked_at < now - SESSION_HISTORY,
            )
        )
    )
    return Swept(
        throttle=int(getattr(throttle, "rowcount", 0) or 0),
        tokens=int(getattr(tokens, "rowcount", 0) or 0),
        sessions=int(getattr(sessions, "rowcount", 0) or 0),
    )
