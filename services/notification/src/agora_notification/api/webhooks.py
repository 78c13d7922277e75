"""Outbound webhooks: endpoints, their secrets, the delivery log, redelivery and the
test ping (ADR 0091). For vendors (their store's events) and admins (every store's);
API keys need the scope ``webhooks:write``."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Response, status

from agora_kit.auth import ROLE_ADMIN, ROLE_VENDOR, SCOPE_WEBHOOKS_WRITE, Principal, require_roles
from agora_kit.db import SessionDep
from agora_kit.errors import problem_responses
from agora_kit.pagination import PageParamsDep
from agora_notification.api.deps import ContextDep
from agora_notification.api.webhook_schemas import (
    WebhookDeliveryOut,
    WebhookDeliveryPage,
    WebhookIn,
    WebhookOut,
    WebhookPage,
    WebhookPatch,
    WebhookWithSecret,
)
from agora_notification.repository import webhooks as repo
from agora_notification.service.errors import WebhookNotFound
from agora_notification.service.webhooks import endpoints
from agora_notification.service.webhooks.endpoints import Subscriber

router = APIRouter(prefix="/webhooks", tags=["webhooks"])

_caller = require_roles(ROLE_VENDOR, ROLE_ADMIN, scope=SCOPE_WEBHOOKS_WRITE)


async def _subscriber(
    session: SessionDep, principal: Annotated[Principal, Depends(_caller)]
) -> Subscriber:
    return await endpoints.subscriber(session, principal)


Who = Annotated[Subscriber, Depends(_subscriber)]
_ERRORS = (401, 403, 404)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=WebhookWithSecret,
    summary="Subscribe an endpoint to events",
    responses=problem_responses(401, 403, 409, 422),
)
async def create_webhook(
    body: WebhookIn, session: SessionDep, context: ContextDep, who: Who
) -> WebhookWithSecret:
    """A new endpoint receiving the listed event types: every store's for an admin,
    the caller's store's for a vendor. The answer holds the signing secret, shown only
    this once. A URL whose host resolves to a non-public address is refused (422)."""
    endpoint, secret = await endpoints.create(
        context,
        session,
        who,
        url=str(body.url),
        events=list(body.events),
        description=body.description,
        active=body.active,
    )
    return WebhookWithSecret(**WebhookOut.of(endpoint).model_dump(), secret=secret)


@router.get(
    "",
    response_model=WebhookPage,
    summary="Your webhook endpoints",
    responses=problem_responses(401, 403, 422),
)
async def list_webhooks(session: SessionDep, who: Who, page: PageParamsDep) -> WebhookPage:
    """The caller's endpoints (an admin's: every endpoint), oldest first."""
    found = await repo.endpoints_page(session, None if who.admin else who.user_id, page)
    return WebhookPage(items=[WebhookOut.of(e) for e in found.items], next_cursor=found.next_cursor)


@router.get(
    "/{webhook_id}",
    response_model=WebhookOut,
    summary="One webhook endpoint",
    responses=problem_responses(*_ERRORS),
)
async def get_webhook(webhook_id: uuid.UUID, session: SessionDep, who: Who) -> WebhookOut:
    """The endpoint, without its secret."""
    return WebhookOut.of(await endpoints.get(session, who, webhook_id))


@router.patch(
    "/{webhook_id}",
    response_model=WebhookOut,
    summary="Change a webhook endpoint",
    responses=problem_responses(*_ERRORS, 422),
)
async def update_webhook(
    webhook_id: uuid.UUID, body: WebhookPatch, session: SessionDep, context: ContextDep, who: Who
) -> WebhookOut:
    """Change the URL, the event types, the description, or turn it on or off. Turning
    a disabled endpoint back on resets its failure count and sends what waited."""
    endpoint = await endpoints.get(session, who, webhook_id)
    return WebhookOut.of(await endpoints.update(context, session, endpoint, body.changes()))


@router.delete(
    "/{webhook_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete a webhook endpoint",
    responses=problem_responses(*_ERRORS),
)
async def delete_webhook(webhook_id: uuid.UUID, session: SessionDep, who: Who) -> Response:
    """The endpoint and its delivery log are gone; nothing more is sent to it."""
    endpoint = await endpoints.get(session, who, webhook_id)
    await session.delete(endpoint)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/{webhook_id}/rotate-secret",
    response_model=WebhookWithSecret,
    operation_id="webhooks_rotate_secret",
    summary="Replace the signing secret",
    responses=problem_responses(*_ERRORS),
)
async def rotate_secret(
    webhook_id: uuid.UUID, session: SessionDep, context: ContextDep, who: Who
) -> WebhookWithSecret:
    """A new secret, shown only now. Until `previous_secret_expires_at` (24 hours by
    default) deliveries carry two signatures, one per secret, so the receiver can
    switch without missing one."""
    endpoint = await endpoints.get(session, who, webhook_id)
    secret = await endpoints.rotate(context, session, endpoint)
    return WebhookWithSecret(**WebhookOut.of(endpoint).model_dump(), secret=secret)


@router.post(
    "/{webhook_id}/test",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=WebhookDeliveryOut,
    operation_id="webhooks_test",
    summary="Send a webhook.test ping",
    responses=problem_responses(*_ERRORS),
)
async def send_test(
    webhook_id: uuid.UUID, session: SessionDep, context: ContextDep, who: Who
) -> WebhookDeliveryOut:
    """Queue a signed `webhook.test` delivery; follow it in the delivery log."""
    endpoint = await endpoints.get(session, who, webhook_id)
    return WebhookDeliveryOut.of(await endpoints.send_test(context, session, endpoint))


@router.get(
    "/{webhook_id}/deliveries",
    response_model=WebhookDeliveryPage,
    summary="The endpoint's delivery log",
    responses=problem_responses(*_ERRORS, 422),
)
async def list_deliveries(
    webhook_id: uuid.UUID,
    session: SessionDep,
    who: Who,
    page: PageParamsDep,
    status_: Annotated[
        Literal["pending", "succeeded", "failed"] | None,
        Query(alias="status", description="Only deliveries in this state"),
    ] = None,
) -> WebhookDeliveryPage:
    """Every delivery to the endpoint, newest first: its state, attempts, the last
    answer's status and latency, and when the next attempt is due."""
    endpoint = await endpoints.get(session, who, webhook_id)
    found = await repo.deliveries_page(session, endpoint.id, page, status_)
    return WebhookDeliveryPage(
        items=[WebhookDeliveryOut.of(d) for d in found.items], next_cursor=found.next_cursor
    )


@router.post(
    "/{webhook_id}/deliveries/{delivery_id}/redeliver",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=WebhookDeliveryOut,
    operation_id="webhooks_deliveries_redeliver",
    summary="Send a delivery again",
    responses=problem_responses(*_ERRORS),
)
async def redeliver(
    webhook_id: uuid.UUID,
    delivery_id: uuid.UUID,
    session: SessionDep,
    context: ContextDep,
    who: Who,
) -> WebhookDeliveryOut:
    """Queue the delivery again now, with the same `webhook-id` (receivers dedupe on
    it), whatever its state."""
    endpoint = await endpoints.get(session, who, webhook_id)
    delivery = await repo.delivery(session, endpoint.id, delivery_id)
    if delivery is None:
        raise WebhookNotFound(f"no delivery {delivery_id} of webhook endpoint {webhook_id}")
    return WebhookDeliveryOut.of(await endpoints.redeliver(context, session, delivery))
