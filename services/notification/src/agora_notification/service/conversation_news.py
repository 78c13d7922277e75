"""What the sides hear of a conversation (ADR 0119): a new message or a read receipt,
and both sides a message an admin removed, on the live feed (``pg_notify`` in the
transaction, so only committed ones, to every replica, carrying what the sockets are
sent, so no replica reads it back), the ``MessagePosted`` event through the outbox,
and a notification when the recipient (for support, each admin) has no live socket
open, once per run of unread messages."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from agora_contracts.notification import MessagePosted
from agora_kit.events.outbox import Outbox
from agora_notification.domain import FEED_CHANNEL, SIDES, Side
from agora_notification.models import Conversation, Message
from agora_notification.repository import contacts as contact_repo
from agora_notification.repository import conversations as repo
from agora_notification.repository import presence, refs
from agora_notification.service.context import NotificationContext
from agora_notification.service.message_entry import as_json, other
from agora_notification.service.notify import Story, tell


async def facing(
    session: AsyncSession, conversation: Conversation, side: Side | str
) -> uuid.UUID | None:
    """The person facing ``side``: the buyer, or the store's owner; None for support's
    admins (whoever of them is connected hears it) or a store not known yet."""
    if side == "store":
        return conversation.buyer_id
    if conversation.vendor_id is None:
        return None
    store = await refs.vendor(session, conversation.vendor_id)
    return store.owner_id if store is not None else None


# PostgreSQL refuses a notification's payload of 8000 bytes or more.
PAYLOAD_MAX_BYTES = 7900


def _payload(body: dict[str, Any]) -> str:
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"))


async def _announce(session: AsyncSession, body: dict[str, Any], push: dict[str, Any]) -> None:
    """``push`` (what the sockets are sent) to the sockets ``body`` names, on every
    replica. A message too long to ride along is left out; the hubs read it (by id)."""
    payload = _payload({**body, "push": push})
    if len(payload.encode()) > PAYLOAD_MAX_BYTES:
        payload = _payload({**body, "push": {k: v for k, v in push.items() if k != "message"}})
    await session.execute(
        text("SELECT pg_notify(:channel, :payload)"),
        {"channel": FEED_CHANNEL, "payload": payload},
    )


def _live(
    kind: str, conversation: Conversation, message: Message, to: uuid.UUID | None
) -> dict[str, Any]:
    return {
        "type": kind,
        "id": str(message.id),
        "conversation_id": str(conversation.id),
        "user_id": str(to) if to is not None else None,
        "support": to is None and conversation.about == "support",
    }


async def posted(
    ctx: NotificationContext,
    session: AsyncSession,
    outbox: Outbox,
    conversation: Conversation,
    message: Message,
) -> None:
    recipient = await facing(session, conversation, message.side)
    # Counted here, where the conversation is locked: exact as of this commit. The
    # same for every socket that hears it: the recipient's, or every admin's, who
    # answer support as one side.
    unread = await repo.unread_of_side(session, conversation, other(message.side))
    await _announce(
        session,
        _live("message", conversation, message, recipient),
        {"type": "message", "message": as_json(message), "unread_count": unread},
    )
    assert message.sender_id is not None
    await outbox.add(
        session,
        MessagePosted(
            conversation_id=conversation.id,
            message_id=message.id,
            about=conversation.about,
            side=message.side,
            buyer_id=conversation.buyer_id,
            vendor_id=conversation.vendor_id,
            product_id=conversation.product_id,
            order_id=conversation.order_id,
            sender_id=message.sender_id,
            attachments=len(message.attachments),
            posted_at=message.created_at,
        ),
        key=str(conversation.id),
    )
    if unread != 1:
        return
    if recipient is not None:
        await _tell_if_offline(ctx, session, conversation, message, [recipient])
    elif conversation.about == "support" and message.side == "buyer":
        # Support's admins: each one without a live socket is told, once per run of
        # messages support has not read.
        admins = [a for a in await contact_repo.admins(session) if a != message.sender_id]
        await _tell_if_offline(ctx, session, conversation, message, admins)


async def read(
    session: AsyncSession, conversation: Conversation, side: Side, message: Message
) -> None:
    """``side`` read up to ``message``: the other side's open sockets hear of it."""
    await _announce(
        session,
        _live("read", conversation, message, await facing(session, conversation, side)),
        {
            "type": "message_read",
            "conversation_id": str(conversation.id),
            "side": side,
            "up_to": str(message.id),
            "seq": message.seq,
        },
    )


async def removed(session: AsyncSession, conversation: Conversation, message: Message) -> None:
    """An admin removed ``message``: the open sockets of both sides hear of it, with the
    message as the API now shows it (no text, no attachments, so it always rides along)."""
    push = {
        "type": "message_removed",
        "conversation_id": str(conversation.id),
        "message_id": str(message.id),
        "seq": message.seq,
        "message": as_json(message),
    }
    for side in SIDES:
        # Facing the store, the buyer; facing the buyer, the owner or support's admins.
        to = await facing(session, conversation, side)
        await _announce(session, _live("removed", conversation, message, to), push)


async def _about(session: AsyncSession, conversation: Conversation, side: str) -> str:
    if conversation.product_id is not None:
        product = await refs.product(session, conversation.product_id)
        return product.title if product is not None else "a product"
    if conversation.order_id is not None:
        order = await refs.order(session, conversation.order_id)
        number = order.order_number if order is not None else None
        return f"order {number}" if number else "an order"
    # Support's admins read of a buyer's request; the buyer of theirs.
    return "a support request" if side == "buyer" else "your support request"


async def _tell_if_offline(
    ctx: NotificationContext,
    session: AsyncSession,
    conversation: Conversation,
    message: Message,
    recipients: Sequence[uuid.UUID],
) -> None:
    """A notification (as each recipient's ``messages`` preferences allow) of the first
    message their side has not read, to each with no live socket open."""
    if not recipients:
        return
    # A socket's row is refreshed every heartbeat; two missed ones and it is gone.
    fresh = ctx.now() - timedelta(seconds=2 * ctx.settings.ws_heartbeat_seconds + 5)
    online = await presence.online_among(session, recipients, fresh)
    offline = [r for r in recipients if r not in online]
    if not offline:
        return
    if message.side == "buyer":
        sender = "A customer"
    elif conversation.vendor_id is None:
        sender = "Support"
    else:
        store = await refs.vendor(session, conversation.vendor_id)
        sender = store.name if store is not None else "A store"
    url = ctx.frontend(f"/messages/{conversation.id}")
    about = await _about(session, conversation, message.side)
    for recipient in offline:
        await tell(
            ctx,
            session,
            Story(
                user_id=recipient,
                kind="message_received",
                dedupe_key=f"message:{message.id}",
                context={"sender": sender, "about": about, "conversation_url": url},
                link=url,
                data={"conversation_id": str(conversation.id), "message_id": str(message.id)},
            ),
        )
