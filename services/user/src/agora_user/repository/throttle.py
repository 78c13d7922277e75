"""Login throttling: failures counted per key (an address, a client, a user's second
factor) in a window, and the lock that the last one allowed sets."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import case, delete, or_, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from agora_user.models import LoginThrottle


async def locked_until(session: AsyncSession, keys: list[str], now: datetime) -> datetime | None:
    return await session.scalar(
        select(LoginThrottle.locked_until)
        .where(LoginThrottle.key.in_(keys), LoginThrottle.locked_until > now)
        .order_by(LoginThrottle.locked_until.desc())
        .limit(1)
    )


async def record_failure(
    session: AsyncSession,
    key: str,
    now: datetime,
    *,
    window: timedelta,
    max_failures: int,
    lockout: timedelta,
) -> bool:
    """Count one failure in the key's window, atomically (concurrent failures all
    count); the one that reaches ``max_failures`` locks the key and starts a new window.
    True when this failure locked it."""
    table = LoginThrottle.__table__
    stmt = insert(LoginThrottle).values(
        key=key, failures=1, window_started_at=now, locked_until=None
    )
    expired = table.c.window_started_at < now - window
    counted = case((expired, 1), else_=table.c.failures + 1)
    reached = counted >= max_failures
    stmt = stmt.on_conflict_do_update(
        index_elements=[table.c.key],
        set_={
            "failures": case((reached, 0), else_=counted),
            "window_started_at": case(
                (expired, now), (reached, now), else_=table.c.window_started_at
            ),
            "locked_until": case((reached, now + lockout), else_=table.c.locked_until),
        },
    )
    locked_until = await session.scalar(stmt.returning(table.c.locked_until))
    if max_failures == 1:
        # The insert path never sees the threshold; a limit of one locks at once.
        await session.execute(
            update(LoginThrottle)
            .where(LoginThrottle.key == key)
            .values(failures=0, locked_until=now + lockout)
        )
        return True
    return locked_until == now + lockout


async def clear(session: AsyncSession, key: str) -> None:
    await session.execute(delete(LoginThrottle).where(LoginThrottle.key == key))


async def delete_spent(session: AsyncSession, now: datetime, window: timedelta) -> int:
    """Forget the windows that are over and hold no running lock; how many."""
    result = await session.execute(
        delete(LoginThrottle).where(
            LoginThrottle.window_started_at < now - window,
            or_(LoginThrottle.locked_until.is_(None), LoginThrottle.locked_until < now),
        )
    )
    return int(getattr(result, "rowcount", 0) or 0)
