"""Helpers for the payment service's tests: event delivery as the transport would, the
outbox and the ledger as a test reads them. Only tests import this module; signed
tokens come from :mod:`agora_kit.testing.tokens`."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from sqlalchemy import func, select

from agora_contracts.events import EventPayload
from agora_kit.events.envelope import CloudEvent, to_message
from agora_kit.events.tables import outbox
from agora_kit.settings import CommonSettings
from agora_payment.models import LedgerEntry
from agora_payment.settings import Settings


def payment_settings(database_url: str, events_database_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "database_url": database_url,
        "outbox_poll_seconds": 0.05,
        "event_retry_base_seconds": 0.05,
        "common": CommonSettings(events_database_url=events_database_url),
    }
    values.update(overrides)
    return Settings(**values)


async def deliver(app: FastAPI, payload: EventPayload, key: str) -> CloudEvent:
    """Hand an event to the service's consumer as the transport would (inbox and all)."""
    event = CloudEvent(
        source="/agora/test",
        type=payload.event_type,
        subject=key,
        data=payload.model_dump(mode="json"),
    )
    await app.state.runtime.consumer.handle(to_message(payload.topic, key, event))
    return event


async def outbox_events(app: FastAPI, event_type: str | None = None) -> list[dict[str, Any]]:
    """The CloudEvents the service wrote to its outbox, oldest first."""
    stmt = select(outbox.c.event).order_by(outbox.c.id)
    if event_type is not None:
        stmt = stmt.where(outbox.c.event_type == event_type)
    async with app.state.database.transaction() as session:
        return [dict(row) for row in (await session.scalars(stmt)).all()]


async def ledger_balances(app: FastAPI) -> dict[str, int]:
    """Each account's balance; and every transaction must sum to zero."""
    async with app.state.database.transaction() as session:
        unbalanced = list(
            await session.scalars(
                select(LedgerEntry.transaction_id)
                .group_by(LedgerEntry.transaction_id)
                .having(func.sum(LedgerEntry.amount) != 0)
            )
        )
        assert unbalanced == [], f"unbalanced ledger transactions: {unbalanced}"
        rows = await session.execute(
            select(LedgerEntry.account, func.sum(LedgerEntry.amount)).group_by(LedgerEntry.account)
        )
        return {account: int(total) for account, total in rows.all()}
