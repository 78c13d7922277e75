"""A store's shipping zones (ADR 0113): its owner lists, creates, replaces and deletes
them; the cart and checkout read them as :class:`shipping.Zone` values."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import cast

from sqlalchemy.ext.asyncio import AsyncSession

from agora_kit import audit
from agora_kit.errors import Forbidden, NotFound, Unprocessable
from agora_kit.events.outbox import Outbox
from agora_order.models import ShippingZone
from agora_order.repository import vendors as vendor_repo
from agora_order.repository import zones as zone_repo
from agora_order.service import saga
from agora_order.service.errors import CountryTaken
from agora_order.service.shipping import Band, RateKind, Zone

# The fields of a zone the audit log keeps (ADR 0097): what a buyer is charged.
AUDITED = (
    "vendor_id",
    "name",
    "currency",
    "countries",
    "rate_kind",
    "flat_amount",
    "bands",
    "free_over_amount",
)


@dataclass(frozen=True)
class ZoneSpec:
    """A zone as its owner writes it (checked for form by the API's schema)."""

    name: str
    currency: str
    countries: list[str]
    kind: RateKind
    amount: int | None = None
    bands: list[Band] = field(default_factory=list)
    free_over: int | None = None
    vendor_id: uuid.UUID | None = None


def as_zone(row: ShippingZone) -> Zone:
    return Zone(
        id=row.id,
        vendor_id=row.vendor_id,
        name=row.name,
        currency=row.currency,
        countries=frozenset(row.countries),
        kind=cast("RateKind", row.rate_kind),
        amount=row.flat_amount or 0,
        bands=tuple(Band(up_to=b.get("up_to"), amount=int(b["amount"])) for b in row.bands),
        free_over=row.free_over_amount,
    )


async def zones_for(
    session: AsyncSession, vendor_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[Zone]]:
    rows = await zone_repo.of_vendors(session, vendor_ids)
    return {vendor: [as_zone(row) for row in found] for vendor, found in rows.items()}


async def _store_of(
    session: AsyncSession, user_id: uuid.UUID, asked: uuid.UUID | None
) -> uuid.UUID:
    """The store the caller acts for: the one named, which it must own, or its only one."""
    owned = await vendor_repo.owned_by(session, user_id)
    if asked is not None:
        if asked not in owned:
            raise Forbidden("You do not own this store.")
        return asked
    if not owned:
        raise Forbidden("You own no store.")
    if len(owned) > 1:
        raise Unprocessable("You own several stores: say which with vendor_id.")
    return owned[0]


async def list_for(session: AsyncSession, user_id: uuid.UUID) -> list[ShippingZone]:
    owned = await vendor_repo.owned_by(session, user_id)
    rows = await zone_repo.of_vendors(session, owned)
    return [zone for vendor in owned for zone in rows.get(vendor, [])]


async def own(session: AsyncSession, user_id: uuid.UUID, zone_id: uuid.UUID) -> ShippingZone:
    zone = await zone_repo.get(session, zone_id)
    if zone is None:
        raise NotFound(f"No shipping zone {zone_id}.")
    if zone.vendor_id not in await vendor_repo.owned_by(session, user_id):
        raise Forbidden("This shipping zone belongs to another store.")
    return zone


async def _check_free(
    session: AsyncSession, vendor_id: uuid.UUID, countries: list[str], but: uuid.UUID | None
) -> None:
    await zone_repo.lock_vendor(session, vendor_id)
    taken = await zone_repo.taken(session, vendor_id, countries, but=but)
    if taken:
        raise CountryTaken(
            f"Another shipping zone of the store covers {', '.join(taken)}: a country is in"
            " at most one zone."
        )


def _fill(zone: ShippingZone, spec: ZoneSpec) -> None:
    zone.name = spec.name
    zone.currency = spec.currency
    zone.countries = sorted(set(spec.countries))
    zone.rate_kind = spec.kind
    zone.flat_amount = spec.amount
    zone.bands = [{"up_to": band.up_to, "amount": band.amount} for band in spec.bands]
    zone.free_over_amount = spec.free_over


async def _audit(
    session: AsyncSession,
    outbox: Outbox,
    action: str,
    zone: ShippingZone,
    *,
    before: dict[str, object] | None = None,
    after: dict[str, object] | None = None,
) -> None:
    await audit.record(
        session,
        outbox,
        action=f"shipping_zone.{action}",
        resource_type="shipping_zone",
        resource_id=zone.id,
        before=before,
        after=after,
    )


async def create(
    session: AsyncSession, outbox: Outbox, user_id: uuid.UUID, spec: ZoneSpec
) -> ShippingZone:
    vendor_id = await _store_of(session, user_id, spec.vendor_id)
    await _check_free(session, vendor_id, spec.countries, None)
    at = saga.now()
    zone = ShippingZone(id=uuid.uuid4(), vendor_id=vendor_id, created_at=at, updated_at=at)
    _fill(zone, spec)
    session.add(zone)
    await session.flush()
    await zone_repo.set_countries(session, zone)
    await _audit(session, outbox, "create", zone, after=audit.snapshot(zone, AUDITED))
    return zone


async def replace(
    session: AsyncSession, outbox: Outbox, user_id: uuid.UUID, zone_id: uuid.UUID, spec: ZoneSpec
) -> ShippingZone:
    zone = await own(session, user_id, zone_id)
    if spec.vendor_id is not None and spec.vendor_id != zone.vendor_id:
        raise Unprocessable("A zone stays with its store: vendor_id cannot change.")
    await _check_free(session, zone.vendor_id, spec.countries, zone.id)
    before = audit.snapshot(zone, AUDITED)
    _fill(zone, spec)
    zone.updated_at = saga.now()
    await session.flush()
    await zone_repo.set_countries(session, zone)
    after = audit.snapshot(zone, AUDITED)
    await _audit(session, outbox, "replace", zone, before=before, after=after)
    return zone


async def delete(
    session: AsyncSession, outbox: Outbox, user_id: uuid.UUID, zone_id: uuid.UUID
) -> None:
    zone = await own(session, user_id, zone_id)
    await zone_repo.lock_vendor(session, zone.vendor_id)
    before = audit.snapshot(zone, AUDITED)
    await zone_repo.remove(session, zone)
    await _audit(session, outbox, "delete", zone, before=before)
