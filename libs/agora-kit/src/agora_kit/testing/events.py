"""Events in a service's tests: delivered to its consumer as a transport would deliver
them (inbox, retries and all), and read back from its outbox."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from fastapi import FastAPI
from sqlalchemy import select

from agora_contracts.events import EventPayload
from agora_kit.events.envelope import CloudEvent, to_message
from agora_kit.events.tables import outbox


async def deliver(
    app: FastAPI,
    payload: EventPayload,
    key: str,
    *,
    at: datetime | None = None,
    event_id: str | None = None,
    extra: dict[str, Any] | None = None,
) -> CloudEvent:
    """Hand an event to the app's consumer as the transport would; the event. ``extra``
    adds fields a newer producer might send."""
    event = CloudEvent(
        id=event_id or str(uuid.uuid4()),
        source="/agora/test",
        type=payload.event_type,
        subject=key,
        time=at or datetime.now(UTC),
        data={**payload.model_dump(mode="json"), **(extra or {})},
    )
    await redeliver(app, payload, key, event)
    return event


async def redeliver(app: FastAPI, payload: EventPayload, key: str, event: CloudEvent) -> None:
    """Deliver the very same event again (what an at-least-once transport does)."""
    await app.state.runtime.consumer.handle(to_message(payload.topic, key, event))


async def outbox_events(app: FastAPI, event_type: str | None = None) -> list[dict[str, Any]]:
    """The CloudEvents the app wrote to its outbox, oldest first."""
    stmt = select(outbox.c.event).order_by(outbox.c.id)
    if event_type is not None:
        stmt = stmt.where(outbox.c.event_type == event_type)
    async with app.state.database.transaction() as session:
        return [dict(row) for row in (await session.scalars(stmt)).all()]
