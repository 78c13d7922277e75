"""The tables of the in-process transport's log, in the ``agora_events`` database of
the embedded server: the messages in publishing order, and each consumer group's offset
per topic; and the statements a consumer's round starts with."""

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
    exists,
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

# Two keys (group, topic): a space apart from the publishers' one-key topic locks.
TRY_LOCK = text("SELECT pg_try_advisory_xact_lock(hashtext(:group), hashtext(:topic))")
# The offset and the rows after it, in one statement of its own after the lock: its
# snapshot then sees the last holder's commit. Always one row at least (the offset's,
# with no message when nothing is past it).
NEXT = text(
    "SELECT o.position, e.id, e.topic, e.key, e.headers, e.value"
    " FROM consumer_offsets o LEFT JOIN LATERAL ("
    "SELECT id, topic, key, headers, value FROM event_log"
    " WHERE event_log.topic = o.topic AND event_log.id > o.position"
    " ORDER BY id LIMIT :limit) e ON true"
    " WHERE o.group_id = :group AND o.topic = :topic ORDER BY e.id"
).columns(
    position=BigInteger,
    id=BigInteger,
    topic=String,
    key=String,
    headers=JSONB,
    value=LargeBinary,
)
# Moves a group's offset; its transaction's commit does not wait for the disk (the
# set_config, a condition evaluated once and true, turns synchronous_commit off for
# it): an offset a crash loses only delivers handled messages again, and every
# consumer's inbox drops them.
MOVE = text(
    "UPDATE consumer_offsets SET position = :position"
    " WHERE group_id = :group AND topic = :topic"
    " AND (SELECT set_config('synchronous_commit', 'off', true)) IS NOT NULL"
)
# The newest id of each of some topics, one index probe a topic: what a process's
# watcher asks once a poll for every topic its subscriptions read.
NEWEST = text(
    "SELECT t.topic, (SELECT max(id) FROM event_log WHERE event_log.topic = t.topic)"
    " FROM unnest(CAST(:topics AS text[])) AS t(topic)"
).columns(topic=String, newest=BigInteger)
# Whether a topic's log holds anything past an offset: one statement, outside any
# transaction, before a round that would otherwise find nothing.
ANY_PAST = select(
    exists().where(event_log.c.topic == bindparam("topic"), event_log.c.id > bindparam("position"))
)
