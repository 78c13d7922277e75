"""Conversations between a buyer and a store (about a product or an order) or support
(ADR 0119): who may open, read and write one, posting with its rate limit, read
receipts and abuse reports. Each use case runs in the caller's transaction; what
others hear of a message (live, by notification, the event) is
:mod:`.conversation_news`."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from agora_kit.auth import ROLE_ADMIN, Principal
from agora_kit.events.outbox import Outbox
from agora_notification.domain import About, Side
from agora_notification.models import Conversation, Message, MessageReport
from agora_notification.repository import conversations as repo
from agora_notification.repository import refs
from agora_notification.repository import webhooks as webhook_repo
from agora_notification.service import conversation_news as news
from agora_notification.service.context import NotificationContext
from agora_notification.service.errors import (
    AlreadyReported,
    AttachmentRefused,
    ConversationNotFound,
    ConversationRefused,
    MessageNotFound,
    MessageRateLimited,
    ReportRefused,
)

RATE_WINDOW = timedelta(minutes=1)


@dataclass(frozen=True)
class Caller:
    """A signed-in person, with the stores they own and whether they answer support."""

    user_id: uuid.UUID
    stores: tuple[uuid.UUID, ...]
    admin: bool

    def side_in(self, conversation: Conversation) -> Side | None:
        """Which side of ``conversation`` the caller writes on; None: not theirs."""
        if conversation.buyer_id == self.user_id:
            return "buyer"
        if conversation.vendor_id is not None and conversation.vendor_id in self.stores:
            return "store"
        if conversation.about == "support" and self.admin:
            return "store"
        return None


async def caller(session: AsyncSession, user_id: uuid.UUID, principal: Principal) -> Caller:
    stores = await refs.stores_of(session, user_id)
    return Caller(user_id, tuple(stores), principal.has_role(ROLE_ADMIN))


@dataclass(frozen=True)
class Opening:
    about: About
    product_id: uuid.UUID | None
    order_id: uuid.UUID | None
    vendor_id: uuid.UUID | None


@dataclass(frozen=True)
class Draft:
    body: str
    attachments: list[dict[str, str]]


async def _topic(session: AsyncSession, who: Caller, opening: Opening) -> dict[str, Any]:
    """The conversation's columns for what it is about, once the subject is known and
    the caller may ask about it."""
    if opening.about == "support":
        return {"topic": "support", "vendor_id": None}
    if opening.about == "product":
        if opening.product_id is None:
            raise ConversationRefused("A conversation about a product names its product_id.")
        product = await refs.product(session, opening.product_id)
        if product is None:
            raise ConversationRefused("No such product is known.")
        return {
            "topic": f"product:{product.product_id}",
            "vendor_id": product.vendor_id,
            "product_id": product.product_id,
        }
    if opening.order_id is None:
        raise ConversationRefused("A conversation about an order names its order_id.")
    order = await refs.order(session, opening.order_id)
    if order is None or order.buyer_id != who.user_id:
        raise ConversationRefused("You have no such order.")
    stores = await webhook_repo.order_vendors(session, order.order_id)
    vendor_id = opening.vendor_id
    if vendor_id is None and len(stores) == 1:
        (vendor_id,) = stores
    if vendor_id is None or vendor_id not in stores:
        raise ConversationRefused(
            "Name the store of the order (vendor_id) you want to write to."
            if vendor_id is None
            else "That store has no part in this order."
        )
    return {
        "topic": f"order:{order.order_id}:{vendor_id}",
        "vendor_id": vendor_id,
        "order_id": order.order_id,
    }


def check_attachments(ctx: NotificationContext, attachments: list[dict[str, str]]) -> None:
    """An attachment names an image the catalog stored: its URL must be under one of
    the image store's addresses (``ATTACHMENT_URL_PREFIXES``)."""
    prefixes = ctx.settings.attachment_url_prefixes
    for attachment in attachments:
        url = attachment["url"]
        if ".." in url or not any(url.startswith(prefix) for prefix in prefixes):
            raise AttachmentRefused(
                f"{url!r} is not an uploaded image's address (allowed: {', '.join(prefixes)})."
            )


async def _check_rate(
    ctx: NotificationContext, session: AsyncSession, sender_id: uuid.UUID, now: datetime
) -> None:
    await repo.hold_sender(session, sender_id)
    limit = ctx.settings.messages_per_minute
    if await repo.posted_since(session, sender_id, now - RATE_WINDOW) >= limit:
        raise MessageRateLimited(
            f"You may post {limit} messages a minute; wait a little.",
            headers={"Retry-After": str(int(RATE_WINDOW.total_seconds()))},
        )


async def _post(
    ctx: NotificationContext,
    session: AsyncSession,
    *,
    outbox: Outbox,
    conversation: Conversation,
    side: Side,
    who: Caller,
    draft: Draft,
) -> Message:
    now = ctx.now()
    await _check_rate(ctx, session, who.user_id, now)
    message = await repo.add_message(
        session,
        conversation,
        side=side,
        sender_id=who.user_id,
        body=draft.body,
        attachments=draft.attachments,
        now=now,
    )
    await news.posted(ctx, session, outbox, conversation, message)
    return message


async def start(
    ctx: NotificationContext,
    session: AsyncSession,
    *,
    outbox: Outbox,
    who: Caller,
    opening: Opening,
    draft: Draft,
) -> tuple[Conversation, Message, bool]:
    """A buyer writes to a store about a product or an order, or to support: the
    conversation (the existing one on the same subject, else a new one), the message,
    and whether the conversation is new."""
    check_attachments(ctx, draft.attachments)
    columns = await _topic(session, who, opening)
    if columns["vendor_id"] is not None and columns["vendor_id"] in who.stores:
        raise ConversationRefused("You cannot write to your own store.")
    conversation = await repo.open_once(
        session,
        {
            "about": opening.about,
            "buyer_id": who.user_id,
            "created_at": ctx.now(),
            "last_message_at": ctx.now(),
            **columns,
        },
    )
    created = conversation.last_seq == 0
    message = await _post(
        ctx, session, outbox=outbox, conversation=conversation, side="buyer", who=who, draft=draft
    )
    return conversation, message, created


async def visible_one(
    session: AsyncSession, who: Caller, conversation_id: uuid.UUID, *, lock: bool = False
) -> tuple[Conversation, Side]:
    conversation = await repo.get(session, conversation_id, lock=lock)
    side = who.side_in(conversation) if conversation is not None else None
    if conversation is None or side is None:
        raise ConversationNotFound("You have no such conversation.")
    return conversation, side


async def reply(
    ctx: NotificationContext,
    session: AsyncSession,
    *,
    outbox: Outbox,
    who: Caller,
    conversation_id: uuid.UUID,
    draft: Draft,
) -> Message:
    check_attachments(ctx, draft.attachments)
    conversation, side = await visible_one(session, who, conversation_id, lock=True)
    return await _post(
        ctx, session, outbox=outbox, conversation=conversation, side=side, who=who, draft=draft
    )


async def read(
    ctx: NotificationContext,
    session: AsyncSession,
    who: Caller,
    conversation_id: uuid.UUID,
    message_id: uuid.UUID,
) -> int:
    """The caller's side has read up to ``message_id`` (a receipt never moves back);
    the messages still unread on their side."""
    conversation, side = await visible_one(session, who, conversation_id, lock=True)
    message = await repo.message(session, conversation.id, message_id)
    if message is None:
        raise MessageNotFound("This conversation has no such message.")
    if repo.move_receipt(conversation, side, message.seq, ctx.now()):
        await news.read(session, conversation, side, message)
    await session.flush()
    return await repo.unread_of_side(session, conversation, side)


async def report(
    ctx: NotificationContext,
    session: AsyncSession,
    *,
    who: Caller,
    conversation_id: uuid.UUID,
    message_id: uuid.UUID,
    reason: str,
) -> MessageReport:
    """A party reports a message of the other side as abusive, for the admins."""
    conversation, side = await visible_one(session, who, conversation_id)
    message = await repo.message(session, conversation.id, message_id)
    if message is None:
        raise MessageNotFound("This conversation has no such message.")
    if message.side == side:
        raise ReportRefused("Only the other side's messages can be reported.")
    found = await repo.add_report(
        session,
        {
            "message_id": message.id,
            "conversation_id": conversation.id,
            "reporter_id": who.user_id,
            "reason": reason,
            "created_at": ctx.now(),
        },
    )
    if found is None:
        raise AlreadyReported("You reported this message already.")
    return found
