"""The interface every channel implements, and how a failure is classified.

A sender gets one :class:`Outgoing` message and either returns (the provider accepted
it, optionally with its message id) or raises :class:`DeliveryFailed`, saying whether
trying again may help (``permanent=False``: a server down, a 4xx answer) or not (a
5xx answer such as an unknown mailbox). The dispatcher does the retrying.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable


@dataclass(frozen=True)
class Outgoing:
    delivery_id: str
    channel: str
    recipient: str
    subject: str | None
    content: dict[str, Any] = field(default_factory=dict)


class DeliveryFailed(Exception):
    """``recipient_gone``: the provider says the address no longer exists (a push
    token of an app that was uninstalled): the dispatcher forgets it."""

    def __init__(
        self, reason: str, *, permanent: bool = False, recipient_gone: bool = False
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent or recipient_gone
        self.recipient_gone = recipient_gone


class Sender(Protocol):
    """Sends messages of one channel. ``send`` returns the provider's message id, if any."""

    channel: str

    async def send(self, message: Outgoing) -> str | None: ...


@runtime_checkable
class Closing(Protocol):
    """A sender that keeps a connection between sends, closed when the dispatcher stops."""

    async def aclose(self) -> None: ...
