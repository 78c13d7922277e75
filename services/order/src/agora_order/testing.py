"""Helpers for the order service's tests: catalog events that stock the read model,
event delivery as the transport would, and the outbox as a test reads it. Only tests
import this module; signed tokens come from :mod:`agora_kit.testing.tokens`."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from fastapi import FastAPI
from sqlalchemy import select

from agora_contracts.catalog import Money, ProductPublished, VariantSnapshot
from agora_contracts.events import EventPayload
from agora_kit.events.envelope import CloudEvent, to_message
from agora_kit.events.tables import outbox
from agora_kit.settings import CommonSettings
from agora_order.settings import Settings

ADDRESS: dict[str, Any] = {
    "name": "Ada Lovelace",
    "line1": "12 St James's Square",
    "city": "London",
    "postal_code": "SW1Y 4JH",
    "country": "GB",
}


def order_settings(database_url: str, events_database_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "database_url": database_url,
        "outbox_poll_seconds": 0.05,
        "event_retry_base_seconds": 0.05,
        "common": CommonSettings(events_database_url=events_database_url),
    }
    values.update(overrides)
    return Settings(**values)


def product(
    skus: Sequence[tuple[str, int, int]],
    *,
    vendor_id: uuid.UUID | None = None,
    product_id: uuid.UUID | None = None,
    title: str = "A product",
    currency: str = "USD",
) -> ProductPublished:
    """A published product whose variants are (sku, price in minor units, available)."""
    return ProductPublished(
        product_id=product_id or uuid.uuid4(),
        vendor_id=vendor_id or uuid.uuid4(),
        category_id=uuid.uuid4(),
        title=title,
        variants=[
            VariantSnapshot(sku=sku, price=Money(amount=price, currency=currency), available=n)
            for sku, price, n in skus
        ],
    )


async def deliver(
    app: FastAPI, payload: EventPayload, key: str, *, at: datetime | None = None
) -> CloudEvent:
    """Hand an event to the service's consumer as the transport would (inbox and all)."""
    event = CloudEvent(
        source="/agora/test",
        type=payload.event_type,
        subject=key,
        time=at or datetime.now(UTC),
        data=payload.model_dump(mode="json"),
    )
    await redeliver(app, payload, key, event)
    return event


async def redeliver(app: FastAPI, payload: EventPayload, key: str, event: CloudEvent) -> None:
    """Deliver the very same event again (what an at-least-once transport does)."""
    await app.state.runtime.consumer.handle(to_message(payload.topic, key, event))


async def outbox_events(app: FastAPI, event_type: str | None = None) -> list[dict[str, Any]]:
    """The CloudEvents the service wrote to its outbox, oldest first."""
    stmt = select(outbox.c.event).order_by(outbox.c.id)
    if event_type is not None:
        stmt = stmt.where(outbox.c.event_type == event_type)
    async with app.state.database.transaction() as session:
        return [dict(row) for row in (await session.scalars(stmt)).all()]
