"""Forgetting what is no longer needed: spent throttle windows, expired single-use
tokens, and sessions long over (with their refresh tokens). Less data kept is less
to leak and less to erase."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from agora_user.repository import sessions as session_repo
from agora_user.repository import throttle as throttle_repo
from agora_user.repository import tokens as token_repo
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
    throttle = await throttle_repo.delete_spent(session, now, window)
    tokens = await token_repo.delete_expired(session, now - TOKEN_HISTORY)
    sessions = await session_repo.delete_ended(session, now - SESSION_HISTORY)
    return Swept(throttle=throttle, tokens=tokens, sessions=sessions)
