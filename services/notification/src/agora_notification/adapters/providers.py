"""SMS and push through provider adapters. A provider is a small class with ``send``;
the logging providers (the default) write what would be sent to the log, which is what
development and all-in-one mode want. The real providers are Twilio
(:mod:`.twilio_sms`), FCM and APNs (:mod:`.push`), chosen by
``AGORA_NOTIFICATION_SMS_PROVIDER`` / ``PUSH_PROVIDER`` (ADR 0117)."""

from __future__ import annotations

import logging

from agora_notification.adapters.base import Outgoing

logger = logging.getLogger("agora.notification.providers")


def _mask(recipient: str) -> str:
    # Phone numbers and device tokens are personal data: the log gets the end only.
    return "…" + recipient[-4:] if len(recipient) > 4 else "…"


class LoggingSmsSender:
    channel = "sms"

    async def send(self, message: Outgoing) -> str | None:
        logger.info(
            "SMS %s to %s: %s",
            message.delivery_id,
            _mask(message.recipient),
            message.content.get("text", ""),
        )
        return None


class LoggingPushSender:
    channel = "push"

    async def send(self, message: Outgoing) -> str | None:
        logger.info(
            "push %s to device %s: %s: %s",
            message.delivery_id,
            _mask(message.recipient),
            message.content.get("title", ""),
            message.content.get("body", ""),
        )
        return None
