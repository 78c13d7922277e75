"""The dispatcher: sends due deliveries, retries with backoff, dead-letters.

Each worker takes the oldest due ``pending`` delivery ``FOR UPDATE SKIP LOCKED`` and
sends it inside that row's transaction, then writes the attempt (the delivery log) and
the delivery's new state in the same transaction. Replicas and workers never send the
same row at once; a crash between the provider's acceptance and the commit sends it
again (at-least-once, with the same Message-ID).

A failed attempt schedules the next one after ``base * 2**(attempt-1)`` seconds (capped,
with up to 20% jitter so a recovering server is not hit by every retry at once). After
``delivery_max_attempts`` attempts, or at once on a permanent refusal (an unknown
mailbox), the delivery is ``dead``: the dead-letter state, kept with its content and
attempts for an operator, who can queue it again (``agora notification redeliver``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from prometheus_client import Counter

from agora_kit.db import Database
from agora_kit.metrics import ServiceMetrics
from agora_kit.waking import Bell, stop_if_cancelled
from agora_notification.adapters.base import Closing, DeliveryFailed, Outgoing, Sender
from agora_notification.models import Delivery, DeliveryAttempt
from agora_notification.repository import deliveries as delivery_repo
from agora_notification.repository import devices as device_repo
from agora_notification.settings import Settings

logger = logging.getLogger("agora.notification.dispatcher")

_ERROR_MAX = 2000


def backoff_seconds(settings: Settings, attempt: int, jitter: float | None = None) -> float:
    delay = settings.delivery_retry_base_seconds * 2 ** (attempt - 1)
    spread = random.random() if jitter is None else jitter  # noqa: S311 - not security
    return float(min(delay, settings.delivery_retry_max_seconds) * (1 + 0.2 * spread))


class Dispatcher:
    def __init__(
        self,
        database: Database,
        senders: dict[str, Sender],
        settings: Settings,
        metrics: ServiceMetrics,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.database = database
        self.senders = senders
        self.settings = settings
        self.clock = clock
        self._bell = Bell()
        self.sent = Counter(
            "agora_notification_delivery_attempts_total",
            "Attempts to send a notification, by channel and outcome (sent, failed, rejected)",
            ["service", "channel", "outcome"],
            registry=metrics.registry,
        )
        self.dead = Counter(
            "agora_notification_deliveries_dead_total",
            "Deliveries given up after the last attempt or a permanent refusal",
            ["service", "channel"],
            registry=metrics.registry,
        )
        self.service = metrics.service

    def wake(self) -> None:
        """New deliveries committed: one idle worker looks (and rings for the next if
        it finds one)."""
        self._bell.ring()

    async def run(self) -> None:
        workers = [
            asyncio.create_task(self._worker(polls=i == 0), name=f"notification-dispatcher-{i}")
            for i in range(self.settings.delivery_workers)
        ]
        try:
            await asyncio.gather(*workers)
        finally:
            for worker in workers:
                worker.cancel()
            for worker in workers:
                with contextlib.suppress(asyncio.CancelledError):
                    await worker
            for sender in self.senders.values():
                if isinstance(sender, Closing):
                    await sender.aclose()

    async def _worker(self, *, polls: bool) -> None:
        """Send a due delivery, then wait to be woken: one worker by a commit that made
        deliveries, one more by a worker that found one (there may be more), never all
        of them at once. A worker that found one does not look again itself once it is
        sent: the ring it gave on finding it has a worker look (itself, when no other
        waits): one look less per delivery found. Only the polling worker also looks
        for retries fallen due every ``delivery_poll_seconds`` (and again after a
        failure), so an idle replica asks the database once a round, not once per
        worker, and keeps one connection busy, not one per worker."""
        poll = self.settings.delivery_poll_seconds
        while True:
            # Forgotten before looking, so a ring during the query is not lost.
            self._bell.clear()
            try:
                # One at most: finding one woke a worker to look for the next.
                await self.send_one()
            except asyncio.CancelledError:
                raise
            except Exception:
                stop_if_cancelled()
                # The database is away, say: wait a round and try again, never die.
                logger.exception("the dispatcher failed; retrying")
                await self._bell.wait(poll)
                continue
            await self._bell.wait(poll if polls else None)

    async def drain(self) -> int:
        """Send everything due now, one at a time (for tests and the CLI)."""
        count = 0
        while await self.send_one():
            count += 1
        return count

    async def send_one(self) -> bool:
        """Send the next due delivery; False when none is due."""
        async with self.database.transaction() as session:
            delivery = await delivery_repo.next_due(session, self.clock())
            if delivery is None:
                return False
            self._bell.ring()  # one more worker looks for the next one meanwhile
            attempt = delivery.attempts + 1
            started = self.clock()
            outcome, error, provider_id, gone = await self._attempt(delivery)
            finished = self.clock()
            session.add(
                DeliveryAttempt(
                    delivery_id=delivery.id,
                    attempt=attempt,
                    outcome=outcome,
                    error=error,
                    started_at=started,
                    finished_at=finished,
                )
            )
            delivery.attempts = attempt
            delivery.updated_at = finished
            delivery.last_error = error
            if outcome == "sent":
                delivery.status = "sent"
                delivery.sent_at = finished
                delivery.provider_message_id = provider_id
                delivery.next_attempt_at = None
                delivery.content = None
            elif outcome == "rejected" or attempt >= self.settings.delivery_max_attempts:
                # The content stays, so an operator can send it again.
                delivery.status = "dead"
                delivery.next_attempt_at = None
                if gone and delivery.channel == "push" and delivery.recipient:
                    # The provider no longer knows the device: stop pushing to it.
                    await device_repo.forget_token(session, delivery.recipient)
                self.dead.labels(self.service, delivery.channel).inc()
                logger.error(
                    "%s delivery %s is dead after %d attempt(s): %s",
                    delivery.channel,
                    delivery.id,
                    attempt,
                    error,
                )
            else:
                delay = backoff_seconds(self.settings, attempt)
                delivery.next_attempt_at = finished + timedelta(seconds=delay)
                logger.warning(
                    "%s delivery %s failed (attempt %d of %d), next in %.1fs: %s",
                    delivery.channel,
                    delivery.id,
                    attempt,
                    self.settings.delivery_max_attempts,
                    delay,
                    error,
                )
            self.sent.labels(self.service, delivery.channel, outcome).inc()
        return True

    async def _attempt(self, delivery: Delivery) -> tuple[str, str | None, str | None, bool]:
        """The outcome, the error, the provider's id, and whether the recipient is gone."""
        sender = self.senders.get(delivery.channel)
        if sender is None or delivery.recipient is None or delivery.content is None:
            return "rejected", f"nothing can send this {delivery.channel} delivery", None, False
        message = Outgoing(
            delivery_id=str(delivery.id),
            channel=delivery.channel,
            recipient=delivery.recipient,
            subject=delivery.subject,
            content=dict(delivery.content),
        )
        try:
            provider_id = await sender.send(message)
        except DeliveryFailed as exc:
            outcome = "rejected" if exc.permanent else "failed"
            return outcome, exc.reason[:_ERROR_MAX], None, exc.recipient_gone
        except Exception as exc:
            # A bug in an adapter must not stop the queue: log it, retry like a failure.
            logger.exception("sender for %s raised", delivery.channel)
            return "failed", repr(exc)[:_ERROR_MAX], None, False
        return "sent", None, provider_id, False
