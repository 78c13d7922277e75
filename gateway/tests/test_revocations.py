"""The revocation follower's rules, on messages as the transport delivers them."""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
from datetime import UTC, datetime, timedelta

from agora_contracts.user import USER_TOPIC, ApiKeysRevoked, UserRegistered
from agora_gateway.auth import ApiKeyCache, Identity
from agora_gateway.observability import GatewayMetrics
from agora_gateway.revocations import RevocationFollower
from agora_kit.auth import Principal
from agora_kit.events.envelope import Message
from agora_kit.events.kafka import KafkaTransport
from agora_kit.metrics import ServiceMetrics


class _NoTransport:
    """Never subscribed to in these tests."""

    name = "none"


def _follower(cache: ApiKeyCache) -> RevocationFollower:
    return RevocationFollower(
        cache=cache,
        transport=_NoTransport(),  # type: ignore[arg-type]
        group="gateway-test",
        metrics=GatewayMetrics(ServiceMetrics("gateway-revocations-test")),
        max_age_seconds=120,
        owns_transport=False,
    )


def _message(event_type: str, user_id: str, sent: datetime) -> Message:
    return Message(
        topic=USER_TOPIC,
        key=user_id,
        headers=(("ce_type", event_type.encode()), ("ce_time", sent.isoformat().encode())),
        value=json.dumps({"user_id": user_id}).encode(),
    )


def _cache_of(*users: str) -> ApiKeyCache:
    cache = ApiKeyCache(10)
    for number, user in enumerate(users):
        identity = Identity("api_key", Principal(user, scopes=frozenset({"catalog:read"})))
        cache.put(f"digest-{number}", identity, 60)
    return cache


async def test_a_revocation_evicts_every_cached_key_of_that_user_only() -> None:
    cache = _cache_of("ada", "ada", "grace")
    await _follower(cache).handle(_message(ApiKeysRevoked.event_type, "ada", datetime.now(UTC)))
    assert cache.get("digest-0") is None
    assert cache.get("digest-1") is None
    assert cache.get("digest-2") is not None


async def test_other_events_and_events_older_than_the_cache_evict_nothing() -> None:
    cache = _cache_of("ada")
    follower = _follower(cache)
    await follower.handle(_message(UserRegistered.event_type, "ada", datetime.now(UTC)))
    old = datetime.now(UTC) - timedelta(minutes=10)
    await follower.handle(_message(ApiKeysRevoked.event_type, "ada", old))
    assert cache.get("digest-0") is not None


async def test_the_follower_is_not_up_while_its_kafka_broker_cannot_be_reached() -> None:
    # A Kafka transport takes the subscription before it reaches a broker (ADR 0110):
    # taking it is not following yet. Nothing listens on the port (bound, not listening).
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
        metrics = GatewayMetrics(ServiceMetrics("gateway-revocations-late-broker"))
        follower = RevocationFollower(
            cache=ApiKeyCache(10),
            transport=KafkaTransport(f"127.0.0.1:{port}", client_id="gateway-test"),
            group="gateway-test",
            metrics=metrics,
            max_age_seconds=120,
            owns_transport=True,
            retry_seconds=0.1,
        )
        running = asyncio.create_task(follower.run())
        try:
            await asyncio.sleep(1.5)
            assert not running.done()
            up = metrics.base.registry.get_sample_value(
                "agora_gateway_api_key_follower_up", {"service": metrics.base.service}
            )
            assert up == 0
        finally:
            running.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await running
            await follower.close()
