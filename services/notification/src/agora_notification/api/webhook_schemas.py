"""The request and response models of the webhook endpoints and their delivery log."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal, get_args

from pydantic import AnyHttpUrl, BaseModel, ConfigDict, Field, field_validator

from agora_notification.models import WebhookDelivery, WebhookEndpoint
from agora_notification.service.webhooks.shapes import EVENT_TYPES

EventType = Literal[
    "inventory.low_stock",
    "order.cancelled",
    "order.confirmed",
    "order.delivered",
    "order.refunded",
    "order.shipped",
    "payment.failed",
    "payment.refunded",
    "payment.succeeded",
    "payout.created",
    "product.published",
    "product.updated",
]
# The shapes name them; this literal only gives the OpenAPI document its enum.
assert get_args(EventType) == EVENT_TYPES

_EXAMPLE = {
    "url": "https://hooks.example.com/agora",
    "events": ["order.confirmed", "order.shipped"],
    "description": "Order sync to our ERP",
    "active": True,
}
Events = list[EventType]


def _url(value: AnyHttpUrl | None) -> AnyHttpUrl | None:
    if value is not None and len(str(value)) > 2048:
        raise ValueError("must have at most 2048 characters")
    return value


class WebhookIn(BaseModel, json_schema_extra={"examples": [_EXAMPLE]}):
    # A store's endpoint gets its store's events: no field may name another store.
    model_config = ConfigDict(extra="forbid")

    url: AnyHttpUrl = Field(description="Where deliveries are POSTed: http or https")
    events: Events = Field(min_length=1, max_length=len(EVENT_TYPES))
    description: str | None = Field(default=None, max_length=500)
    active: bool = True

    _check_url = field_validator("url")(_url)


class WebhookPatch(BaseModel, json_schema_extra={"examples": [{"active": True}]}):
    model_config = ConfigDict(extra="forbid")

    url: AnyHttpUrl | None = None
    events: Events | None = Field(default=None, min_length=1, max_length=len(EVENT_TYPES))
    description: str | None = Field(default=None, max_length=500)
    active: bool | None = None

    _check_url = field_validator("url")(_url)

    def changes(self) -> dict[str, Any]:
        """The fields sent; ``url``, ``events`` and ``active`` cannot be null."""
        sent = self.model_dump(exclude_unset=True)
        for name in ("url", "events", "active"):
            if name in sent and sent[name] is None:
                del sent[name]
        if "url" in sent:
            sent["url"] = str(self.url)
        return sent


class WebhookOut(BaseModel):
    id: uuid.UUID
    url: str
    events: list[str]
    description: str | None
    active: bool
    vendor_id: uuid.UUID | None = Field(
        description="The store whose events it receives; null: every store's (an admin's)"
    )
    disabled_reason: str | None = Field(
        description="Why it was turned off automatically, while it stays off"
    )
    consecutive_failures: int
    previous_secret_expires_at: datetime | None = Field(
        description="Until when the secret before the last rotation still signs"
    )
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, endpoint: WebhookEndpoint) -> WebhookOut:
        return cls(
            id=endpoint.id,
            url=endpoint.url,
            events=list(endpoint.events),
            description=endpoint.description,
            active=endpoint.active,
            vendor_id=endpoint.vendor_id,
            disabled_reason=endpoint.disabled_reason if not endpoint.active else None,
            consecutive_failures=endpoint.consecutive_failures,
            previous_secret_expires_at=endpoint.previous_secret_expires_at,
            created_at=endpoint.created_at,
            updated_at=endpoint.updated_at,
        )


class WebhookWithSecret(WebhookOut):
    secret: str = Field(
        description="The signing secret (whsec_...), shown only now: store it",
        examples=["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"],
    )


class WebhookPage(BaseModel):
    items: list[WebhookOut]
    next_cursor: str | None = None


class WebhookDeliveryOut(BaseModel):
    id: uuid.UUID = Field(description="The webhook-id header of every attempt")
    event_type: str
    status: Literal["pending", "succeeded", "failed"]
    attempts: int
    response_status: int | None = Field(description="The last attempt's HTTP status")
    latency_ms: int | None = Field(description="How long the last attempt took")
    last_error: str | None
    last_attempt_at: datetime | None
    next_attempt_at: datetime | None
    created_at: datetime
    body: dict[str, Any] = Field(description="What is sent: type, timestamp and data")

    @classmethod
    def of(cls, delivery: WebhookDelivery) -> WebhookDeliveryOut:
        return cls(
            id=delivery.id,
            event_type=delivery.event_type,
            status=delivery.status,
            attempts=delivery.attempts,
            response_status=delivery.response_status,
            latency_ms=delivery.latency_ms,
            last_error=delivery.last_error,
            last_attempt_at=delivery.last_attempt_at,
            next_attempt_at=delivery.next_attempt_at,
            created_at=delivery.created_at,
            body=dict(delivery.body),
        )


class WebhookDeliveryPage(BaseModel):
    items: list[WebhookDeliveryOut]
    next_cursor: str | None = None
