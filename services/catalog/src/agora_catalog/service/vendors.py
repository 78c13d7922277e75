"""Stores: a customer applies (pending), an admin approves or suspends. Approval lets
the owner sell (and the user service grants the ``vendor`` role on the event);
suspension hides every product of the store from browse and search."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from agora_catalog.domain.text import slugify
from agora_catalog.models import (
    VENDOR_APPROVED,
    VENDOR_PENDING,
    VENDOR_SUSPENDED,
    Vendor,
)
from agora_catalog.repository import vendors as repo
from agora_catalog.service.access import Actor, can_manage
from agora_catalog.service.errors import AlreadyAVendor, VendorNameTaken, VendorNotApproved
from agora_contracts.catalog import VendorApplied, VendorApproved, VendorSuspended, VendorUpdated
from agora_kit import audit
from agora_kit.errors import Forbidden, NotFound
from agora_kit.events.outbox import Outbox
from agora_kit.pagination import Page, PageParams


async def get_vendor(session: AsyncSession, vendor_id: uuid.UUID, *, lock: bool = False) -> Vendor:
    vendor = await repo.find_vendor(session, vendor_id, lock=lock)
    if vendor is None:
        raise NotFound("No such store.")
    return vendor


async def vendor_of_owner(session: AsyncSession, owner_id: uuid.UUID) -> Vendor | None:
    return await repo.vendor_of_owner(session, owner_id)


async def own_vendor(session: AsyncSession, actor: Actor) -> Vendor:
    """The caller's own store, whatever its status."""
    vendor = await repo.vendor_of_owner(session, actor.user_id)
    if vendor is None:
        raise NotFound("You have no store.")
    return vendor


async def visible_vendor(
    session: AsyncSession, vendor_id: uuid.UUID, actor: Actor | None
) -> Vendor:
    """A store as ``actor`` may see it (404 to others, as if it did not exist)."""
    vendor = await get_vendor(session, vendor_id)
    if not visible_to(vendor, actor):
        raise NotFound("No such store.")
    return vendor


async def approved(session: AsyncSession, params: PageParams) -> Page[Vendor]:
    """A page of the approved stores, by name."""
    return await repo.approved_page(session, params)


async def every_vendor(
    session: AsyncSession, params: PageParams, *, status: str | None
) -> Page[Vendor]:
    """A page of every store, or of those of one status: the admins' queue."""
    return await repo.vendors_page(session, params, status=status)


def visible_to(vendor: Vendor, actor: Actor | None) -> bool:
    """Approved stores are public; others only to their owner and to admins."""
    if vendor.status == VENDOR_APPROVED:
        return True
    return can_manage(actor, vendor)


async def selling_vendor(session: AsyncSession, actor: Actor) -> Vendor:
    """The caller's own store, which must be approved to sell."""
    vendor = await vendor_of_owner(session, actor.user_id)
    if vendor is None:
        raise VendorNotApproved("You have no store; apply with POST /api/v1/vendors.")
    if vendor.status != VENDOR_APPROVED:
        raise VendorNotApproved(f"Your store is {vendor.status}.")
    return vendor


async def _name_free(session: AsyncSession, slug: str, except_id: uuid.UUID | None = None) -> None:
    other = await repo.vendor_id_of_slug(session, slug)
    if other is not None and other != except_id:
        raise VendorNameTaken("Another store has this name.")


async def apply(
    session: AsyncSession,
    outbox: Outbox,
    actor: Actor,
    *,
    name: str,
    description: str,
    low_stock_threshold: int,
) -> Vendor:
    if await vendor_of_owner(session, actor.user_id) is not None:
        raise AlreadyAVendor("You already have a store.")
    slug = slugify(name)
    await _name_free(session, slug)
    vendor = Vendor(
        id=uuid.uuid4(),
        owner_id=actor.user_id,
        name=name,
        slug=slug,
        description=description,
        status=VENDOR_PENDING,
        low_stock_threshold=low_stock_threshold,
    )
    session.add(vendor)
    try:
        await session.flush()
    except IntegrityError as exc:
        # Two applications racing: the unique constraints decide, and say which.
        if "owner_id" in str(exc.orig):
            raise AlreadyAVendor("You already have a store.") from None
        raise VendorNameTaken("Another store has this name.") from None
    await outbox.add(
        session,
        VendorApplied(
            vendor_id=vendor.id,
            owner_id=vendor.owner_id,
            name=vendor.name,
            applied_at=datetime.now(UTC),
        ),
        key=str(vendor.id),
    )
    return vendor


@dataclass(frozen=True)
class VendorChanges:
    name: str | None = None
    description: str | None = None
    low_stock_threshold: int | None = None


async def update(
    session: AsyncSession,
    outbox: Outbox,
    actor: Actor,
    vendor_id: uuid.UUID,
    changes: VendorChanges,
) -> Vendor:
    vendor = await get_vendor(session, vendor_id, lock=True)
    if not can_manage(actor, vendor):
        if not visible_to(vendor, actor):
            raise NotFound("No such store.")
        raise Forbidden("Only the store's owner or an admin may change it.")
    renamed = changes.name is not None and changes.name != vendor.name
    if changes.name is not None and renamed:
        slug = slugify(changes.name)
        await _name_free(session, slug, except_id=vendor.id)
        vendor.name, vendor.slug = changes.name, slug
    if changes.description is not None:
        vendor.description = changes.description
    if changes.low_stock_threshold is not None:
        vendor.low_stock_threshold = changes.low_stock_threshold
    vendor.updated_at = datetime.now(UTC)
    await session.flush()
    if renamed:
        # Search documents carry the store's name.
        await outbox.add(
            session,
            VendorUpdated(
                vendor_id=vendor.id,
                owner_id=vendor.owner_id,
                name=vendor.name,
                status=vendor.status,
            ),
            key=str(vendor.id),
        )
    return vendor


async def decide(
    session: AsyncSession,
    outbox: Outbox,
    vendor_id: uuid.UUID,
    status: str,
    *,
    reason: str | None = None,
) -> Vendor:
    """An admin approves or suspends a store. Setting the status it has is a no-op."""
    vendor = await get_vendor(session, vendor_id, lock=True)
    if vendor.status == status:
        return vendor
    now = datetime.now(UTC)
    before = {"status": vendor.status}
    vendor.status = status
    vendor.updated_at = now
    if status == VENDOR_APPROVED:
        vendor.approved_at = now
        event: VendorApproved | VendorSuspended = VendorApproved(
            vendor_id=vendor.id, owner_id=vendor.owner_id, name=vendor.name, approved_at=now
        )
    elif status == VENDOR_SUSPENDED:
        vendor.suspended_at = now
        event = VendorSuspended(
            vendor_id=vendor.id,
            owner_id=vendor.owner_id,
            name=vendor.name,
            reason=reason,
            suspended_at=now,
        )
    else:  # pragma: no cover - the API only offers the two decisions
        raise ValueError(status)
    await session.flush()
    await outbox.add(session, event, key=str(vendor.id))
    verb = "approve" if status == VENDOR_APPROVED else "suspend"
    await audit.record(
        session,
        outbox,
        action=f"vendor.{verb}",
        resource_type="vendor",
        resource_id=vendor.id,
        before=before,
        after={"status": status, **({"reason": reason} if reason else {})},
    )
    return vendor


async def kyc_changed(
    session: AsyncSession, vendor_id: uuid.UUID, status: str, at: datetime
) -> None:
    """The payment service's word on the store's KYC status (ADR 0104)."""
    await repo.set_kyc(session, vendor_id, status, at)
