"""A conversation's message as both sides see it, the same in the conversations' routes
and on the live feed (ADR 0119)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import TypeAdapter

from agora_notification.domain import Side
from agora_notification.models import Message


@dataclass(frozen=True)
class MessageEntry:
    """A message as both sides see it, in the API and on the live feed."""

    id: uuid.UUID
    seq: int
    conversation_id: uuid.UUID
    side: str
    sender_id: uuid.UUID | None
    body: str
    attachments: list[dict[str, Any]]
    created_at: datetime
    erased: bool
    removed: bool


def entry(message: Message) -> MessageEntry:
    return MessageEntry(
        id=message.id,
        seq=message.seq,
        conversation_id=message.conversation_id,
        side=message.side,
        sender_id=message.sender_id,
        body=message.body,
        attachments=list(message.attachments or []),
        created_at=message.created_at,
        erased=message.erased_at is not None,
        removed=message.removed_at is not None,
    )


_JSON = TypeAdapter(MessageEntry)


def as_json(message: Message) -> dict[str, Any]:
    """The entry as the live feed sends it."""
    found: dict[str, Any] = _JSON.dump_python(entry(message), mode="json")
    return found


def other(side: Side | str) -> Side:
    return "store" if side == "buyer" else "buyer"
