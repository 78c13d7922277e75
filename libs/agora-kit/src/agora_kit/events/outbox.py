"""The transactional outbox: events are rows written in the caller's transaction, so
an event exists if and only if the change it announces was committed."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from opentelemetry import propagate
from sqlalchemy import String, cast, delete, insert, or_
from sqlalchemy import event as sa_event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from agora_contracts.events import EventPayload
from agora_kit.events.envelope import CloudEvent
from agora_kit.events.tables import outbox


class Outbox:
    """Writes a service's events into its outbox table, in the session's transaction."""

    def __init__(self, source: str) -> None:
        self.source = source
        self._on_commit: list[Callable[[], None]] = []

    def notify_on_commit(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` after a transaction that wrote events commits (wakes the
        relay at once instead of at its next poll)."""
        self._on_commit.append(callback)

    async def add(
        self,
        session: AsyncSession,
        payload: EventPayload,
        *,
        key: str,
        subject: str | None = None,
    ) -> CloudEvent:
        carrier: dict[str, str] = {}
        propagate.inject(carrier)
        event = CloudEvent(
            source=self.source,
            type=payload.event_type,
            subject=subject if subject is not None else key,
            data=payload.model_dump(mode="json"),
            traceparent=carrier.get("traceparent"),
            tracestate=carrier.get("tracestate"),
        )
        await session.execute(
            insert(outbox).values(
                event_id=event.id,
                topic=payload.topic,
                key=key,
                event_type=event.type,
                event=event.model_dump(mode="json"),
            )
        )
        if self._on_commit:
            wakers = session.sync_session.info.setdefault(_WAKERS, {})
            for callback in self._on_commit:
                wakers[callback] = None
        return event


async def forget_published_naming(session: AsyncSession, user_id: uuid.UUID) -> int:
    """Erasure (ADR 0112): delete the published events kept in the outbox (for the
    relay's purge after 7 days, and a restore's replay) that name ``user_id``, by key or
    anywhere in the event, since they may carry the person's address, name or e-mail.
    Unpublished ones stay: they must still reach their consumers. How many went."""
    named = str(user_id)
    result: Any = await session.execute(
        delete(outbox).where(
            outbox.c.published_at.is_not(None),
            or_(outbox.c.key == named, cast(outbox.c.event, String).contains(named)),
        )
    )
    return int(result.rowcount or 0)


# The callbacks to call once the session's transaction commits, in its ``info``: a
# listener registered per transaction cost more than the event's INSERT.
_WAKERS = "agora.outbox.wakers"


@sa_event.listens_for(Session, "after_commit")
def _wake_after_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint released: the events are not committed yet
    wakers: dict[Callable[[], None], None] | None = session.info.pop(_WAKERS, None)
    for callback in wakers or ():
        callback()
