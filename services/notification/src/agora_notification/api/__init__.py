"""The notification service's HTTP API under /api/v1: the feed, preferences and
unsubscribe links, push devices, the live feed's WebSocket, and outbound webhooks."""

from __future__ import annotations

from fastapi import APIRouter

from agora_kit.app import API_PREFIX
from agora_notification.api import devices, feed, preferences, webhooks, ws

router = APIRouter(prefix=API_PREFIX)
# Fixed paths before /notifications/{id}.
for module in (preferences, devices, ws, feed, webhooks):
    router.include_router(module.router)
