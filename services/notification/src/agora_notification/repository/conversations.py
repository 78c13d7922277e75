"""Conversations, their messages and read receipts, and reports of abuse (ADR 0119)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import ColumnElement, Select, and_, false, func, or_, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from agora_kit.pagination import Page, PageParams, entity_page, keyset_page
from agora_notification.domain import ReportState, Side
from agora_notification.models import Conversation, Message, MessageReport


async def open_once(session: AsyncSession, values: dict[str, Any]) -> Conversation:
    """The buyer's conversation on ``values["topic"]``, created if new, locked."""
    await session.execute(
        pg_insert(Conversation)
        .values(**values)
        .on_conflict_do_nothing(index_elements=[Conversation.buyer_id, Conversation.topic])
    )
    found = await session.scalar(
        select(Conversation)
        .where(Conversation.buyer_id == values["buyer_id"], Conversation.topic == values["topic"])
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    assert found is not None
    return found


async def get(
    session: AsyncSession, conversation_id: uuid.UUID, *, lock: bool = False
) -> Conversation | None:
    statement = select(Conversation).where(Conversation.id == conversation_id)
    if lock:
        statement = statement.with_for_update().execution_options(populate_existing=True)
    found: Conversation | None = await session.scalar(statement)
    return found


async def hold_sender(session: AsyncSession, sender_id: uuid.UUID) -> None:
    """Serialise one sender's posts (the rate limit counts them), for the transaction."""
    await session.execute(
        text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"),
        {"key": f"messages:{sender_id}"},
    )


async def posted_since(session: AsyncSession, sender_id: uuid.UUID, since: datetime) -> int:
    count = await session.scalar(
        select(func.count())
        .select_from(Message)
        .where(Message.sender_id == sender_id, Message.created_at > since)
    )
    return int(count or 0)


async def add_message(
    session: AsyncSession,
    conversation: Conversation,
    *,
    side: Side,
    sender_id: uuid.UUID,
    body: str,
    attachments: list[dict[str, Any]],
    now: datetime,
) -> Message:
    """The new message; the conversation (locked by the caller) moves to it, and its
    writer's side has read it."""
    message = Message(
        conversation_id=conversation.id,
        side=side,
        sender_id=sender_id,
        body=body,
        attachments=attachments,
        created_at=now,
    )
    session.add(message)
    await session.flush()
    conversation.last_seq = message.seq
    conversation.last_message_at = now
    move_receipt(conversation, side, message.seq, now)
    await session.flush()
    return message


def move_receipt(conversation: Conversation, side: Side | str, seq: int, now: datetime) -> bool:
    """``side`` has read ``conversation`` up to the message ``seq``: whether its receipt
    moved (it never moves back)."""
    if side == "buyer":
        if seq <= conversation.buyer_read_seq:
            return False
        conversation.buyer_read_seq, conversation.buyer_read_at = seq, now
    else:
        if seq <= conversation.store_read_seq:
            return False
        conversation.store_read_seq, conversation.store_read_at = seq, now
    return True


def visible(
    buyer_id: uuid.UUID | None, stores: Sequence[uuid.UUID], *, support: bool
) -> ColumnElement[bool]:
    """The conversations a person may read: theirs as a buyer, their stores', and, for
    an admin, support's."""
    return or_(
        Conversation.buyer_id == buyer_id if buyer_id is not None else false(),
        Conversation.vendor_id.in_(stores) if stores else false(),
        Conversation.about == "support" if support else false(),
    )


async def page(
    session: AsyncSession, where: ColumnElement[bool], params: PageParams
) -> Page[Conversation]:
    return await entity_page(
        session,
        select(Conversation).where(where),
        key=[Conversation.last_message_at, Conversation.id],
        params=params,
        direction="desc",
    )


def _unread_for(user_id: uuid.UUID) -> ColumnElement[bool]:
    """A message ``user_id`` has not read: the other side's, after their receipt."""
    as_buyer = and_(
        Conversation.buyer_id == user_id,
        Message.side == "store",
        Message.seq > Conversation.buyer_read_seq,
    )
    as_store = and_(
        Conversation.buyer_id != user_id,
        Message.side == "buyer",
        Message.seq > Conversation.store_read_seq,
    )
    return or_(as_buyer, as_store)


async def unread_counts(
    session: AsyncSession, user_id: uuid.UUID, where: ColumnElement[bool]
) -> dict[uuid.UUID, int]:
    """Unread messages per conversation among ``where``, for ``user_id``'s side."""
    rows = await session.execute(
        select(Message.conversation_id, func.count())
        .join(Conversation, Conversation.id == Message.conversation_id)
        .where(where, _unread_for(user_id))
        .group_by(Message.conversation_id)
    )
    return {conversation_id: int(count) for conversation_id, count in rows.tuples()}


async def unread_of_side(session: AsyncSession, conversation: Conversation, side: Side) -> int:
    """Messages ``side`` has not read in ``conversation``."""
    other, read = (
        ("store", conversation.buyer_read_seq)
        if side == "buyer"
        else ("buyer", conversation.store_read_seq)
    )
    count = await session.scalar(
        select(func.count())
        .select_from(Message)
        .where(
            Message.conversation_id == conversation.id, Message.side == other, Message.seq > read
        )
    )
    return int(count or 0)


async def messages_page(
    session: AsyncSession, conversation_id: uuid.UUID, params: PageParams
) -> Page[Message]:
    return await entity_page(
        session,
        select(Message).where(Message.conversation_id == conversation_id),
        key=[Message.seq],
        params=params,
        direction="desc",
    )


async def message(
    session: AsyncSession, conversation_id: uuid.UUID, message_id: uuid.UUID
) -> Message | None:
    found: Message | None = await session.scalar(
        select(Message).where(Message.id == message_id, Message.conversation_id == conversation_id)
    )
    return found


async def add_report(session: AsyncSession, values: dict[str, Any]) -> MessageReport | None:
    """The new report; None when this person reported this message already."""
    new_id = await session.scalar(
        pg_insert(MessageReport)
        .values(**values)
        .on_conflict_do_nothing(
            index_elements=[MessageReport.message_id, MessageReport.reporter_id]
        )
        .returning(MessageReport.id)
    )
    return None if new_id is None else await session.get(MessageReport, new_id)


async def reports_page(
    session: AsyncSession, params: PageParams, *, state: ReportState | None = None
) -> Page[tuple[MessageReport, Message]]:
    """Reports, newest first, each with the message it names; only the open ones (or
    only the resolved ones) when asked."""
    # Each row is the (report, message) pair, not a single entity (scalars=False).
    query = select(MessageReport, Message).join(Message, Message.id == MessageReport.message_id)
    if state == "open":
        query = query.where(MessageReport.resolved_at.is_(None))
    elif state == "resolved":
        query = query.where(MessageReport.resolved_at.is_not(None))
    rows = cast("Select[tuple[tuple[MessageReport, Message]]]", query)
    return await keyset_page(
        session,
        rows,
        key=[MessageReport.created_at, MessageReport.id],
        key_of=lambda row: (row[0].created_at, row[0].id),
        params=params,
        to_item=lambda row: (row[0], row[1]),
        direction="desc",
        scalars=False,
    )


async def report_for_update(session: AsyncSession, report_id: uuid.UUID) -> MessageReport | None:
    """The report, locked after its message: every resolution takes the message's lock
    first, so two admins resolving two reports of one message take turns (the second
    then finds its report resolved) instead of each holding one report and waiting
    for the other's."""
    message_id = await session.scalar(
        select(MessageReport.message_id).where(MessageReport.id == report_id)
    )
    if message_id is None:
        return None
    await session.execute(select(Message.id).where(Message.id == message_id).with_for_update())
    found: MessageReport | None = await session.scalar(
        select(MessageReport).where(MessageReport.id == report_id).with_for_update()
    )
    return found


async def remove_message(session: AsyncSession, message_id: uuid.UUID, now: datetime) -> Message:
    """An admin removes a reported message: its text and attachments are cleared, its
    place and sender stay."""
    removed = await session.scalar(
        update(Message)
        .where(Message.id == message_id)
        .values(body="", attachments=[], removed_at=func.coalesce(Message.removed_at, now))
        .returning(Message)
        .execution_options(populate_existing=True)
    )
    assert removed is not None  # the report's message (ON DELETE CASCADE)
    return removed


async def resolve_others(session: AsyncSession, report: MessageReport) -> None:
    """The open reports of ``report``'s message other than ``report``: resolved as it is."""
    await session.execute(
        update(MessageReport)
        .where(
            MessageReport.message_id == report.message_id,
            MessageReport.id != report.id,
            MessageReport.resolved_at.is_(None),
        )
        .values(
            resolved_at=report.resolved_at,
            resolved_by=report.resolved_by,
            outcome=report.outcome,
            note=report.note,
        )
    )


async def erase_person(session: AsyncSession, user_id: uuid.UUID, now: datetime) -> None:
    """Erasure (ADR 0064, 0119): the person's messages lose their text, attachments and
    sender; their reports their reporter; their conversations as a buyer are tied to a
    random id, so the store keeps its side without knowing whose it was."""
    await session.execute(
        update(Message)
        .where(Message.sender_id == user_id)
        .values(body="", attachments=[], sender_id=None, erased_at=now)
    )
    await session.execute(
        update(MessageReport).where(MessageReport.reporter_id == user_id).values(reporter_id=None)
    )
    await session.execute(
        update(Conversation)
        .where(Conversation.buyer_id == user_id)
        .values(buyer_id=func.gen_random_uuid())
    )


async def of_person(
    session: AsyncSession, user_id: uuid.UUID
) -> list[tuple[Conversation, list[Message]]]:
    """For the export: the person's conversations as a buyer with every message, and
    the messages they wrote elsewhere (for their stores, or as support)."""
    rows = await session.execute(
        select(Conversation, Message)
        .join(Message, Message.conversation_id == Conversation.id)
        .where(or_(Conversation.buyer_id == user_id, Message.sender_id == user_id))
        .order_by(Conversation.created_at, Message.seq)
    )
    grouped: dict[uuid.UUID, tuple[Conversation, list[Message]]] = {}
    for conversation, found in rows.tuples():
        grouped.setdefault(conversation.id, (conversation, []))[1].append(found)
    return list(grouped.values())
