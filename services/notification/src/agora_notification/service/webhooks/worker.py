"""The webhook delivery worker: sends due deliveries, retries, gives up, disables.

Each worker takes the oldest due ``pending`` delivery of an active endpoint ``FOR
UPDATE SKIP LOCKED`` and sends it inside that row's transaction, then records the
attempt on the row, so replicas and workers never send one delivery at once. A crash
after the receiver answered and before the commit sends it again, with the same
``webhook-id``: at-least-once, and receivers dedupe on the id.

A failed attempt (no answer, or anything but 2xx) waits a random time between 0 and
``base * 2**(attempt-1)`` seconds, capped (exponential backoff with full jitter), and
the delivery is ``failed`` once the next attempt would fall after the retry window
(3 days by default) since its first. Every failure counts against its endpoint; after
``webhook_disable_after_failures`` in a row (any success resets the count) the
endpoint is disabled and its owner told (in-app and by e-mail); its pending
deliveries wait, and go out when the owner turns it back on.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import random
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from prometheus_client import Counter

from agora_kit.db import Database
from agora_kit.metrics import ServiceMetrics
from agora_kit.waking import Bell, stop_if_cancelled
from agora_notification.adapters.webhooks import Answer, WebhookClient, headers_for
from agora_notification.models import WebhookDelivery, WebhookEndpoint
from agora_notification.repository import webhooks as repo
from agora_notification.service.webhooks import secrets

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from agora_notification.service.context import NotificationContext
    from agora_notification.settings import Settings

logger = logging.getLogger("agora.notification.webhooks")


def backoff_seconds(settings: Settings, attempt: int, jitter: float | None = None) -> float:
    ceiling = min(
        settings.webhook_retry_base_seconds * 2 ** (attempt - 1),
        settings.webhook_retry_max_seconds,
    )
    spread = random.random() if jitter is None else jitter  # noqa: S311 - not security
    return float(ceiling * spread)


def body_bytes(delivery: WebhookDelivery) -> bytes:
    return json.dumps(delivery.body, separators=(",", ":"), ensure_ascii=False).encode()


def client_for(settings: Settings) -> WebhookClient:
    return WebhookClient(
        allow_private=settings.webhook_allow_private_addresses,
        timeout_seconds=settings.webhook_timeout_seconds,
        max_response_bytes=settings.webhook_response_max_bytes,
    )


class WebhookWorker:
    def __init__(self, database: Database, metrics: ServiceMetrics) -> None:
        self.database = database
        self._bell = Bell()
        self.service = metrics.service
        self.attempts = Counter(
            "agora_notification_webhook_attempts_total",
            "Attempts to deliver a webhook, by outcome (succeeded, failed)",
            ["service", "outcome"],
            registry=metrics.registry,
        )
        self.given_up = Counter(
            "agora_notification_webhook_deliveries_failed_total",
            "Webhook deliveries given up after their retry window",
            ["service"],
            registry=metrics.registry,
        )
        self.disabled = Counter(
            "agora_notification_webhook_endpoints_disabled_total",
            "Webhook endpoints disabled after repeated failure",
            ["service"],
            registry=metrics.registry,
        )

    def wake(self) -> None:
        """New deliveries committed: one idle worker looks (and rings for the next if
        it finds one)."""
        self._bell.ring()

    async def run(self, ctx: NotificationContext) -> None:
        client = client_for(ctx.settings)
        workers = [
            asyncio.create_task(self._worker(ctx, client, polls=i == 0), name=f"webhook-worker-{i}")
            for i in range(ctx.settings.webhook_workers)
        ]
        try:
            await asyncio.gather(*workers)
        finally:
            for worker in workers:
                worker.cancel()
            for worker in workers:
                with contextlib.suppress(asyncio.CancelledError):
                    await worker
            await client.aclose()

    async def _worker(
        self, ctx: NotificationContext, client: WebhookClient, *, polls: bool
    ) -> None:
        """Send a due delivery, then wait to be woken: one loop by a commit that made
        deliveries, one more by a loop that found one (there may be more), never all
        of them at once. A loop that found one does not look again itself once it is
        sent: the ring it gave on finding it has a loop look (itself, when no other
        waits): one look less per delivery found. Only the polling loop also looks
        for due retries every ``webhook_poll_seconds``, so an idle replica asks the
        database once a round, not once per loop."""
        poll = ctx.settings.webhook_poll_seconds if polls else None
        while True:
            # Forgotten before looking, so a ring during the query is not lost.
            self._bell.clear()
            try:
                # One at most: finding one woke a loop to look for the next.
                await self.send_one(ctx, client)
            except asyncio.CancelledError:
                raise
            except Exception:
                stop_if_cancelled()
                logger.exception("the webhook worker failed; retrying")
            await self._bell.wait(poll)

    async def send_one(self, ctx: NotificationContext, client: WebhookClient) -> bool:
        """Send the next due delivery; False when none is due."""
        async with self.database.transaction() as session:
            due = await repo.next_due(session, ctx.now())
            if due is None:
                return False
            delivery, endpoint = due
            self._bell.ring()  # one more loop looks for the next one meanwhile
            now = ctx.now()
            body = body_bytes(delivery)
            headers = _headers(ctx, endpoint, delivery, body, now)
            answer = await client.post(endpoint.url, body, headers)
            await self._record(ctx, session, delivery, endpoint, answer)
        return True

    async def _record(
        self,
        ctx: NotificationContext,
        session: AsyncSession,
        delivery: WebhookDelivery,
        endpoint: WebhookEndpoint,
        answer: Answer,
    ) -> None:
        settings = ctx.settings
        now = ctx.now()
        delivery.attempts += 1
        delivery.last_attempt_at = now
        delivery.response_status = answer.status
        delivery.latency_ms = answer.latency_ms
        delivery.last_error = answer.error
        outcome = "succeeded" if answer.succeeded else "failed"
        self.attempts.labels(self.service, outcome).inc()
        if answer.succeeded:
            delivery.status = "succeeded"
            delivery.next_attempt_at = None
            await repo.count_success(session, endpoint.id)
            return
        delay = backoff_seconds(settings, delivery.attempts)
        window_ends = delivery.window_started_at + timedelta(
            seconds=settings.webhook_retry_window_seconds
        )
        if now + timedelta(seconds=delay) > window_ends:
            delivery.status = "failed"
            delivery.next_attempt_at = None
            self.given_up.labels(self.service).inc()
        else:
            delivery.next_attempt_at = now + timedelta(seconds=delay)
        logger.warning(
            "webhook delivery %s to endpoint %s failed (attempt %d): %s",
            delivery.id,
            endpoint.id,
            delivery.attempts,
            answer.error,
        )
        # Counted in the database, not on the endpoint as read before the request:
        # other deliveries of the endpoint may have counted since.
        failures, active = await repo.count_failure(session, endpoint.id)
        if active and failures >= settings.webhook_disable_after_failures:
            await disable(ctx, session, endpoint, failures, now)
            self.disabled.labels(self.service).inc()


def _headers(
    ctx: NotificationContext,
    endpoint: WebhookEndpoint,
    delivery: WebhookDelivery,
    body: bytes,
    now: datetime,
) -> dict[str, str]:
    return headers_for(
        secrets.signing(ctx, endpoint, now), str(delivery.id), int(now.timestamp()), body
    )


async def disable(
    ctx: NotificationContext,
    session: AsyncSession,
    endpoint: WebhookEndpoint,
    failures: int,
    now: datetime,
) -> None:
    """Turn the endpoint off after repeated failure and tell its owner."""
    # Imported here: telling someone needs the context, which holds this worker.
    from agora_notification.service.notify import Story, tell

    endpoint.active = False
    endpoint.disabled_at = now
    endpoint.disabled_reason = f"{failures} deliveries in a row failed"
    endpoint.updated_at = now
    logger.error("webhook endpoint %s disabled after %d failures", endpoint.id, failures)
    story = Story(
        user_id=endpoint.owner_id,
        kind="webhook_disabled",
        dedupe_key=f"webhook_disabled:{endpoint.id}:{now.isoformat()}",
        context={
            "webhook_url": endpoint.url,
            "failures": failures,
            "webhooks_url": ctx.frontend(f"/developer/webhooks/{endpoint.id}"),
        },
        link=f"/developer/webhooks/{endpoint.id}",
        data={"webhook_id": str(endpoint.id), "failures": failures},
    )
    await tell(ctx, session, story)
