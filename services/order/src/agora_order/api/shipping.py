"""A store's shipping zones: ``/vendor/shipping-zones`` (ADR 0113)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Response, status

from agora_kit.app import OutboxDep
from agora_kit.auth import ROLE_VENDOR, Principal, require_roles
from agora_kit.db import SessionDep
from agora_kit.errors import problem_responses
from agora_kit.pagination import Page
from agora_order.api.deps import user_of
from agora_order.api.shipping_schemas import ShippingZoneIn, ShippingZoneOut, zone_out
from agora_order.service import zones

router = APIRouter(prefix="/vendor/shipping-zones", tags=["vendors"])
# A store's owner edits its shipping in person (API keys have no scope for it).
OwnerDep = Annotated[Principal, Depends(require_roles(ROLE_VENDOR))]


@router.get(
    "",
    summary="Your stores' shipping zones",
    response_model=Page[ShippingZoneOut],
    responses=problem_responses(401, 403),
)
async def list_zones(principal: OwnerDep, session: SessionDep) -> Page[ShippingZoneOut]:
    """Every shipping zone of the caller's stores, oldest first, on one page (a store has
    at most one zone per country, so the list is short). A store with no zones ships
    everywhere by the platform's default rule."""
    found = await zones.list_for(session, user_of(principal))
    return Page[ShippingZoneOut](items=[zone_out(zone) for zone in found], next_cursor=None)


@router.post(
    "",
    summary="Add a shipping zone",
    status_code=status.HTTP_201_CREATED,
    response_model=ShippingZoneOut,
    responses=problem_responses(401, 403, 409, 422),
)
async def create_zone(
    body: ShippingZoneIn,
    principal: OwnerDep,
    session: SessionDep,
    outbox: OutboxDep,
    response: Response,
) -> ShippingZoneOut:
    """A zone of the caller's store: the countries it covers (each in at most one zone
    of the store: 409 otherwise) and its rate, `flat` or in `weight` bands (grams, from
    each SKU's `weight_g` attribute) or `subtotal` bands, free from `free_over`. Once a
    store has zones, it ships only to their countries."""
    zone = await zones.create(session, outbox, user_of(principal), body.spec())
    response.headers["Location"] = f"{router.prefix}/{zone.id}"
    return zone_out(zone)


@router.get(
    "/{zone_id}",
    summary="One shipping zone",
    response_model=ShippingZoneOut,
    responses=problem_responses(401, 403, 404),
)
async def get_zone(zone_id: uuid.UUID, principal: OwnerDep, session: SessionDep) -> ShippingZoneOut:
    """One zone of the caller's stores (403 for another store's)."""
    return zone_out(await zones.own(session, user_of(principal), zone_id))


@router.put(
    "/{zone_id}",
    summary="Replace a shipping zone",
    response_model=ShippingZoneOut,
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def replace_zone(
    zone_id: uuid.UUID,
    body: ShippingZoneIn,
    principal: OwnerDep,
    session: SessionDep,
    outbox: OutboxDep,
) -> ShippingZoneOut:
    """Replace the zone's countries and rate; orders already placed keep what they were
    charged."""
    user = user_of(principal)
    return zone_out(await zones.replace(session, outbox, user, zone_id, body.spec()))


@router.delete(
    "/{zone_id}",
    summary="Delete a shipping zone",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(401, 403, 404),
)
async def delete_zone(
    zone_id: uuid.UUID, principal: OwnerDep, session: SessionDep, outbox: OutboxDep
) -> Response:
    """Delete the zone: the store no longer ships to its countries (or, its last zone
    gone, ships everywhere by the default rule again)."""
    await zones.delete(session, outbox, user_of(principal), zone_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
