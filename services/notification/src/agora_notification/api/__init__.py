"""The notification service's HTTP API under /api/v1: the feed, preferences and
unsubscribe links, push devices, the live feed's WebSocket, outbound webhooks and
conversations (ADR 0119); and
the internal GDPR export of one person's data (ADR 0112)."""

from __future__ import annotations

from agora_kit.app import API_PREFIX
from agora_kit.personal import export_router
from agora_kit.routes import api
from agora_notification.api import conversations, devices, feed, preferences, webhooks, ws
from agora_notification.service import personal

# Fixed paths before /notifications/{id}.
public = api(
    *(m.router for m in (preferences, devices, ws, feed, webhooks, conversations)),
    conversations.admin_router,
    prefix=API_PREFIX,
)
router = api(public, export_router(personal.export, service="notification"))
