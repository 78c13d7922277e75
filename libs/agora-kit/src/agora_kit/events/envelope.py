"""The CloudEvents 1.0 envelope, and its binary mode (attributes as ``ce_*`` headers).

Every transport carries the same :class:`Message`: a topic, a key, headers and a JSON
value, the shape of a Kafka record, so a handler never knows which transport ran it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

from pydantic import BaseModel, Field

SPEC_VERSION = "1.0"
_ATTRS = ("id", "source", "type", "subject", "time", "datacontenttype", "specversion")


class CloudEvent(BaseModel):
    specversion: str = SPEC_VERSION
    id: str = Field(default_factory=lambda: str(uuid4()))
    source: str
    type: str
    subject: str | None = None
    time: datetime = Field(default_factory=lambda: datetime.now(UTC))
    datacontenttype: str = "application/json"
    data: dict[str, Any] = Field(default_factory=dict)
    # W3C trace context of the code that produced the event (a CloudEvents extension).
    traceparent: str | None = None
    tracestate: str | None = None


@dataclass(frozen=True)
class Message:
    """One record on a topic: what a transport stores and delivers."""

    topic: str
    key: str
    headers: tuple[tuple[str, bytes], ...]
    value: bytes
    # Where the record sits on its transport (offset, sequence number); for logs only.
    position: str = ""
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    def header(self, name: str) -> str | None:
        for key, value in self.headers:
            if key == name:
                return value.decode()
        return None


def to_message(topic: str, key: str, event: CloudEvent) -> Message:
    headers: list[tuple[str, bytes]] = []
    for attr in _ATTRS:
        value = getattr(event, attr)
        if value is None:
            continue
        text = value.isoformat() if isinstance(value, datetime) else str(value)
        headers.append((f"ce_{attr}", text.encode()))
    headers.append(("content-type", event.datacontenttype.encode()))
    if event.traceparent:
        headers.append(("traceparent", event.traceparent.encode()))
    if event.tracestate:
        headers.append(("tracestate", event.tracestate.encode()))
    value = json.dumps(event.data, separators=(",", ":"), default=str).encode()
    return Message(topic=topic, key=key, headers=tuple(headers), value=value)


def from_message(message: Message) -> CloudEvent:
    attrs: dict[str, Any] = {}
    for attr in _ATTRS:
        value = message.header(f"ce_{attr}")
        if value is not None:
            attrs[attr] = value
    return CloudEvent(
        **attrs,
        data=json.loads(message.value) if message.value else {},
        traceparent=message.header("traceparent"),
        tracestate=message.header("tracestate"),
    )
