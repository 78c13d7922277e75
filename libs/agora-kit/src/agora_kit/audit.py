"""Recording an admin's or a vendor's action in the audit trail (docs/adr/0097).

A service calls :func:`record` in the transaction of the change: the entry is an
``AuditRecorded`` event in the service's outbox, so it exists if and only if the change
was committed, and the user service stores it in its append-only ``audit_log``. Who
acted (user, role, API key), the request id and the trace id are read from the request
being handled; ``before``/``after`` keep only the fields that changed.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from agora_contracts.audit import AuditRecorded
from agora_kit.auth import ROLE_ADMIN, ROLE_CUSTOMER, ROLE_VENDOR, Principal, principal_var
from agora_kit.events.outbox import Outbox
from agora_kit.logging import current_trace_id, request_id_var


def acting_role(principal: Principal) -> str | None:
    """The role a principal acts in: its most powerful one."""
    for role in (ROLE_ADMIN, ROLE_VENDOR, ROLE_CUSTOMER):
        if principal.has_role(role):
            return role
    return None


def snapshot(obj: object, names: Iterable[str]) -> dict[str, Any]:
    """The named attributes of ``obj``, to pass as ``before`` or ``after``."""
    return {name: getattr(obj, name) for name in names}


def changed(
    before: Mapping[str, Any] | None, after: Mapping[str, Any] | None
) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """Only the fields whose value differs (all of them on a create or a delete). A
    field ``after`` names and ``before`` does not (the id of a refund made) is new: it
    is in ``after`` only."""
    if before is None or after is None:
        return (dict(before) if before is not None else None), (
            dict(after) if after is not None else None
        )
    keys = [key for key in after if key not in before or before[key] != after[key]]
    return {key: before[key] for key in keys if key in before}, {key: after[key] for key in keys}


async def record(
    session: AsyncSession,
    outbox: Outbox,
    *,
    action: str,
    resource_type: str,
    resource_id: object,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    actor: Principal | None = None,
) -> AuditRecorded:
    """Write one audit entry into ``outbox`` in ``session``'s transaction. ``actor``
    defaults to the caller of the request being handled."""
    principal = actor if actor is not None else principal_var.get()
    old, new = changed(before, after)
    api_key_id = principal.claims.get("akid") if principal is not None else None
    entry = AuditRecorded(
        entry_id=uuid.uuid4(),
        occurred_at=datetime.now(UTC),
        service=outbox.source.rsplit("/", 1)[-1],
        actor_id=principal.user_id if principal is not None else None,
        actor_role=acting_role(principal) if principal is not None else None,
        api_key_id=api_key_id if isinstance(api_key_id, str) else None,
        action=action,
        resource_type=resource_type,
        resource_id=str(resource_id),
        before=old,
        after=new,
        request_id=request_id_var.get(),
        trace_id=current_trace_id(),
    )
    await outbox.add(session, entry, key=f"{resource_type}:{resource_id}")
    return entry
