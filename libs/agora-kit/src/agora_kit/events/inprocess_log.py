"""The tables of the in-process transport's log, in the ``agora_events`` database of
the embedded server: the messages in publishing order, and each consumer group's offset
per topic; and the statement that reads an offset."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Identity,
    Index,
    LargeBinary,
    PrimaryKeyConstraint,
    String,
    Table,
    bindparam,
    func,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB

from agora_kit.db import new_metadata

log_metadata = new_metadata()

event_log = Table(
    "event_log",
    log_metadata,
    Column("id", BigInteger, Identity(always=True), primary_key=True),
    Column("topic", String(255), nullable=False),
    Column("key", String(255), nullable=False),
    Column("headers", JSONB, nullable=False),
    Column("value", LargeBinary, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Index("ix_event_log_topic_id", "topic", "id"),
)

consumer_offsets = Table(
    "consumer_offsets",
    log_metadata,
    Column("group_id", String(128), nullable=False),
    Column("topic", String(255), nullable=False),
    Column("position", BigInteger, nullable=False, server_default=text("0")),
    PrimaryKeyConstraint("group_id", "topic", name="pk_consumer_offsets"),
)

# Users whose ``user.deleted`` the log held: their messages go once read past
# (agora_kit.events.inprocess_retention).
erased_users = Table(
    "erased_users",
    log_metadata,
    Column("user_id", String(255), primary_key=True),
    Column("erased_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

# Read when a process takes a (group, topic)'s lease: from then on the offset is its own.
POSITION = select(consumer_offsets.c.position).where(
    consumer_offsets.c.group_id == bindparam("group"),
    consumer_offsets.c.topic == bindparam("topic"),
)
