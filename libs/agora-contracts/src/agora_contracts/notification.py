"""Events of the notification service: a message posted in a conversation between a
buyer and a store or support (ADR 0119), on the conversation topic keyed by the
conversation's id. Ids only: the text stays in the service (and is erased with its
writer)."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar, Literal
from uuid import UUID

from agora_contracts.events import EventPayload, topic_name

CONVERSATION_TOPIC = topic_name("notification", "conversation")


class MessagePosted(EventPayload):
    """A side of a conversation wrote a message. ``vendor_id`` is the store (null for
    support); ``about`` and ``product_id`` or ``order_id`` say what it is about."""

    event_type: ClassVar[str] = "agora.notification.conversation.message_posted.v1"
    topic: ClassVar[str] = CONVERSATION_TOPIC

    conversation_id: UUID
    message_id: UUID
    about: Literal["product", "order", "support"]
    side: Literal["buyer", "store"]
    buyer_id: UUID
    vendor_id: UUID | None = None
    product_id: UUID | None = None
    order_id: UUID | None = None
    sender_id: UUID
    attachments: int = 0
    posted_at: datetime
