"""Accounts: by id, by address, and the admin's listing."""

from __future__ import annotations

import uuid

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from agora_user.models import User


def parse_id(value: str | uuid.UUID) -> uuid.UUID | None:
    """A path or claim id as a UUID; None when it is not one (the caller answers 404)."""
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(value)
    except (ValueError, AttributeError, TypeError):
        return None


async def get(
    session: AsyncSession, user_id: str | uuid.UUID, *, for_update: bool = False
) -> User | None:
    """A user that has not been erased."""
    parsed = parse_id(user_id)
    if parsed is None:
        return None
    stmt = select(User).where(User.id == parsed, User.deleted_at.is_(None))
    if for_update:
        stmt = stmt.with_for_update()
    return (await session.scalars(stmt)).one_or_none()


async def get_even_erased(session: AsyncSession, user_id: uuid.UUID) -> User | None:
    """A user, erased or not (an admin sees the anonymous row an erasure leaves), locked
    for update."""
    user: User | None = await session.get(User, user_id, with_for_update=True)
    return user


async def get_by_email(
    session: AsyncSession, email: str, *, for_update: bool = False
) -> User | None:
    stmt = select(User).where(User.email == email, User.deleted_at.is_(None))
    if for_update:
        stmt = stmt.with_for_update()
    return (await session.scalars(stmt)).one_or_none()


async def email_taken(session: AsyncSession, email: str) -> bool:
    return (await session.scalar(select(User.id).where(User.email == email))) is not None


def listing(*, email: str | None = None, role: str | None = None) -> Select[tuple[User]]:
    stmt = select(User)
    if email:
        escaped = email.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        stmt = stmt.where(User.email.like(f"{escaped}%", escape="\\"))
    if role:
        stmt = stmt.where(User.roles.contains([role]))
    return stmt


async def holding_any_role(session: AsyncSession, roles: list[str]) -> list[User]:
    """The accounts (not erased) holding any of ``roles``, locked in id order: an event
    written about their roles now keeps its place among their role changes."""
    stmt = (
        select(User)
        .where(User.deleted_at.is_(None), User.roles.overlap(roles))
        .order_by(User.id)
        .with_for_update()
    )
    return list((await session.scalars(stmt)).all())
