"""The audit trail: one event per admin or vendor action, written by the service that
acted into its outbox in the same transaction as the change, and stored by the user
service in its append-only ``audit_log`` (docs/adr/0097).

Every service publishes the same payload on one topic, keyed by the changed resource
(``<type>:<id>``) so one resource's entries stay in order on a partition. A consumer
may see an entry twice: ``entry_id`` is the entry's identity and storing it again
changes nothing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar
from uuid import UUID

from pydantic import Field

from agora_contracts.events import EventPayload, topic_name

AUDIT_TOPIC = topic_name("audit", "entry")


class AuditRecorded(EventPayload):
    """Someone changed something: who, what, when, and the changed fields."""

    event_type: ClassVar[str] = "agora.audit.entry.recorded.v1"
    topic: ClassVar[str] = AUDIT_TOPIC

    entry_id: UUID
    occurred_at: datetime
    service: str = Field(description="The service that made the change")
    actor_id: str | None = Field(description="The acting user; null for the system")
    actor_role: str | None = Field(description="admin, vendor or customer")
    api_key_id: str | None = Field(default=None, description="When acting by an API key")
    action: str = Field(description="<resource>.<verb>, e.g. vendor.approve")
    resource_type: str
    resource_id: str
    before: dict[str, Any] | None = Field(default=None, description="Changed fields, before")
    after: dict[str, Any] | None = Field(default=None, description="Changed fields, after")
    request_id: str | None = None
    trace_id: str | None = None
