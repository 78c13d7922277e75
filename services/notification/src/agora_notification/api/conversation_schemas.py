"""The conversations' request and response models (ADR 0119)."""

from __future__ import annotations

import uuid
from dataclasses import asdict
from datetime import datetime
from typing import Annotated, cast

from pydantic import BaseModel, Field, StringConstraints

from agora_kit.pagination import Page
from agora_notification.api import examples
from agora_notification.domain import About, Outcome, Side
from agora_notification.models import Conversation, MessageReport
from agora_notification.service.message_entry import MessageEntry

Body = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)]


class Attachment(BaseModel):
    """An image the catalog stored (``POST /products/{id}/images`` answers its ``id``
    and ``url``): a reference, never a file."""

    image_id: uuid.UUID
    url: str = Field(
        min_length=1,
        max_length=2000,
        pattern=r"^[\x21-\x7e]+$",
        description="The image's address, under the image store's (ATTACHMENT_URL_PREFIXES)",
    )


class MessageIn(BaseModel, json_schema_extra=examples.MESSAGE_IN):
    body: Body
    attachments: list[Attachment] = Field(default_factory=list, max_length=4)


class ConversationIn(MessageIn, json_schema_extra=examples.CONVERSATION_IN):
    about: About = Field(description="`product`, `order` (with the store) or `support`")
    product_id: uuid.UUID | None = None
    order_id: uuid.UUID | None = None
    vendor_id: uuid.UUID | None = Field(
        default=None, description="The order's store; needed when the order has several"
    )


class MessageOut(BaseModel):
    id: uuid.UUID
    seq: int = Field(description="Its place: later messages have larger ones")
    conversation_id: uuid.UUID
    side: Side = Field(description="`buyer`, or `store` (the store's owner, or support)")
    sender_id: uuid.UUID | None = Field(description="Null once the writer was erased")
    body: str
    attachments: list[Attachment]
    created_at: datetime
    erased: bool
    removed: bool = Field(
        description="An admin removed it after a report: its text and attachments are gone"
    )

    @classmethod
    def of(cls, entry: MessageEntry) -> MessageOut:
        return cls.model_validate(asdict(entry))


class ConversationOut(BaseModel):
    id: uuid.UUID
    about: About
    buyer_id: uuid.UUID
    vendor_id: uuid.UUID | None
    product_id: uuid.UUID | None
    order_id: uuid.UUID | None
    your_side: Side = Field(description="The side the caller writes on")
    unread_count: int = Field(
        description="Messages of the other side the caller's side has not read"
    )
    buyer_read_seq: int = Field(
        description="The buyer read every message up to this `seq` (0: none)"
    )
    store_read_seq: int = Field(
        description="The store (or support) read every message up to this `seq`"
    )
    buyer_read_at: datetime | None = Field(description="When the buyer last read")
    store_read_at: datetime | None = Field(description="When the store (or support) last read")
    created_at: datetime
    last_message_at: datetime

    @classmethod
    def of(cls, conversation: Conversation, side: Side, unread: int) -> ConversationOut:
        return cls(
            id=conversation.id,
            about=conversation.about,
            buyer_id=conversation.buyer_id,
            vendor_id=conversation.vendor_id,
            product_id=conversation.product_id,
            order_id=conversation.order_id,
            your_side=side,
            unread_count=unread,
            buyer_read_seq=conversation.buyer_read_seq,
            store_read_seq=conversation.store_read_seq,
            buyer_read_at=conversation.buyer_read_at,
            store_read_at=conversation.store_read_at,
            created_at=conversation.created_at,
            last_message_at=conversation.last_message_at,
        )


class Opened(BaseModel):
    conversation: ConversationOut
    message: MessageOut


class ConversationPage(Page[ConversationOut]):
    unread_count: int = Field(description="Unread messages in all the caller's conversations")


class ReadIn(BaseModel, json_schema_extra=examples.READ_IN):
    up_to: uuid.UUID = Field(description="The last message read (a receipt never moves back)")


class ReadOut(BaseModel):
    unread_count: int = Field(description="Messages still unread in this conversation")


class ReportIn(BaseModel, json_schema_extra=examples.REPORT_IN):
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=500)]


class ResolveIn(BaseModel, json_schema_extra=examples.RESOLVE_IN):
    outcome: Outcome = Field(
        description="`dismissed` leaves the message; `removed` clears its text and "
        "attachments and resolves every open report of it"
    )
    note: (
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
        | None
    ) = Field(default=None, description="Why, for the other admins")


class ReportOut(BaseModel):
    id: uuid.UUID
    conversation_id: uuid.UUID
    message_id: uuid.UUID
    reporter_id: uuid.UUID | None
    reason: str
    created_at: datetime
    outcome: Outcome | None = Field(description="Null while the report is open")
    resolved_at: datetime | None
    resolved_by: uuid.UUID | None = Field(description="The admin who resolved it")
    note: str | None
    message: MessageOut | None = Field(
        default=None, description="The message reported (in the admins' list)"
    )

    @classmethod
    def of(cls, report: MessageReport, message: MessageEntry | None = None) -> ReportOut:
        return cls(
            id=report.id,
            conversation_id=report.conversation_id,
            message_id=report.message_id,
            reporter_id=report.reporter_id,
            reason=report.reason,
            created_at=report.created_at,
            outcome=cast("Outcome | None", report.outcome),
            resolved_at=report.resolved_at,
            resolved_by=report.resolved_by,
            note=report.note,
            message=MessageOut.of(message) if message is not None else None,
        )
