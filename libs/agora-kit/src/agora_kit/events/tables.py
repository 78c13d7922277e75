"""The outbox, inbox and dead-letter tables every service database holds.

They are defined once here and created by each service's first migration (its
Alembic ``target_metadata`` lists this metadata beside the service's own).
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Identity,
    Index,
    Integer,
    LargeBinary,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB

from agora_kit.db import new_metadata

metadata = new_metadata()

outbox = Table(
    "outbox",
    metadata,
    Column("id", BigInteger, Identity(always=True), primary_key=True),
    Column("event_id", String(64), nullable=False, unique=True),
    Column("topic", String(255), nullable=False),
    Column("key", String(255), nullable=False),
    Column("event_type", String(255), nullable=False),
    Column("event", JSONB, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("published_at", DateTime(timezone=True)),
    Column("attempts", Integer, nullable=False, server_default=text("0")),
    Column("last_error", Text),
    # The relay looks for the oldest unpublished row of each key.
    Index(
        "ix_outbox_unpublished_key",
        "key",
        "id",
        postgresql_where=text("published_at IS NULL"),
    ),
)

inbox = Table(
    "inbox",
    metadata,
    Column("consumer", String(128), nullable=False),
    Column("event_id", String(64), nullable=False),
    Column("event_type", String(255), nullable=False),
    Column("topic", String(255), nullable=False),
    Column("handled_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("outcome", String(16), nullable=False, server_default=text("'handled'")),
    PrimaryKeyConstraint("consumer", "event_id", name="pk_inbox"),
)

dead_letter = Table(
    "dead_letter",
    metadata,
    Column("id", BigInteger, Identity(always=True), primary_key=True),
    Column("consumer", String(128), nullable=False),
    Column("event_id", String(64), nullable=False),
    Column("event_type", String(255), nullable=False),
    Column("topic", String(255), nullable=False),
    Column("key", String(255), nullable=False),
    Column("headers", JSONB, nullable=False),
    Column("value", LargeBinary, nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("error", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)
