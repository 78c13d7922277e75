"""The notification service's problem types."""

from __future__ import annotations


class RecipientUnknown(RuntimeError):
    """Whom to tell is not known yet (an event of another topic that names them has
    not been handled). Raising lets the consumer retry, then dead-letter it for replay."""
