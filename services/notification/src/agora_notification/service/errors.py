"""The notification service's problems: the ones its API answers, with a stable slug
(docs/adr/0003), and the one its event handlers raise."""

from __future__ import annotations

from agora_kit.errors import (
    BadRequest,
    Conflict,
    Forbidden,
    NotFound,
    TooManyRequests,
    Unprocessable,
)


class InvalidUnsubscribeToken(BadRequest):
    slug = "invalid-unsubscribe-token"
    title = "Invalid unsubscribe link"


class WebhookUrlRefused(Unprocessable):
    slug = "webhook-url-refused"
    title = "Webhook URL refused"


class WebhookLimit(Conflict):
    slug = "webhook-limit"
    title = "Too many webhook endpoints"


class NoStore(Forbidden):
    slug = "no-store"
    title = "No store to subscribe for"


class WebhookNotFound(NotFound):
    slug = "webhook-not-found"
    title = "Webhook endpoint not found"


class ConversationNotFound(NotFound):
    slug = "conversation-not-found"
    title = "Conversation not found"


class MessageNotFound(NotFound):
    slug = "message-not-found"
    title = "Message not found"


class ConversationRefused(Unprocessable):
    slug = "conversation-refused"
    title = "Conversation refused"


class AttachmentRefused(Unprocessable):
    slug = "attachment-refused"
    title = "Attachment refused"


class MessageRateLimited(TooManyRequests):
    slug = "message-rate-limited"
    title = "Too many messages"


class ReportRefused(Unprocessable):
    slug = "report-refused"
    title = "Report refused"


class AlreadyReported(Conflict):
    slug = "already-reported"
    title = "Message already reported"


class ReportNotFound(NotFound):
    slug = "report-not-found"
    title = "Report not found"


class ReportResolved(Conflict):
    slug = "report-resolved"
    title = "Report already resolved"


class RecipientUnknown(RuntimeError):
    """Whom to tell is not known yet (an event of another topic that names them has
    not been handled). Raising lets the consumer retry, then dead-letter it for replay."""
