"""The notification service's request and response models, and how a feed entry, a
delivery, a device and the stored preferences map to them (``of``)."""

from __future__ import annotations

import uuid
from dataclasses import asdict
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from agora_notification.api import examples
from agora_notification.domain import LOCKED, Category, Channel, Preferences, effective
from agora_notification.models import Delivery, PushDevice
from agora_notification.service.feed import FeedEntry


class DeviceIn(BaseModel, json_schema_extra=examples.DEVICE_IN):
    token: str = Field(min_length=8, max_length=512, pattern=r"^[\x21-\x7e]+$")
    platform: Literal["ios", "android", "web"]


class DeviceOut(BaseModel):
    id: uuid.UUID
    platform: str
    created_at: datetime

    @classmethod
    def of(cls, device: PushDevice) -> DeviceOut:
        return cls(id=device.id, platform=device.platform, created_at=device.created_at)


class FeedItem(BaseModel):
    id: uuid.UUID
    kind: str = Field(description="What happened: order_confirmed, password_changed, ...")
    category: str = Field(description="account, orders, messages or marketing")
    title: str
    body: str
    link: str | None = Field(description="Where the entry leads in the frontend")
    data: dict[str, Any] = Field(description="Ids for clients: order_id, sku, vendor_id, ...")
    created_at: datetime
    read_at: datetime | None
    read: bool

    @classmethod
    def of(cls, entry: FeedEntry) -> FeedItem:
        return cls(**asdict(entry))


class FeedPage(BaseModel):
    items: list[FeedItem]
    next_cursor: str | None = Field(
        default=None, description="Pass as `cursor` for the next page; null on the last page"
    )
    unread_count: int


class UnreadCount(BaseModel):
    unread_count: int


class DeliveryOut(BaseModel):
    channel: str
    status: str = Field(description="pending, sent, dead (given up), skipped (no address)")
    attempts: int
    sent_at: datetime | None
    last_error: str | None

    @classmethod
    def of(cls, delivery: Delivery) -> DeliveryOut:
        return cls(
            channel=delivery.channel,
            status=delivery.status,
            attempts=delivery.attempts,
            sent_at=delivery.sent_at,
            last_error=delivery.last_error,
        )


class NotificationDetail(FeedItem):
    deliveries: list[DeliveryOut]


class LockedChoice(BaseModel):
    category: Category
    channel: Channel


class PreferencesOut(BaseModel):
    preferences: Preferences = Field(
        description="category -> channel -> whether you get notifications there"
    )
    locked: list[LockedChoice] = Field(description="Choices that cannot be switched off")

    @classmethod
    def of(cls, stored: dict[tuple[str, str], bool]) -> PreferencesOut:
        """The user's choices over the defaults, and the ones that cannot change."""
        return cls(
            preferences=effective(stored),
            locked=[LockedChoice(category=c, channel=ch) for c, ch in sorted(LOCKED)],
        )


class PreferencesIn(BaseModel):
    preferences: dict[Category, dict[Channel, bool]] = Field(
        description="The choices to change; categories and channels left out stay as they are",
        examples=[{"orders": {"email": False, "sms": True}, "marketing": {"email": True}}],
    )


class Unsubscribed(BaseModel):
    category: Category
    channel: Channel
    subscribed: bool = False
