"""The in-app feed as users see it."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from agora_notification.models import Notification


class FeedItem(BaseModel):
    id: uuid.UUID
    kind: str = Field(description="What happened: order_confirmed, password_changed, ...")
    category: str = Field(description="account, orders or marketing")
    title: str
    body: str
    link: str | None = Field(description="Where the entry leads in the frontend")
    data: dict[str, Any] = Field(description="Ids for clients: order_id, sku, vendor_id, ...")
    created_at: datetime
    read_at: datetime | None
    read: bool


def item(notification: Notification) -> FeedItem:
    return FeedItem(
        id=notification.id,
        kind=notification.kind,
        category=notification.category,
        title=notification.title,
        body=notification.body,
        link=notification.link,
        data=dict(notification.data or {}),
        created_at=notification.created_at,
        read_at=notification.read_at,
        read=notification.read_at is not None,
    )
