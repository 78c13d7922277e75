"""Contact data learned from the user service's events."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from agora_notification.models import Contact, Notification, Preference, PushDevice


async def get(session: AsyncSession, user_id: uuid.UUID) -> Contact | None:
    contact: Contact | None = await session.get(Contact, user_id)
    return contact


async def learn(session: AsyncSession, user_id: uuid.UUID, now: datetime, **fields: Any) -> None:
    """Insert or update what is known of a user; an erased user stays erased (a late
    or replayed event must not bring the address back)."""
    values = {k: v for k, v in fields.items() if v is not None}
    statement = pg_insert(Contact).values(user_id=user_id, created_at=now, updated_at=now, **values)
    if values:
        statement = statement.on_conflict_do_update(
            index_elements=[Contact.user_id],
            set_={**values, "updated_at": now},
            where=Contact.deleted_at.is_(None),
        )
    else:
        statement = statement.on_conflict_do_nothing()
    await session.execute(statement)


async def set_phone(
    session: AsyncSession, user_id: uuid.UUID, phone: str | None, now: datetime
) -> None:
    """The number SMS go to: the account's verified one, or None while the account's
    number is not verified; an erased user stays erased."""
    await session.execute(
        pg_insert(Contact)
        .values(user_id=user_id, phone=phone, created_at=now, updated_at=now)
        .on_conflict_do_update(
            index_elements=[Contact.user_id],
            set_={"phone": phone, "updated_at": now},
            where=Contact.deleted_at.is_(None),
        )
    )


async def erase(session: AsyncSession, user_id: uuid.UUID, now: datetime) -> None:
    """GDPR erasure: the contact keeps only its id and when it was erased; the feed,
    the delivery log (cascading from it), preferences and push devices go."""
    await session.execute(
        pg_insert(Contact)
        .values(user_id=user_id, created_at=now, updated_at=now, deleted_at=now)
        .on_conflict_do_update(
            index_elements=[Contact.user_id],
            set_={
                "email": None,
                "full_name": None,
                "locale": None,
                "phone": None,
                "admin": False,
                "updated_at": now,
                "deleted_at": now,
            },
        )
    )
    await session.execute(delete(Notification).where(Notification.user_id == user_id))
    await session.execute(delete(Preference).where(Preference.user_id == user_id))
    await session.execute(delete(PushDevice).where(PushDevice.user_id == user_id))


async def mark_verified(session: AsyncSession, user_id: uuid.UUID, email: str) -> None:
    await session.execute(
        update(Contact)
        .where(Contact.user_id == user_id, Contact.email == email)
        .values(email_verified=True)
    )


async def exists(session: AsyncSession, user_id: uuid.UUID) -> bool:
    return (
        await session.scalar(select(Contact.user_id).where(Contact.user_id == user_id))
    ) is not None


async def admins(session: AsyncSession, *, limit: int = 100) -> list[uuid.UUID]:
    """Support's admins the service knows of, at most ``limit``. None is erased:
    erasure sets ``admin`` false, and nothing writes an erased contact after."""
    found = await session.scalars(
        select(Contact.user_id).where(Contact.admin).order_by(Contact.user_id).limit(limit)
    )
    return list(found)
