"""Single-use tokens (e-mail and phone verification, password reset, the MFA step of a login)
and TOTP recovery codes."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import case, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from agora_user.models import OneTimeToken, RecoveryCode

VERIFY_EMAIL = "verify_email"
VERIFY_PHONE = "verify_phone"
RESET_PASSWORD = "reset_password"  # noqa: S105 - a purpose, not a password
MFA_LOGIN = "mfa_login"


async def find_valid(
    session: AsyncSession, purpose: str, token_hash: str, now: datetime
) -> OneTimeToken | None:
    stmt = select(OneTimeToken).where(
        OneTimeToken.purpose == purpose,
        OneTimeToken.token_hash == token_hash,
        OneTimeToken.used_at.is_(None),
        OneTimeToken.expires_at > now,
    )
    return (await session.scalars(stmt)).one_or_none()


async def consume(session: AsyncSession, token_id: uuid.UUID, now: datetime) -> bool:
    """Use the token, atomically: False when another request used it first."""
    used = await session.scalar(
        update(OneTimeToken)
        .where(OneTimeToken.id == token_id, OneTimeToken.used_at.is_(None))
        .values(used_at=now)
        .returning(OneTimeToken.id)
    )
    return used is not None


async def count_attempt(
    session: AsyncSession, token_id: uuid.UUID, now: datetime, *, max_attempts: int
) -> None:
    """Count a wrong attempt; the one that reaches ``max_attempts`` spends the token.
    One statement: a second update of the row in the same transaction would re-check
    its foreign key, and wait for the caller's lock on the user (a deadlock)."""
    attempts = OneTimeToken.attempts + 1
    await session.execute(
        update(OneTimeToken)
        .where(OneTimeToken.id == token_id)
        .values(
            attempts=attempts,
            used_at=case((attempts >= max_attempts, now), else_=OneTimeToken.used_at),
        )
    )


async def invalidate(
    session: AsyncSession, user_id: uuid.UUID, purpose: str, now: datetime
) -> None:
    await session.execute(
        update(OneTimeToken)
        .where(
            OneTimeToken.user_id == user_id,
            OneTimeToken.purpose == purpose,
            OneTimeToken.used_at.is_(None),
        )
        .values(used_at=now)
    )


async def latest_created(
    session: AsyncSession, user_id: uuid.UUID, purpose: str
) -> datetime | None:
    latest: datetime | None = await session.scalar(
        select(func.max(OneTimeToken.created_at)).where(
            OneTimeToken.user_id == user_id, OneTimeToken.purpose == purpose
        )
    )
    return latest


async def latest_valid(
    session: AsyncSession, user_id: uuid.UUID, purpose: str, now: datetime
) -> OneTimeToken | None:
    """The user's newest unused, unexpired token of ``purpose`` (a code is found by
    its owner, not by its digest: six digits name no row)."""
    stmt = (
        select(OneTimeToken)
        .where(
            OneTimeToken.user_id == user_id,
            OneTimeToken.purpose == purpose,
            OneTimeToken.used_at.is_(None),
            OneTimeToken.expires_at > now,
        )
        .order_by(OneTimeToken.created_at.desc())
        .limit(1)
    )
    return (await session.scalars(stmt)).one_or_none()


async def count_since(
    session: AsyncSession, user_id: uuid.UUID, purpose: str, since: datetime
) -> int:
    count = await session.scalar(
        select(func.count())
        .select_from(OneTimeToken)
        .where(
            OneTimeToken.user_id == user_id,
            OneTimeToken.purpose == purpose,
            OneTimeToken.created_at >= since,
        )
    )
    return int(count or 0)


async def count_to_phone_since(session: AsyncSession, phone: str, since: datetime) -> int:
    """Phone codes texted to ``phone`` since ``since``, whichever accounts asked."""
    count = await session.scalar(
        select(func.count())
        .select_from(OneTimeToken)
        .where(
            OneTimeToken.phone == phone,
            OneTimeToken.purpose == VERIFY_PHONE,
            OneTimeToken.created_at >= since,
        )
    )
    return int(count or 0)


async def of_user(session: AsyncSession, user_id: uuid.UUID) -> list[OneTimeToken]:
    stmt = select(OneTimeToken).where(OneTimeToken.user_id == user_id)
    return list((await session.scalars(stmt.order_by(OneTimeToken.created_at))).all())


async def delete_all(session: AsyncSession, user_id: uuid.UUID) -> None:
    await session.execute(delete(OneTimeToken).where(OneTimeToken.user_id == user_id))


async def replace_recovery_codes(
    session: AsyncSession, user_id: uuid.UUID, code_hashes: list[str]
) -> None:
    await session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user_id))
    session.add_all(RecoveryCode(user_id=user_id, code_hash=h) for h in code_hashes)
    await session.flush()


async def use_recovery_code(
    session: AsyncSession, user_id: uuid.UUID, code_hash: str, now: datetime
) -> bool:
    used = await session.scalar(
        update(RecoveryCode)
        .where(
            RecoveryCode.user_id == user_id,
            RecoveryCode.code_hash == code_hash,
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=now)
        .returning(RecoveryCode.id)
    )
    return used is not None


async def unused_recovery_codes(session: AsyncSession, user_id: uuid.UUID) -> int:
    count = await session.scalar(
        select(func.count())
        .select_from(RecoveryCode)
        .where(RecoveryCode.user_id == user_id, RecoveryCode.used_at.is_(None))
    )
    return int(count or 0)


async def delete_recovery_codes(session: AsyncSession, user_id: uuid.UUID) -> None:
    await session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user_id))


async def delete_expired(session: AsyncSession, before: datetime) -> int:
    """Forget the tokens that expired before ``before``; how many."""
    result = await session.execute(delete(OneTimeToken).where(OneTimeToken.expires_at < before))
    return int(getattr(result, "rowcount", 0) or 0)
