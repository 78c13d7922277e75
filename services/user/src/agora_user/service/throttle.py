"""Throttling and temporary lockout of password logins and of the second login step.

Failures are counted per e-mail address, whether or not an account has it (so a
locked answer tells nothing about which addresses exist), and per client address
(so one client cannot try many addresses). Reaching a limit locks that key for
``login_lockout_seconds``: every login for it is then 429, even with the right
password. Wrong second-factor codes are counted per account, across challenges, and
lock the second step the same way. Failures are recorded in their own transaction,
since the request that failed rolls back (docs/adr/0004).
"""

from __future__ import annotations

import math
import uuid
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from agora_user.repository import throttle as repo
from agora_user.service.context import UserContext
from agora_user.service.errors import LoginLocked, MfaLocked


def _keys(ctx: UserContext, email: str, client: str | None) -> list[tuple[str, int]]:
    settings = ctx.settings
    keys = [(ctx.throttle_key(f"email:{email}"), settings.login_max_failures)]
    if client:
        keys.append((ctx.throttle_key(f"client:{client}"), settings.login_ip_max_failures))
    return keys


async def check(ctx: UserContext, session: AsyncSession, email: str, client: str | None) -> None:
    now = ctx.now()
    until = await repo.locked_until(session, [k for k, _ in _keys(ctx, email, client)], now)
    if until is not None:
        retry_after = max(1, math.ceil((until - now).total_seconds()))
        raise LoginLocked(retry_after, ctx.settings.login_max_failures)


async def record_failure(ctx: UserContext, email: str, client: str | None) -> None:
    settings = ctx.settings
    async with ctx.database.transaction() as session:
        for key, limit in _keys(ctx, email, client):
            await repo.record_failure(
                session,
                key,
                ctx.now(),
                window=timedelta(seconds=settings.login_failure_window_seconds),
                max_failures=limit,
                lockout=timedelta(seconds=settings.login_lockout_seconds),
            )


async def clear(ctx: UserContext, session: AsyncSession, email: str) -> None:
    """A successful login forgives the address's earlier failures (not the client's)."""
    await repo.clear(session, ctx.throttle_key(f"email:{email}"))


def _mfa_key(ctx: UserContext, user_id: uuid.UUID) -> str:
    return ctx.throttle_key(f"mfa:{user_id}")


async def check_mfa(ctx: UserContext, session: AsyncSession, user_id: uuid.UUID) -> None:
    now = ctx.now()
    until = await repo.locked_until(session, [_mfa_key(ctx, user_id)], now)
    if until is not None:
        retry_after = max(1, math.ceil((until - now).total_seconds()))
        raise MfaLocked(retry_after, ctx.settings.mfa_account_max_failures)


async def record_mfa_failure(
    ctx: UserContext, session: AsyncSession, user_id: uuid.UUID
) -> datetime | None:
    """Count a wrong code for the account; when it reaches the limit, the time the
    lock ends (the caller tells the owner)."""
    settings = ctx.settings
    now = ctx.now()
    lockout = timedelta(seconds=settings.mfa_lockout_seconds)
    locked = await repo.record_failure(
        session,
        _mfa_key(ctx, user_id),
        now,
        window=timedelta(seconds=settings.mfa_failure_window_seconds),
        max_failures=settings.mfa_account_max_failures,
        lockout=lockout,
    )
    return now + lockout if locked else None
