"""The event transport interface. Every implementation passes the same contract suite
(``agora_kit.testing.transport_contract``).

Semantics every transport gives: at-least-once delivery; per (topic, key) order; each
consumer group gets every message of the topics it subscribes to; a message whose
handler raises is delivered again (after a pause) and the ones of its key behind it
wait, so order holds (other keys' messages may be handled meanwhile, and delivered
again after it: the consumer's inbox drops them). Retrying a failing handler a
bounded number of times and then dead-lettering is the consumer's job
(``agora_kit.events.consumer``), above this.

``SubscribingTransport`` is what the transports share: the pause before a redelivery,
the batch size, and the subscriptions they keep until they close.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, Protocol, TypeVar

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
        wanted: frozenset[str] | None = None,
    ) -> Subscription:
        """``wanted``: the event types (``ce_type``) the handler acts on, when it acts
        on only some; the others are still delivered, in order, but a transport may
        hold them back until a wanted one follows or its next poll."""
        ...

    async def check(self) -> None:
        """Raise if the transport cannot reach its broker (readiness)."""
        ...


class StartableSubscription(Subscription, Protocol):
    def start(self) -> None: ...


S = TypeVar("S", bound=StartableSubscription)


class SubscribingTransport(Generic[S]):
    """A transport's subscriptions: ``subscribe`` starts the one ``_open`` makes and
    keeps it until it closes (its ``close`` calls ``_forget``);
    ``_close_subscriptions`` closes those left. Also the settings every transport has:
    how long to wait before delivering a failed message again, and how many messages
    to read at once."""

    def __init__(self, *, redelivery_seconds: float, batch_size: int) -> None:
        self.redelivery_seconds = redelivery_seconds
        self.batch_size = batch_size
        self._subscriptions: set[S] = set()

    async def subscribe(
        self,
        group: str,
        topics: Sequence[str],
        handler: MessageHandler,
        *,
        on_lag: LagCallback | None = None,
        wanted: frozenset[str] | None = None,
    ) -> S:
        subscription = await self._open(group, list(topics), handler, on_lag, wanted)
        self._subscriptions.add(subscription)
        subscription.start()
        return subscription

    async def _open(
        self,
        group: str,
        topics: list[str],
        handler: MessageHandler,
        on_lag: LagCallback | None,
        wanted: frozenset[str] | None,
    ) -> S:
        """A new subscription of ``group`` to ``topics``, not started yet."""
        raise NotImplementedError

    def _forget(self, subscription: S) -> None:
        self._subscriptions.discard(subscription)

    async def _close_subscriptions(self) -> None:
        for subscription in list(self._subscriptions):
            await subscription.close()
