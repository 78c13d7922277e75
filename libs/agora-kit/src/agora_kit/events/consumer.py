"""Consuming events: the inbox, bounded retries with backoff, and the dead letter.

Each delivery is handled in one transaction of the consuming service's database that
first records the event id in the inbox, so a redelivered event is dropped and the
effect happens once. A handler that keeps failing is retried with exponential backoff;
after the last attempt the event is written to the ``dead_letter`` table (and the
inbox), so the events behind it move on and an operator can inspect and replay it.
A handler that failed because a dependency is unavailable (its database or the
payment provider slow or cut off: ``unavailable``) is not dead-lettered: the delivery
fails and the transport delivers it again later, until the dependency is back (ADR
0111); the events behind it wait, as they would fail the same way.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from opentelemetry import context as otel_context
from opentelemetry import propagate, trace
from sqlalchemy import insert, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from agora_contracts.events import EventPayload
from agora_kit.db import Database
from agora_kit.errors import unavailable
from agora_kit.events.envelope import CloudEvent, Message, from_message
from agora_kit.events.tables import dead_letter, inbox
from agora_kit.events.transport import Subscription, Transport
from agora_kit.logging import service_var
from agora_kit.metrics import ServiceMetrics

logger = logging.getLogger("agora.events.consumer")

# Records a delivery in the inbox; returns a row only the first time. As text: the
# PostgreSQL dialect's INSERT .. ON CONFLICT is not in SQLAlchemy 2.0's statement
# cache, so it would be compiled again for every event.
_FIRST_DELIVERY = text(
    "INSERT INTO inbox (consumer, event_id, event_type, topic)"
    " VALUES (:consumer, :event_id, :event_type, :topic)"
    " ON CONFLICT DO NOTHING RETURNING event_id"
)

P = TypeVar("P", bound=EventPayload)


Handler = Callable[[AsyncSession, Any, CloudEvent], Awaitable[None]]


class EventConsumer:
    """A service's subscriptions: ``@consumer.on(SomePayload)`` registers a handler."""

    def __init__(
        self,
        database: Database,
        metrics: ServiceMetrics,
        *,
        group: str,
        max_attempts: int = 5,
        retry_base_seconds: float = 0.2,
        retry_max_seconds: float = 10.0,
        tracer_provider: trace.TracerProvider | None = None,
    ) -> None:
        self.database = database
        self.metrics = metrics
        self.group = group
        self.max_attempts = max_attempts
        self.retry_base_seconds = retry_base_seconds
        self.retry_max_seconds = retry_max_seconds
        self._handlers: dict[str, tuple[type[EventPayload], Handler]] = {}
        self._subscription: Subscription | None = None
        self._transport: Transport | None = None
        self._tracer = trace.get_tracer("agora.events", tracer_provider=tracer_provider)

    def on(
        self, payload_type: type[P]
    ) -> Callable[
        [Callable[[AsyncSession, P, CloudEvent], Awaitable[None]]],
        Callable[[AsyncSession, P, CloudEvent], Awaitable[None]],
    ]:
        def register(
            func: Callable[[AsyncSession, P, CloudEvent], Awaitable[None]],
        ) -> Callable[[AsyncSession, P, CloudEvent], Awaitable[None]]:
            self._handlers[payload_type.event_type] = (payload_type, func)
            return func

        return register

    @property
    def topics(self) -> list[str]:
        return sorted({cls.topic for cls, _ in self._handlers.values()})

    async def start(self, transport: Transport) -> None:
        self._transport = transport
        if self._handlers:
            self._subscription = await transport.subscribe(
                self.group,
                self.topics,
                self.handle,
                on_lag=self.metrics.set_lag,
                wanted=frozenset(self._handlers),
            )

    async def stop(self) -> None:
        if self._subscription is not None:
            await self._subscription.close()
            self._subscription = None

    def _count(self, message: Message, event_type: str, outcome: str) -> None:
        self.metrics.events_consumed.labels(
            self.metrics.service, message.topic, event_type, outcome
        ).inc()

    async def handle(self, message: Message) -> None:
        """Handle one delivery. Raises only when a dependency is unavailable (see
        ``unavailable``) or even the dead letter cannot be written (the database is
        down): the transport then delivers it again."""
        service_var.set(self.metrics.service)
        # A type this group does not handle is known from its header: not decoded.
        event_type = message.header("ce_type")
        if event_type is not None and event_type not in self._handlers:
            self._count(message, event_type, "ignored")
            return
        try:
            event = from_message(message)  # its type is the header's: one handled here
        except Exception as exc:
            await self._dead_letter(message, "?", message.header("ce_id") or "?", 1, exc)
            return
        payload_type, handler = self._handlers[event.type]
        parent = propagate.extract({"traceparent": event.traceparent or ""})
        token = otel_context.attach(parent)
        try:
            with self._tracer.start_as_current_span(
                f"consume {event.type}",
                kind=trace.SpanKind.CONSUMER,
                attributes={"messaging.destination.name": message.topic, "event.id": event.id},
            ):
                await self._handle_with_retries(message, event, payload_type, handler)
        finally:
            otel_context.detach(token)

    async def _handle_with_retries(
        self,
        message: Message,
        event: CloudEvent,
        payload_type: type[EventPayload],
        handler: Handler,
    ) -> None:
        for attempt in range(1, self.max_attempts + 1):
            started = time.perf_counter()
            try:
                async with self.database.transaction() as session:
                    first_time = await session.execute(
                        _FIRST_DELIVERY,
                        {
                            "consumer": self.group,
                            "event_id": event.id,
                            "event_type": event.type,
                            "topic": message.topic,
                        },
                    )
                    if first_time.first() is None:
                        self._count(message, event.type, "duplicate")
                        return
                    payload = payload_type.model_validate(event.data)
                    await handler(session, payload, event)
            except Exception as exc:
                if attempt == self.max_attempts and unavailable(exc):
                    logger.warning(
                        "handling %s %s failed %d times on an unavailable dependency; "
                        "it will be delivered again: %r",
                        event.type,
                        event.id,
                        attempt,
                        exc,
                    )
                    self._count(message, event.type, "redelivered")
                    raise
                if attempt == self.max_attempts:
                    await self._dead_letter(message, event.type, event.id, attempt, exc)
                    return
                self._count(message, event.type, "retried")
                delay = min(self.retry_base_seconds * 2 ** (attempt - 1), self.retry_max_seconds)
                logger.warning(
                    "handling %s %s failed (attempt %d of %d), retrying in %.1fs: %r",
                    event.type,
                    event.id,
                    attempt,
                    self.max_attempts,
                    delay,
                    exc,
                )
                await asyncio.sleep(delay)
            else:
                self.metrics.event_handle_duration.labels(self.metrics.service, event.type).observe(
                    time.perf_counter() - started
                )
                self._count(message, event.type, "handled")
                return

    async def _dead_letter(
        self, message: Message, event_type: str, event_id: str, attempts: int, exc: Exception
    ) -> None:
        logger.error(
            "dead-lettering %s %s after %d attempt(s): %r", event_type, event_id, attempts, exc
        )
        async with self.database.transaction() as session:
            await session.execute(
                pg_insert(inbox)
                .values(
                    consumer=self.group,
                    event_id=event_id,
                    event_type=event_type,
                    topic=message.topic,
                    outcome="dead_letter",
                )
                .on_conflict_do_nothing()
            )
            await session.execute(
                insert(dead_letter).values(
                    consumer=self.group,
                    event_id=event_id,
                    event_type=event_type,
                    topic=message.topic,
                    key=message.key,
                    headers={k: v.decode(errors="replace") for k, v in message.headers},
                    value=message.value,
                    attempts=attempts,
                    error=repr(exc)[:2000],
                )
            )
        self.metrics.dead_letters.labels(self.metrics.service, message.topic, event_type).inc()
        self._count(message, event_type, "dead_lettered")
        await self._publish_dead_letter(message, attempts, exc)

    def dead_letter_topic(self, topic: str) -> str:
        return f"{topic}.dlq.{self.group}"

    async def _publish_dead_letter(self, message: Message, attempts: int, exc: Exception) -> None:
        """Also put the event on the dead-letter topic, for tools that watch the broker.
        Best effort: the dead_letter row, already committed, is the record of truth."""
        if self._transport is None:
            return
        headers = (
            *message.headers,
            ("agora_dead_letter_error", repr(exc)[:500].encode()),
            ("agora_dead_letter_attempts", str(attempts).encode()),
        )
        try:
            await self._transport.publish(
                Message(
                    topic=self.dead_letter_topic(message.topic),
                    key=message.key,
                    headers=headers,
                    value=message.value,
                )
            )
        except Exception as publish_error:
            logger.warning("could not publish to the dead-letter topic: %r", publish_error)
