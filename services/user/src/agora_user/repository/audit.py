"""The audit log: entries stored once whatever the deliveries, and read newest first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from agora_contracts.audit import AuditRecorded
from agora_kit.pagination import Page, PageParams, entity_page
from agora_user.models import AuditEntry


async def store(session: AsyncSession, entry: AuditRecorded) -> None:
    """Insert ``entry``; a second delivery of the same entry inserts nothing."""
    await session.execute(
        insert(AuditEntry)
        .values(id=entry.entry_id, **entry.model_dump(exclude={"entry_id"}))
        .on_conflict_do_nothing(index_elements=[AuditEntry.id])
    )


@dataclass(frozen=True)
class AuditFilter:
    actor_id: str | None = None
    action: str | None = None
    resource_type: str | None = None
    resource_id: str | None = None
    since: datetime | None = None
    until: datetime | None = None


async def page(session: AsyncSession, params: PageParams, where: AuditFilter) -> Page[AuditEntry]:
    """Entries matching ``where``, newest first (``since`` inclusive, ``until``
    exclusive)."""
    stmt = select(AuditEntry)
    if where.actor_id is not None:
        stmt = stmt.where(AuditEntry.actor_id == where.actor_id)
    if where.action is not None:
        stmt = stmt.where(AuditEntry.action == where.action)
    if where.resource_type is not None:
        stmt = stmt.where(AuditEntry.resource_type == where.resource_type)
    if where.resource_id is not None:
        stmt = stmt.where(AuditEntry.resource_id == where.resource_id)
    if where.since is not None:
        stmt = stmt.where(AuditEntry.occurred_at >= where.since)
    if where.until is not None:
        stmt = stmt.where(AuditEntry.occurred_at < where.until)
    return await entity_page(
        session,
        stmt,
        key=[AuditEntry.occurred_at, AuditEntry.id],
        params=params,
        direction="desc",
    )
