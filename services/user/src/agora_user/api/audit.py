"""/admin/audit: the audit log of every service's admin and vendor actions."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query

from agora_kit.db import SessionDep
from agora_kit.errors import problem_responses
from agora_kit.pagination import Page, PageParamsDep
from agora_user.api.deps import AdminUser
from agora_user.api.schemas import AuditEntryOut
from agora_user.service import audit
from agora_user.service.audit import AuditFilter

router = APIRouter(prefix="/admin/audit", tags=["admin"])

Name = Annotated[str, Query(min_length=1, max_length=128)]


@router.get(
    "",
    response_model=Page[AuditEntryOut],
    summary="The audit log, newest first",
    responses=problem_responses(401, 403, 422),
)
async def list_audit_entries(
    *,
    _admin: AdminUser,
    session: SessionDep,
    params: PageParamsDep,
    actor: Annotated[Name | None, Query(description="The acting user's id")] = None,
    action: Annotated[Name | None, Query(description="e.g. `vendor.approve`")] = None,
    resource_type: Annotated[Name | None, Query(description="e.g. `product`")] = None,
    resource_id: Annotated[Name | None, Query()] = None,
    from_: Annotated[
        datetime | None, Query(alias="from", description="Entries at or after this time")
    ] = None,
    to: Annotated[datetime | None, Query(description="Entries before this time")] = None,
) -> Page[AuditEntryOut]:
    """Every admin and vendor action of every service (who, what, when, the changed
    fields before and after, the request and trace ids), newest first,
    cursor-paginated. Entries cannot be changed or removed. Admins only."""
    where = AuditFilter(
        actor_id=actor,
        action=action,
        resource_type=resource_type,
        resource_id=resource_id,
        since=from_,
        until=to,
    )
    page = await audit.entries(session, params, where)
    return Page[AuditEntryOut](
        items=[AuditEntryOut.of(e) for e in page.items], next_cursor=page.next_cursor
    )
