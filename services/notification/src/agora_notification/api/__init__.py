"""The notification service's HTTP API under /api/v1: the feed, preferences and
unsubscribe links, push devices, the live feed's WebSocket, and outbound webhooks."""

from __future__ import annotations

from agora_kit.app import API_PREFIX
from agora_kit.routes import api
from agora_notification.api import devices, feed, preferences, webhooks, ws

# Fixed paths before /notifications/{id}.
router = api(*(m.router for m in (preferences, devices, ws, feed, webhooks)), prefix=API_PREFIX)
