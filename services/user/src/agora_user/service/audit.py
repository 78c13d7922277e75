"""The audit trail of every service, kept here (docs/adr/0097): entries arrive as
``AuditRecorded`` events and admins read them."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from agora_contracts.audit import AuditRecorded
from agora_kit.pagination import Page, PageParams
from agora_user.models import AuditEntry
from agora_user.repository import audit as repo
from agora_user.repository.audit import AuditFilter

__all__ = ["AuditFilter", "entries", "store"]


async def store(session: AsyncSession, entry: AuditRecorded) -> None:
    await repo.store(session, entry)


async def entries(
    session: AsyncSession, params: PageParams, where: AuditFilter
) -> Page[AuditEntry]:
    return await repo.page(session, params, where)
