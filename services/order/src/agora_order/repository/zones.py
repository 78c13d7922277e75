"""Stores' shipping zones and the countries each covers (ADR 0113)."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import delete, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from agora_order.models import ShippingZone, ShippingZoneCountry


async def of_vendors(
    session: AsyncSession, vendor_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[ShippingZone]]:
    """The zones of each store, oldest first."""
    found: dict[uuid.UUID, list[ShippingZone]] = defaultdict(list)
    if not vendor_ids:
        return found
    rows = await session.scalars(
        select(ShippingZone)
        .where(ShippingZone.vendor_id.in_(set(vendor_ids)))
        .order_by(ShippingZone.created_at, ShippingZone.id)
    )
    for zone in rows:
        found[zone.vendor_id].append(zone)
    return found


async def get(
    session: AsyncSession, zone_id: uuid.UUID, *, lock: bool = False
) -> ShippingZone | None:
    statement = select(ShippingZone).where(ShippingZone.id == zone_id)
    if lock:
        statement = statement.with_for_update()
    return (await session.scalars(statement)).first()


async def taken(
    session: AsyncSession, vendor_id: uuid.UUID, countries: Sequence[str], *, but: uuid.UUID | None
) -> list[str]:
    """Those of ``countries`` another zone of the store (not ``but``) covers."""
    statement = select(ShippingZoneCountry.country).where(
        ShippingZoneCountry.vendor_id == vendor_id, ShippingZoneCountry.country.in_(countries)
    )
    if but is not None:
        statement = statement.where(ShippingZoneCountry.zone_id != but)
    return sorted(await session.scalars(statement))


async def set_countries(session: AsyncSession, zone: ShippingZone) -> None:
    """Make the zone's country rows what ``zone.countries`` says."""
    await session.execute(delete(ShippingZoneCountry).where(ShippingZoneCountry.zone_id == zone.id))
    session.add_all(
        ShippingZoneCountry(vendor_id=zone.vendor_id, country=country, zone_id=zone.id)
        for country in zone.countries
    )
    await session.flush()


async def remove(session: AsyncSession, zone: ShippingZone) -> None:
    await session.delete(zone)
    await session.flush()


async def lock_vendor(session: AsyncSession, vendor_id: uuid.UUID) -> None:
    """A transaction-scoped advisory lock on one store's zones: edits take turns, so
    the check that a country is free holds until the edit commits."""
    await session.execute(
        text("SELECT pg_advisory_xact_lock(hashtextextended(:vendor, 0))"),
        {"vendor": f"shipping-zones:{vendor_id}"},
    )
