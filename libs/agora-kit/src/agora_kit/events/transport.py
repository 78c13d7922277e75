"""The event transport interface. Every implementation passes the same contract suite
(``agora_kit.testing.transport_contract``).

Semantics every transport gives: at-least-once delivery; per (topic, key) order; each
consumer group gets every message of the topics it subscribes to; a message whose
handler raises is delivered again (after a pause) and the ones of its key behind it
wait, so order holds (other keys' messages may be handled meanwhile, and delivered
again after it: the consumer's inbox drops them). Retrying a failing handler a
bounded number of times and then dead-lettering is the consumer's job
(``agora_kit.events.consumer``), above this.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Protocol

from agora_kit.events.envelope import Message

MessageHandler = Callable[[Message], Awaitable[None]]
LagCallback = Callable[[str, int], None]


class Subscription(Protocol):
    async def close(self) -> None: ...


class Transport(Protocol):
    name: str

    async def start(self) -> None: ...

    async def close(self) -> None: ...

    async def publish(self, message: Message) -> None:
        """Return once the transport has durably accepted the message."""
        ...

    async def subscribe(
        self,
        group: str,
        topics: Sequence[str],
        handler: MessageHandler,
        *,
        on_lag: LagCallback | None = None,
    ) -> Subscription: ...

    async def check(self) -> None:
        """Raise if the transport cannot reach its broker (readiness)."""
        ...
