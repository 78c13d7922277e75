"""Every gateway replica forgets a revoked API key at once, not after its cache lifetime.

The user service announces on its user topic whatever makes a cached exchange stale:
keys revoked (``ApiKeysRevoked``: by the owner, a password reset, erasure, or the
account deactivated), the account erased, its roles changed. Each replica follows that
topic in a consumer group of its own (``gateway-<host>-<port>``), because a group
shared by the replicas would hand each event to one of them only, and evicts what it
cached for that user. The next request with one of the user's keys is exchanged again,
and a revoked key is then refused by the user service.

Eviction is idempotent, so the follower needs no inbox and is safe to replay; events
older than the cache's lifetime are skipped unread, since nothing they could evict is
still cached. When the event transport is unreachable the follower retries in the
background and the cache lifetime (``api_key_cache_seconds``) stays the bound, as it
was before; ``agora_gateway_api_key_follower_up`` shows which case holds.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import socket
from datetime import UTC, datetime, timedelta

from agora_contracts.user import USER_TOPIC, ApiKeysRevoked, UserDeleted, UserRoleChanged
from agora_gateway.auth import ApiKeyCache
from agora_gateway.observability import GatewayMetrics
from agora_kit.events.envelope import Message
from agora_kit.events.transport import Subscription, Transport

logger = logging.getLogger("agora.gateway.revocations")

# What makes an exchanged token of the user stale.
EVICTING = frozenset(
    {ApiKeysRevoked.event_type, UserDeleted.event_type, UserRoleChanged.event_type}
)


def follower_group(port: int) -> str:
    """One consumer group per replica: a pod name (or host) and the port it serves."""
    return f"gateway-{socket.gethostname()}-{port}"


class RevocationFollower:
    def __init__(
        self,
        *,
        cache: ApiKeyCache,
        transport: Transport,
        group: str,
        metrics: GatewayMetrics,
        max_age_seconds: float,
        owns_transport: bool,
        retry_seconds: float = 5.0,
    ) -> None:
        self.cache = cache
        self.transport = transport
        self.group = group
        self.max_age = timedelta(seconds=max_age_seconds)
        self.owns_transport = owns_transport
        self.retry_seconds = retry_seconds
        self._subscription: Subscription | None = None
        self._up = metrics.api_key_follower_up.labels(metrics.base.service)
        self._evicted = metrics.api_key_evictions.labels(metrics.base.service)

    async def handle(self, message: Message) -> None:
        if message.header("ce_type") not in EVICTING:
            return
        sent = message.header("ce_time")
        if sent is not None:
            with contextlib.suppress(ValueError):
                at = datetime.fromisoformat(sent)
                if at.tzinfo is not None and datetime.now(UTC) - at > self.max_age:
                    return
        try:
            user_id = str(json.loads(message.value)["user_id"])
        except (ValueError, KeyError, TypeError):
            logger.warning("user event %s without a user id ignored", message.position)
            return
        evicted = self.cache.evict_user(user_id)
        if evicted:
            self._evicted.inc(evicted)
            logger.info("evicted %d cached API-key exchange(s) of user %s", evicted, user_id)

    async def run(self) -> None:
        """Subscribe, retrying until it works; then hold the subscription."""
        self._up.set(0)
        while self._subscription is None:
            try:
                if self.owns_transport:
                    await self.transport.start()
                self._subscription = await self.transport.subscribe(
                    self.group, [USER_TOPIC], self.handle
                )
            except Exception as exc:
                logger.warning(
                    "cannot follow API-key revocations yet (%r); cached keys live up to "
                    "their cache lifetime until it can",
                    exc,
                )
                await asyncio.sleep(self.retry_seconds)
        # A Kafka transport takes subscriptions before it reaches its broker (ADR 0110):
        # the follower is up once the transport says it is connected.
        while True:
            try:
                await self.transport.check()
            except Exception:
                await asyncio.sleep(self.retry_seconds)
            else:
                break
        self._up.set(1)

    async def close(self) -> None:
        if self._subscription is not None:
            await self._subscription.close()
            self._subscription = None
        if self.owns_transport:
            await self.transport.close()
        self._up.set(0)
