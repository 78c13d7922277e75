"""Telling a user something: one notification, its feed entry and one delivery per
channel their preferences allow, all in the caller's transaction (the handled event's,
with its inbox row), so an event's notifications exist once or not at all.

The feed entry is announced with ``pg_notify`` inside that transaction: PostgreSQL
delivers it only when the transaction commits, to every replica listening, so an open
WebSocket hears of exactly the entries that exist.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from agora_kit.db import after_commit
from agora_notification.adapters.email import build_message
from agora_notification.domain import KINDS, LOCKED, SendChannel, effective
from agora_notification.models import Contact, Delivery, Notification
from agora_notification.rendering import Rendered
from agora_notification.repository import contacts as contact_repo
from agora_notification.repository import devices as device_repo
from agora_notification.repository import notifications as notification_repo
from agora_notification.repository import preferences as preference_repo
from agora_notification.service.context import NotificationContext

logger = logging.getLogger("agora.notification.notify")


@dataclass(frozen=True)
class Story:
    """What to tell whom. ``context`` fills the kind's templates (with the common
    values: shop name, recipient's name, links); ``link`` and ``data`` go to the feed
    entry and must hold no secret. ``email``, ``phone``, ``name`` and ``locale``
    override the contact's (an account mail goes to the address its event names, a
    verification code to the number it names)."""

    user_id: uuid.UUID
    kind: str
    dedupe_key: str
    context: dict[str, Any] = field(default_factory=dict)
    link: str | None = None
    data: dict[str, Any] = field(default_factory=dict)
    email: str | None = None
    phone: str | None = None
    name: str | None = None
    locale: str | None = None
    channels: tuple[SendChannel, ...] | None = None


def common_values(ctx: NotificationContext) -> dict[str, Any]:
    return {
        "shop_name": ctx.settings.shop_name,
        "shop_url": ctx.frontend("/"),
        "preferences_url": ctx.frontend("/account/notifications"),
        "frontend_url": ctx.settings.frontend_url.rstrip("/"),
    }


def render(
    ctx: NotificationContext,
    story: Story,
    *,
    name: str | None,
    locale: str | None,
    unsubscribe_url: str | None,
) -> Rendered:
    values = {
        **common_values(ctx),
        "name": name,
        "unsubscribe_url": unsubscribe_url,
        **story.context,
    }
    return ctx.renderer.render(story.kind, values, locale)


async def tell(
    ctx: NotificationContext, session: AsyncSession, story: Story, *, event_id: str | None = None
) -> Notification | None:
    """Create the notification and its deliveries; None when the user was erased or
    already has this story (its ``dedupe_key``)."""
    kind = KINDS[story.kind]
    contact: Contact | None = await contact_repo.get(session, story.user_id)
    if contact is not None and contact.deleted_at is not None:
        logger.info("not telling erased user %s about %s", story.user_id, story.kind)
        return None
    email = story.email or (contact.email if contact else None)
    name = story.name if story.name is not None else (contact.full_name if contact else None)
    locale = story.locale or (contact.locale if contact else None)
    preferences = effective(await preference_repo.stored(session, story.user_id))[kind.category]
    unsubscribe_url = (
        None
        if (kind.category, "email") in LOCKED
        else ctx.unsubscribe_url(story.user_id, kind.category, "email")
    )
    rendered = render(ctx, story, name=name, locale=locale, unsubscribe_url=unsubscribe_url)
    now = ctx.now()
    notification = await notification_repo.insert_once(
        session,
        {
            "user_id": story.user_id,
            "kind": kind.name,
            "category": kind.category,
            "dedupe_key": story.dedupe_key[:255],
            "event_id": event_id,
            "title": rendered.subject[:300],
            # An asked kind's short text carries what was asked for (a phone code, for
            # the SMS alone): the row, which outlives the send, keeps the subject.
            "body": rendered.subject if kind.asked else rendered.short,
            "link": story.link,
            "data": story.data,
            "in_feed": preferences["in_app"] and not kind.asked,
            "created_at": now,
        },
    )
    if notification is None:
        logger.info("user %s already told %s (%s)", story.user_id, story.kind, story.dedupe_key)
        return None

    pending = 0
    for channel in story.channels or kind.channels:
        if not preferences[channel] and not kind.asked:
            continue
        for recipient, content in await _messages(
            ctx,
            session,
            channel,
            notification=notification,
            rendered=rendered,
            email=email,
            phone=story.phone,
            name=name,
            unsubscribe_url=unsubscribe_url,
        ):
            session.add(
                Delivery(
                    notification_id=notification.id,
                    user_id=story.user_id,
                    channel=channel,
                    recipient=recipient,
                    status="pending" if recipient else "skipped",
                    subject=rendered.subject[:300],
                    content=content if recipient else None,
                    next_attempt_at=now if recipient else None,
                    last_error=None if recipient else f"no {channel} address known",
                    created_at=now,
                    updated_at=now,
                )
            )
            pending += bool(recipient)
    await session.flush()
    if notification.in_feed:
        await notification_repo.announce(session, notification)
    if pending:
        # The dispatcher is woken once the transaction commits.
        for callback in ctx.on_new_deliveries:
            after_commit(session, callback)
    return notification


async def _messages(
    ctx: NotificationContext,
    session: AsyncSession,
    channel: SendChannel,
    *,
    notification: Notification,
    rendered: Rendered,
    email: str | None,
    phone: str | None,
    name: str | None,
    unsubscribe_url: str | None,
) -> list[tuple[str | None, dict[str, Any]]]:
    """(recipient, content) per message of this channel; a None recipient is a
    delivery skipped for want of an address."""
    if channel == "email":
        if not email:
            return [(None, {})]
        mime = build_message(
            ctx.settings,
            rendered,
            to=email,
            name=name,
            kind=notification.kind,
            notification_id=str(notification.id),
            unsubscribe_url=unsubscribe_url,
        )
        return [(email, {"mime": mime})]
    if channel == "sms":
        if phone is None:
            contact = await contact_repo.get(session, notification.user_id)
            phone = contact.phone if contact else None
        return [(phone, {"text": f"{ctx.settings.shop_name}: {rendered.short}"[:480]})]
    devices = await device_repo.tokens_of(session, notification.user_id)
    # No device registered is the usual case for web-only users: not worth a row.
    content = {
        "title": rendered.subject,
        "body": rendered.short,
        "data": {"notification_id": str(notification.id), "kind": notification.kind},
    }
    return [(token, content) for token in devices]
