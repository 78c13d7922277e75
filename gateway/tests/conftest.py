"""The gateway under test: served by uvicorn on a loopback port, in front of a fake
upstream (also a real server) that plays every service, the user service's JWKS and
token exchange included."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

import pytest

from agora_gateway.testing import (
    FakeUpstream,
    GatewayFactory,
    RunningGateway,
    running_gateway,
    serve,
)


@pytest.fixture
async def fake() -> FakeUpstream:
    return FakeUpstream()


@pytest.fixture
async def upstream_url(fake: FakeUpstream) -> AsyncIterator[str]:
    async with serve(fake.app()) as url:
        yield url


@pytest.fixture
def start_gateway(upstream_url: str) -> GatewayFactory:
    def start(**overrides: Any) -> contextlib.AbstractAsyncContextManager[RunningGateway]:
        return running_gateway(upstream_url, **overrides)

    return start


@pytest.fixture
async def gateway(start_gateway: GatewayFactory) -> AsyncIterator[RunningGateway]:
    async with start_gateway() as running:
        yield running
