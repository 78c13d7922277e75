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
from typing import Any

from sqlalchemy import event as sa_event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from agora_contracts.events import EventPayload
from agora_contracts.order import OrderPlaced
from agora_kit.app import EventHandler
from agora_kit.events.envelope import CloudEvent
from agora_notification.models import WebhookEndpoint
from agora_notification.repository import webhooks as repo
from agora_notification.service.context import NotificationContext
from agora_notification.service.webhooks.shapes import PUBLIC, vendors_named

_WAKE = "agora_webhooks_wake"


def wake_after_commit(ctx: NotificationContext, session: AsyncSession) -> None:
    sync_session = session.sync_session
    if sync_session.info.get(_WAKE):
        return
    sync_session.info[_WAKE] = True

    def wake(_: Session) -> None:
        sync_session.info.pop(_WAKE, None)
        for callback in ctx.on_new_webhooks:
            callback()

    def forget(_: Session) -> None:
        sync_session.info.pop(_WAKE, None)

    sa_event.listen(sync_session, "after_commit", wake, once=True)
    sa_event.listen(sync_session, "after_rollback", forget, once=True)


def message(event_type: str, timestamp: str, data: dict[str, Any]) -> dict[str, Any]:
    """A delivery's body: Standard Webhooks' ``type``, ``timestamp`` and ``data``."""
    return {"type": event_type, "timestamp": timestamp, "data": data}


async def queue(
    ctx: NotificationContext,
    session: AsyncSession,
    endpoint: WebhookEndpoint,
    *,
    event_id: str,
    event_type: str,
    body: dict[str, Any],
) -> bool:
    now = ctx.now()
    added = await repo.add_delivery(
        session,
        {
            "id": uuid.uuid4(),
            "endpoint_id": endpoint.id,
            "event_id": event_id[:255],
            "event_type": event_type,
            "body": body,
            "status": "pending",
            "next_attempt_at": now,
            "window_started_at": now,
            "created_at": now,
        },
    )
    if added:
        wake_after_commit(ctx, session)
    return added


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
    if isinstance(order_id, uuid.UUID):
        stores |= await repo.order_vendors(session, order_id)
    timestamp = event.time.isoformat()
    count = 0
    for endpoint in endpoints:
        if endpoint.vendor_id is not None and endpoint.vendor_id not in stores:
            continue
        body = message(public.name, timestamp, public.shape(payload, endpoint.vendor_id))
        count += await queue(
            ctx, session, endpoint, event_id=event.id, event_type=public.name, body=body
        )
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
