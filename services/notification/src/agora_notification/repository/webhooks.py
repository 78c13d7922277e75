"""Webhook endpoints, their deliveries (the delivery log) and the stores of orders."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import func, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from agora_kit.pagination import Page, PageParams, entity_page
from agora_notification.models import (
    WebhookDelivery,
    WebhookEndpoint,
    WebhookOrderVendor,
)
from agora_notification.repository import refs


async def endpoint(session: AsyncSession, endpoint_id: uuid.UUID) -> WebhookEndpoint | None:
    found: WebhookEndpoint | None = await session.get(WebhookEndpoint, endpoint_id)
    return found


async def endpoints_page(
    session: AsyncSession, owner_id: uuid.UUID | None, params: PageParams
) -> Page[WebhookEndpoint]:
    """Endpoints oldest first: ``owner_id``'s, or every one when None."""
    stmt = select(WebhookEndpoint)
    if owner_id is not None:
        stmt = stmt.where(WebhookEndpoint.owner_id == owner_id)
    return await entity_page(
        session, stmt, key=[WebhookEndpoint.created_at, WebhookEndpoint.id], params=params
    )


async def count_of(session: AsyncSession, owner_id: uuid.UUID) -> int:
    count = await session.scalar(
        select(func.count())
        .select_from(WebhookEndpoint)
        .where(WebhookEndpoint.owner_id == owner_id)
    )
    return int(count or 0)


async def subscribed(session: AsyncSession, event_type: str) -> list[WebhookEndpoint]:
    """Active endpoints subscribed to ``event_type``."""
    rows = await session.scalars(
        select(WebhookEndpoint).where(
            WebhookEndpoint.active.is_(True),
            WebhookEndpoint.events.contains([event_type]),
        )
    )
    return list(rows)


async def add_deliveries(session: AsyncSession, rows: list[dict[str, object]]) -> int:
    """Deliveries in one statement, once per (endpoint, event); how many are new."""
    if not rows:
        return 0
    result = await session.execute(
        pg_insert(WebhookDelivery)
        .values(rows)
        .on_conflict_do_nothing(constraint="uq_webhook_deliveries_endpoint_event")
        .returning(WebhookDelivery.id)
    )
    return len(result.all())


async def next_due(
    session: AsyncSession, now: datetime
) -> tuple[WebhookDelivery, WebhookEndpoint] | None:
    """The oldest due delivery of an active endpoint, locked (other workers and
    replicas skip it), with its endpoint, unlocked."""
    row = (
        await session.execute(
            select(WebhookDelivery, WebhookEndpoint)
            .join(WebhookEndpoint, WebhookEndpoint.id == WebhookDelivery.endpoint_id)
            .where(
                WebhookDelivery.status == "pending",
                WebhookDelivery.next_attempt_at <= now,
                WebhookEndpoint.active.is_(True),
            )
            .order_by(WebhookDelivery.next_attempt_at)
            .limit(1)
            .with_for_update(of=WebhookDelivery, skip_locked=True)
        )
    ).first()
    return None if row is None else (row[0], row[1])


async def count_failure(session: AsyncSession, endpoint_id: uuid.UUID) -> tuple[int, bool]:
    """One more failure in a row, counted in the database, so concurrent deliveries of
    the endpoint count one at a time (the row stays locked until the commit): the new
    count, and whether the endpoint is still active."""
    row = (
        await session.execute(
            update(WebhookEndpoint)
            .where(WebhookEndpoint.id == endpoint_id)
            .values(consecutive_failures=WebhookEndpoint.consecutive_failures + 1)
            .returning(WebhookEndpoint.consecutive_failures, WebhookEndpoint.active)
            .execution_options(synchronize_session=False)
        )
    ).one()
    return int(row[0]), bool(row[1])


async def count_success(session: AsyncSession, endpoint_id: uuid.UUID) -> None:
    """A success resets the endpoint's failure count (no write when it is 0 already)."""
    await session.execute(
        update(WebhookEndpoint)
        .where(WebhookEndpoint.id == endpoint_id, WebhookEndpoint.consecutive_failures != 0)
        .values(consecutive_failures=0)
        .execution_options(synchronize_session=False)
    )


async def delivery(
    session: AsyncSession, endpoint_id: uuid.UUID, delivery_id: uuid.UUID
) -> WebhookDelivery | None:
    found: WebhookDelivery | None = await session.scalar(
        select(WebhookDelivery).where(
            WebhookDelivery.id == delivery_id, WebhookDelivery.endpoint_id == endpoint_id
        )
    )
    return found


async def deliveries_page(
    session: AsyncSession, endpoint_id: uuid.UUID, params: PageParams, status: str | None
) -> Page[WebhookDelivery]:
    """The endpoint's delivery log, newest first."""
    stmt = select(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint_id)
    if status is not None:
        stmt = stmt.where(WebhookDelivery.status == status)
    return await entity_page(
        session,
        stmt,
        key=[WebhookDelivery.created_at, WebhookDelivery.id],
        params=params,
        direction="desc",
    )


# The stores an order buys from. As text: SQLAlchemy 2.0 does not cache the PostgreSQL
# dialect's INSERT .. ON CONFLICT and would compile it again for every order.
_LEARN_ORDER_VENDORS = text(
    "INSERT INTO webhook_order_vendors (order_id, vendor_id)"
    " SELECT CAST(:order_id AS uuid), vendor_id"
    " FROM unnest(CAST(:vendor_ids AS uuid[])) AS given(vendor_id)"
    " ON CONFLICT DO NOTHING"
)


async def learn_order_vendors(
    session: AsyncSession, order_id: uuid.UUID, vendor_ids: Iterable[uuid.UUID]
) -> None:
    vendors = sorted(set(vendor_ids))
    if vendors:
        await session.execute(_LEARN_ORDER_VENDORS, {"order_id": order_id, "vendor_ids": vendors})


async def order_vendors(session: AsyncSession, order_id: uuid.UUID) -> set[uuid.UUID]:
    rows = await session.scalars(
        select(WebhookOrderVendor.vendor_id).where(WebhookOrderVendor.order_id == order_id)
    )
    return set(rows)


async def store_of(session: AsyncSession, owner_id: uuid.UUID) -> uuid.UUID | None:
    """The store ``owner_id`` owns (a webhook endpoint is one store's), as learned from
    the catalog."""
    stores = await refs.stores_of(session, owner_id)
    return stores[0] if stores else None
