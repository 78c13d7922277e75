from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from agora_kit.events.inprocess import InProcessTransport
from agora_kit.testing.fixtures import PostgresServer
from agora_kit.testing.transport_contract import TransportContract


@pytest.fixture(scope="module")
async def transport(postgres_server: PostgresServer) -> AsyncIterator[InProcessTransport]:
    name = await postgres_server.create_database("events")
    the_transport = InProcessTransport(
        postgres_server.url(name), poll_seconds=0.2, redelivery_seconds=0.1
    )
    await the_transport.start()
    yield the_transport
    await the_transport.close()
    await postgres_server.drop_database(name)


class TestInProcessTransport(TransportContract):
    pass
