"""The GDPR export of one person's data in the notification service (ADR 0112); the
erasure is the ``user.deleted`` story (ADR 0064). Secrets stay out: push tokens and
webhook signing secrets are credentials, not data about the person (a push delivery's
recipient is its device's token, so it is left out)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from agora_notification.repository import contacts as contact_repo
from agora_notification.repository import conversations as conversation_repo
from agora_notification.repository import devices as device_repo
from agora_notification.repository import personal as repo


async def export(session: AsyncSession, user_id: uuid.UUID) -> dict[str, Any]:
    contact = await contact_repo.get(session, user_id)
    return {
        "contact": None
        if contact is None
        else {
            "email": contact.email,
            "full_name": contact.full_name,
            "locale": contact.locale,
            "phone": contact.phone,
            "email_verified": contact.email_verified,
            "deleted_at": contact.deleted_at,
        },
        "preferences": [
            {"category": p.category, "channel": p.channel, "enabled": p.enabled}
            for p in await repo.preferences_of(session, user_id)
        ],
        "notifications": [
            {
                "id": n.id,
                "kind": n.kind,
                "title": n.title,
                "body": n.body,
                "link": n.link,
                "created_at": n.created_at,
                "read_at": n.read_at,
            }
            for n in await repo.notifications_of(session, user_id)
        ],
        "deliveries": [
            {
                "notification_id": d.notification_id,
                "channel": d.channel,
                "recipient": None if d.channel == "push" else d.recipient,
                "subject": d.subject,
                "status": d.status,
                "sent_at": d.sent_at,
            }
            for d in await repo.deliveries_of(session, user_id)
        ],
        "push_devices": [
            {"id": d.id, "platform": d.platform, "created_at": d.created_at}
            for d in await device_repo.of_user(session, user_id)
        ],
        "webhooks": [
            {
                "id": w.id,
                "url": w.url,
                "events": w.events,
                "description": w.description,
                "active": w.active,
                "created_at": w.created_at,
            }
            for w in await repo.webhooks_of(session, user_id)
        ],
        # As a buyer: the whole conversation; elsewhere, the messages they wrote.
        "conversations": [
            {
                "id": c.id,
                "about": c.about,
                "vendor_id": c.vendor_id,
                "product_id": c.product_id,
                "order_id": c.order_id,
                "created_at": c.created_at,
                "messages": [
                    {
                        "id": m.id,
                        "side": m.side,
                        "mine": m.sender_id == user_id,
                        "body": m.body,
                        "attachments": m.attachments,
                        "created_at": m.created_at,
                    }
                    for m in messages
                ],
            }
            for c, messages in await conversation_repo.of_person(session, user_id)
        ],
    }
