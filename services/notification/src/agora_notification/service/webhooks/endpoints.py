"""Webhook endpoints: who may subscribe to what, creating, changing, deleting, secret
rotation, the test ping and redelivery.

Admins subscribe to every store's events; a vendor to its own store's (the store the
catalog's events say it owns). A vendor sees and changes its own endpoints only; an
admin sees every endpoint. A URL is checked when it is set, and again at every
delivery (``adapters.webhooks``)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from agora_kit.auth import ROLE_ADMIN, ROLE_VENDOR, Principal, principal_user_id
from agora_kit.errors import Forbidden
from agora_notification.adapters.webhooks import UrlRefused, resolve
from agora_notification.models import WebhookDelivery, WebhookEndpoint
from agora_notification.repository import webhooks as repo
from agora_notification.service.context import NotificationContext
from agora_notification.service.errors import (
    NoStore,
    WebhookLimit,
    WebhookNotFound,
    WebhookUrlRefused,
)
from agora_notification.service.webhooks import secrets
from agora_notification.service.webhooks.fanout import message, pending, wake_after_commit
from agora_notification.service.webhooks.shapes import TEST_EVENT


@dataclass(frozen=True)
class Subscriber:
    """Who manages webhooks: their user id and store (None: an admin, every store)."""

    user_id: uuid.UUID
    admin: bool
    store: uuid.UUID | None


async def subscriber(session: AsyncSession, principal: Principal) -> Subscriber:
    user_id = principal_user_id(principal)
    if principal.has_role(ROLE_ADMIN):
        return Subscriber(user_id, admin=True, store=None)
    if not principal.has_role(ROLE_VENDOR):
        raise Forbidden("webhooks are for vendors and admins")
    store = await repo.store_of(session, user_id)
    if store is None:
        raise NoStore("you own no store whose events could be sent")
    return Subscriber(user_id, admin=False, store=store)


async def check_url(ctx: NotificationContext, url: str) -> None:
    try:
        await resolve(url, allow_private=ctx.settings.webhook_allow_private_addresses)
    except UrlRefused as exc:
        raise WebhookUrlRefused(f"{url} cannot receive webhooks: {exc}") from None


async def create(
    ctx: NotificationContext,
    session: AsyncSession,
    who: Subscriber,
    *,
    url: str,
    events: list[str],
    description: str | None,
    active: bool,
) -> tuple[WebhookEndpoint, str]:
    """A new endpoint and its secret, which is shown this once."""
    await check_url(ctx, url)
    limit = ctx.settings.webhook_max_endpoints_per_owner
    if await repo.count_of(session, who.user_id) >= limit:
        raise WebhookLimit(f"an account has at most {limit} webhook endpoints; delete one")
    now = ctx.now()
    endpoint = WebhookEndpoint(
        id=uuid.uuid4(),
        owner_id=who.user_id,
        vendor_id=who.store,
        url=url,
        events=sorted(set(events)),
        description=description,
        active=active,
        consecutive_failures=0,
        created_at=now,
        updated_at=now,
    )
    secret = secrets.issue(ctx, endpoint)
    session.add(endpoint)
    await session.flush()
    return endpoint, secret


async def get(session: AsyncSession, who: Subscriber, endpoint_id: uuid.UUID) -> WebhookEndpoint:
    """The endpoint, if ``who`` may see it (another's is not found, not forbidden)."""
    endpoint = await repo.endpoint(session, endpoint_id)
    if endpoint is None or (not who.admin and endpoint.owner_id != who.user_id):
        raise WebhookNotFound(f"no webhook endpoint {endpoint_id}")
    return endpoint


async def update(
    ctx: NotificationContext,
    session: AsyncSession,
    endpoint: WebhookEndpoint,
    changes: dict[str, Any],
) -> WebhookEndpoint:
    if "url" in changes:
        await check_url(ctx, changes["url"])
        endpoint.url = changes["url"]
    if "events" in changes:
        endpoint.events = sorted(set(changes["events"]))
    if "description" in changes:
        endpoint.description = changes["description"]
    if "active" in changes and changes["active"] != endpoint.active:
        endpoint.active = changes["active"]
        if endpoint.active:
            # Turned back on: a fresh count, and what waited goes out now.
            endpoint.consecutive_failures = 0
            endpoint.disabled_at = None
            endpoint.disabled_reason = None
            wake_after_commit(ctx, session)
    endpoint.updated_at = ctx.now()
    await session.flush()
    return endpoint


async def rotate(ctx: NotificationContext, session: AsyncSession, endpoint: WebhookEndpoint) -> str:
    now = ctx.now()
    secret = secrets.rotate(ctx, endpoint, now)
    endpoint.updated_at = now
    await session.flush()
    return secret


async def send_test(
    ctx: NotificationContext, session: AsyncSession, endpoint: WebhookEndpoint
) -> WebhookDelivery:
    """Queue a ``webhook.test`` ping for ``endpoint`` (it goes out even when the
    endpoint is not subscribed to anything else)."""
    now = ctx.now()
    body = message(
        TEST_EVENT, now.isoformat(), {"webhook_id": str(endpoint.id), "url": endpoint.url}
    )
    ping = WebhookDelivery(**pending(endpoint.id, f"test:{uuid.uuid4()}", TEST_EVENT, body, now))
    session.add(ping)
    await session.flush()
    wake_after_commit(ctx, session)
    return ping


async def redeliver(
    ctx: NotificationContext, session: AsyncSession, delivery: WebhookDelivery
) -> WebhookDelivery:
    """Send the delivery again now, with the same ``webhook-id``, and a new retry
    window if it fails."""
    now = ctx.now()
    delivery.status = "pending"
    delivery.next_attempt_at = now
    delivery.window_started_at = now
    wake_after_commit(ctx, session)
    await session.flush()
    return delivery
