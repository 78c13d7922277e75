"""Stripe slow or cut off, through toxiproxy in front of stripe-mock (ADR 0111): each
call gives up after the configured timeout and retries, raising ProviderUnavailable
(answered as a 503 problem+json) instead of waiting the library's 80 s; once Stripe is
reachable again, calls pass."""

from __future__ import annotations

import time
import uuid
from urllib.parse import urlsplit

import pytest

from agora_kit.errors import ServiceUnavailable
from agora_payment.adapters.stripe import ProviderUnavailable, StripeProvider
from agora_tools.pytest_plugin import StripeMockServer, ToxiproxyServer


async def create(provider: StripeProvider) -> str:
    intent = await provider.create_intent(
        amount=1250, currency="USD", idempotency_key=uuid.uuid4().hex, metadata={}
    )
    return intent.id


async def test_a_slow_or_cut_stripe_is_unavailable_within_the_bounds(
    stripe_mock_server: StripeMockServer, toxiproxy_server: ToxiproxyServer
) -> None:
    mock = urlsplit(stripe_mock_server.url)
    proxy = toxiproxy_server.proxy(f"stripe-{uuid.uuid4().hex[:8]}", mock.netloc)
    provider = StripeProvider(
        stripe_mock_server.api_key,
        api_base=f"http://{proxy.listen}",
        timeout=1.0,
        max_network_retries=1,
    )
    try:
        assert await create(provider)
        assert issubclass(ProviderUnavailable, ServiceUnavailable)  # a 503
        for toxic, kind, bound in (("slow", "latency", 4.0), ("cut", "reset_peer", 3.0)):
            if kind == "latency":
                proxy.add(toxic, kind, latency=5000)
            else:
                proxy.add(toxic, kind, timeout=0)
            started = time.monotonic()
            with pytest.raises(ProviderUnavailable):
                await create(provider)
            # Two attempts of at most 1 s each, and the library's backoff between them.
            assert time.monotonic() - started < bound
            proxy.remove(toxic)
            assert await create(provider)
    finally:
        proxy.close()
