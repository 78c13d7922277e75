"""The notification service's problems: the one its API answers, with a stable slug
(docs/adr/0003), and the one its event handlers raise."""

from __future__ import annotations

from agora_kit.errors import BadRequest


class InvalidUnsubscribeToken(BadRequest):
    slug = "invalid-unsubscribe-token"
    title = "Invalid unsubscribe link"


class RecipientUnknown(RuntimeError):
    """Whom to tell is not known yet (an event of another topic that names them has
    not been handled). Raising lets the consumer retry, then dead-letter it for replay."""
