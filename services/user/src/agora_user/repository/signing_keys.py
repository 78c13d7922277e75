"""The keys that sign access tokens (private halves encrypted)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from agora_user.models import SigningKey

# Serialise key generation across replicas and the CLI.
_LOCK_ID = 0x4147_5553_4B45_5953 % (2**63)


async def lock(session: AsyncSession) -> None:
    """Hold the key-generation lock until the transaction ends."""
    await session.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": _LOCK_ID})


async def all_keys(session: AsyncSession) -> Sequence[SigningKey]:
    return (await session.scalars(select(SigningKey))).all()


async def get(session: AsyncSession, kid: str) -> SigningKey | None:
    key: SigningKey | None = await session.get(SigningKey, kid)
    return key


async def delete_keys(session: AsyncSession, kids: Sequence[str]) -> None:
    await session.execute(delete(SigningKey).where(SigningKey.kid.in_(kids)))
