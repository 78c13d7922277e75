"""The in-app feed as users see it: an entry per notification in the feed, the same in
the feed's routes and on the live feed."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from agora_notification.models import Notification


@dataclass(frozen=True)
class FeedEntry:
    id: uuid.UUID
    kind: str
    category: str
    title: str
    body: str
    link: str | None
    data: dict[str, Any]
    created_at: datetime
    read_at: datetime | None
    read: bool


def entry(notification: Notification) -> FeedEntry:
    return FeedEntry(
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
