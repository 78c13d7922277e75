"""What the user service publishes (payloads in ``agora_contracts.user``, written to
the outbox by the service layer) and the events it handles: a vendor's approval and
suspension grant and take away the owner's vendor role; every service's audit
entries are stored in the audit log (docs/adr/0097)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from agora_contracts.audit import AuditRecorded
from agora_contracts.catalog import VendorApproved, VendorSuspended
from agora_contracts.events import EventPayload
from agora_kit.app import EventHandler
from agora_kit.events.envelope import CloudEvent
from agora_user.service import admin, audit
from agora_user.service.context import UserContext


async def vendor_approved(
    context: UserContext, session: AsyncSession, payload: VendorApproved, event: CloudEvent
) -> None:
    await admin.set_vendor_role(context, session, payload.owner_id, granted=True)


async def vendor_suspended(
    context: UserContext, session: AsyncSession, payload: VendorSuspended, event: CloudEvent
) -> None:
    await admin.set_vendor_role(context, session, payload.owner_id, granted=False)


async def audit_recorded(
    context: UserContext, session: AsyncSession, payload: AuditRecorded, event: CloudEvent
) -> None:
    await audit.store(session, payload)


HANDLED: dict[type[EventPayload], EventHandler[UserContext]] = {
    VendorApproved: vendor_approved,
    VendorSuspended: vendor_suspended,
    AuditRecorded: audit_recorded,
}
