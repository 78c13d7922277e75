"""From a consumed event to webhook deliveries: one per subscribed endpoint that may
see it, written in the consumer's transaction with the event's inbox row (ADR 0006),
so an event makes its deliveries once, however often it arrives. The worker is woken
when that transaction commits.

An admin's endpoint (no store) hears every event of its types; a store's endpoint
hears the events that concern its store: the store the event names, the stores of an
order's lines, and for events naming only an order (a payment, a cancellation), the
stores learned from that order's ``order.placed``."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from agora_contracts.events import EventPayload
from agora_contracts.order import OrderPlaced
from agora_kit.app import EventHandler
from agora_kit.db import after_commit
from agora_kit.events.envelope import CloudEvent
from agora_notification.repository import webhooks as repo
from agora_notification.service.context import NotificationContext
from agora_notification.service.webhooks.shapes import PUBLIC, Data, vendors_named


def wake_after_commit(ctx: NotificationContext, session: AsyncSession) -> None:
    """Wake the delivery worker once the session's transaction commits."""
    for callback in ctx.on_new_webhooks:
        after_commit(session, callback)


def message(event_type: str, timestamp: str, data: dict[str, Any]) -> dict[str, Any]:
    """A delivery's body: Standard Webhooks' ``type``, ``timestamp`` and ``data``."""
    return {"type": event_type, "timestamp": timestamp, "data": data}


def pending(
    endpoint_id: uuid.UUID, event_id: str, event_type: str, body: dict[str, Any], now: datetime
) -> dict[str, Any]:
    """A new delivery's row: due now, its retry window starting now."""
    return {
        "id": uuid.uuid4(),
        "endpoint_id": endpoint_id,
        "event_id": event_id[:255],
        "event_type": event_type,
        "body": body,
        "status": "pending",
        "attempts": 0,
        "next_attempt_at": now,
        "window_started_at": now,
        "created_at": now,
    }


async def publish(
    ctx: NotificationContext, session: AsyncSession, payload: EventPayload, event: CloudEvent
) -> int:
    """Queue ``payload`` for the endpoints that want it and may see it; how many."""
    public = PUBLIC.get(type(payload))
    if public is None:
        return 0
    endpoints = await repo.subscribed(session, public.name)
    if not endpoints:
        return 0
    stores = vendors_named(payload)
    order_id = getattr(payload, "order_id", None)
    if isinstance(order_id, uuid.UUID) and any(e.vendor_id is not None for e in endpoints):
        stores |= await repo.order_vendors(session, order_id)
    timestamp = event.time.isoformat()
    now = ctx.now()
    # One body per store seen (every admin's endpoint gets the same one).
    bodies: dict[uuid.UUID | None, Data] = {}
    rows: list[dict[str, object]] = []
    for endpoint in endpoints:
        store = endpoint.vendor_id
        if store is not None and store not in stores:
            continue
        if store not in bodies:
            bodies[store] = message(public.name, timestamp, public.shape(payload, store))
        rows.append(pending(endpoint.id, event.id, public.name, bodies[store], now))
    count = await repo.add_deliveries(session, rows)
    if count:
        wake_after_commit(ctx, session)
    return count


def also_publish(
    handler: EventHandler[NotificationContext] | None,
) -> EventHandler[NotificationContext]:
    """The event's webhooks, then ``handler`` (its notification story), in one
    transaction."""

    async def handle(
        ctx: NotificationContext, session: AsyncSession, payload: Any, event: CloudEvent
    ) -> None:
        if isinstance(payload, OrderPlaced):
            await repo.learn_order_vendors(
                session,
                payload.order_id,
                (line.vendor_id for line in payload.lines if line.vendor_id),
            )
        await publish(ctx, session, payload, event)
        if handler is not None:
            await handler(ctx, session, payload, event)

    handle.__name__ = getattr(handler, "__name__", "publish_webhooks")
    return handle
