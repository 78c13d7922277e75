"""An endpoint's signing secrets: made, sealed at rest, rotated with an overlap."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from agora_notification.adapters.webhooks import new_secret
from agora_notification.models import WebhookEndpoint

if TYPE_CHECKING:  # the context holds the delivery worker, which signs with these
    from agora_notification.service.context import NotificationContext


def issue(ctx: NotificationContext, endpoint: WebhookEndpoint) -> str:
    """A new secret for ``endpoint``, sealed into it; the plain one, shown once."""
    secret = new_secret()
    endpoint.secret = ctx.webhook_sealer.seal(secret)
    return secret


def rotate(ctx: NotificationContext, endpoint: WebhookEndpoint, now: datetime) -> str:
    """Replace the secret; the old one keeps signing for the overlap window."""
    overlap = ctx.settings.webhook_secret_overlap_seconds
    if overlap > 0:
        endpoint.previous_secret = endpoint.secret
        endpoint.previous_secret_expires_at = now + timedelta(seconds=overlap)
    else:
        endpoint.previous_secret = None
        endpoint.previous_secret_expires_at = None
    return issue(ctx, endpoint)


def signing(ctx: NotificationContext, endpoint: WebhookEndpoint, now: datetime) -> list[str]:
    """The secrets a delivery is signed with now: the current one, and the previous
    one while its overlap lasts."""
    found = [ctx.webhook_sealer.open(endpoint.secret)]
    expires = endpoint.previous_secret_expires_at
    if endpoint.previous_secret and expires is not None and now < expires:
        found.append(ctx.webhook_sealer.open(endpoint.previous_secret))
    return found
