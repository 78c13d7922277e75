"""The notification service's HTTP API under /api/v1: the feed, preferences and
unsubscribe links, push devices, and the live feed's WebSocket."""

from __future__ import annotations

from fastapi import APIRouter

from agora_kit.app import API_PREFIX
from agora_notification.api import devices, feed, preferences, ws

router = APIRouter(prefix=API_PREFIX)
# Fixed paths before /notifications/{id}.
for module in (preferences, devices, ws, feed):
    router.include_router(module.router)
