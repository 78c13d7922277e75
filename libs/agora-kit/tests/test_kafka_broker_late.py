"""A service started before its Kafka broker (ADR 0110): it starts, is alive and not
ready, and turns ready by itself once the broker is up; an event its outbox took
meanwhile is delivered, once. The same when the broker goes away later and comes back.

The broker is this test's own, on free ports and a data directory of its own, so
starting it late disturbs no other test's broker."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager
from fastapi import APIRouter, FastAPI
from sqlalchemy import Column, Integer, String, insert, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import DeclarativeBase

from agora_contracts.events import EventPayload
from agora_kit.app import OutboxDep, ServiceRuntime, create_service_app
from agora_kit.db import SessionDep, new_metadata
from agora_kit.events.envelope import CloudEvent
from agora_kit.events.tables import metadata as event_metadata
from agora_kit.events.tables import outbox
from agora_kit.settings import CommonSettings, ServiceSettings
from agora_kit.testing import skip_or_fail
from agora_kit.testing.fixtures import PostgresServer, free_port
from agora_tools.infra import ProvisionError
from agora_tools.infra.kafka import Kafka
from agora_tools.pytest_plugin import _timeout_paused


class Base(DeclarativeBase):
    metadata = new_metadata()


class Widget(Base):
    __tablename__ = "widgets"
    id = Column(Integer, primary_key=True)
    name = Column(String, nullable=False)


class WidgetMade(EventPayload):
    event_type = "agora.latebroker.widget.made.v1"
    topic = "agora.latebroker.widget.v1"
    widget_id: int


router = APIRouter()


@router.post("/widgets", status_code=201)
async def make_widget(session: SessionDep, events: OutboxDep) -> dict[str, Any]:
    widget_id = await session.scalar(insert(Widget).values(name="w").returning(Widget.id))
    assert widget_id is not None
    await events.add(session, WidgetMade(widget_id=widget_id), key=str(widget_id))
    return {"id": widget_id}


handled: list[int] = []


async def on_made(
    context: ServiceRuntime, session: AsyncSession, payload: WidgetMade, event: CloudEvent
) -> None:
    handled.append(payload.widget_id)


@pytest.fixture
def late_broker(tmp_path: Path) -> Iterator[Kafka]:
    """A broker of the test's own, installed (from the shared cache) but not started."""
    broker = Kafka(port=free_port(), controller_port=free_port(), home=tmp_path / "kafka")
    try:
        with _timeout_paused():  # a first download is not the test's time
            broker.install()
    except (ProvisionError, OSError) as exc:
        skip_or_fail(f"kafka could not be installed: {exc}")
    yield broker
    broker.down()


@pytest.fixture
async def app(postgres_server: PostgresServer, late_broker: Kafka) -> AsyncIterator[FastAPI]:
    database = await postgres_server.create_database("latebroker")
    settings = ServiceSettings(
        service_name="widgets",
        database_url=postgres_server.url(database),
        outbox_poll_seconds=0.1,
        common=CommonSettings(
            event_transport="kafka",
            kafka_bootstrap_servers=late_broker.bootstrap_servers,
            kafka_partitions=2,
        ),
    )
    application = create_service_app(
        settings,
        title="Widgets",
        description="A service whose broker starts after it",
        routers=[router],
        context=lambda runtime: runtime,
        handlers={WidgetMade: on_made},
    )
    async with application.state.database.engine.begin() as conn:
        await conn.run_sync(event_metadata.create_all)
        await conn.run_sync(Base.metadata.create_all)
    yield application
    await postgres_server.drop_database(database)


async def wait_for(check: Any, seconds: float) -> bool:
    deadline = asyncio.get_running_loop().time() + seconds
    while asyncio.get_running_loop().time() < deadline:
        if await check():
            return True
        await asyncio.sleep(0.25)
    return False


def warnings_of(caplog: pytest.LogCaptureFixture, logger: str, text: str) -> int:
    return sum(
        1
        for r in caplog.records
        if r.name == logger and r.levelno == logging.WARNING and text in r.getMessage()
    )


async def test_a_service_started_before_its_broker_turns_ready_by_itself_and_loses_nothing(
    app: FastAPI, late_broker: Kafka, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    handled.clear()
    async with (
        LifespanManager(app, startup_timeout=30) as manager,
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=manager.app), base_url="http://test"
        ) as client,
    ):
        # Started, with no broker: alive, not ready, and the broker named as the cause.
        assert (await client.get("/healthz")).status_code == 200
        readiness = await client.get("/readyz")
        assert readiness.status_code == 503
        assert readiness.json()["checks"] == {
            "database": "ok",
            "events": "failing: BrokerNotConnected",
        }
        made = await client.post("/widgets")
        assert made.status_code == 201, made.text
        widget_id = made.json()["id"]
        await asyncio.sleep(3)  # several attempts to connect, and relay rounds, fail
        async with app.state.database.transaction() as session:
            waiting = (await session.execute(select(outbox.c.published_at))).scalars().all()
        assert waiting == [None], "with no broker the event waits in the outbox"
        assert (await client.get("/readyz")).status_code == 503

        try:
            await asyncio.to_thread(late_broker.up)
        except ProvisionError as exc:
            skip_or_fail(f"kafka could not be started: {exc}")

        async def ready() -> bool:
            return (await client.get("/readyz")).status_code == 200

        assert await wait_for(ready, 45), (await client.get("/readyz")).text

        async def delivered() -> bool:
            return bool(handled)

        assert await wait_for(delivered, 30), "the event written before the broker came"
        await asyncio.sleep(1)  # room for a second delivery, were there one
        assert handled == [widget_id]

        # Later the broker goes away: the service stays up (alive, not ready, the broker
        # named), and once the broker is back it is ready again and the event written
        # meanwhile is delivered, once.
        await asyncio.to_thread(late_broker.down)

        async def not_ready() -> bool:
            return (await client.get("/readyz")).status_code == 503

        assert await wait_for(not_ready, 15)
        assert (await client.get("/readyz")).json()["checks"]["events"] == (
            "failing: BrokerNotConnected"
        )
        assert (await client.get("/healthz")).status_code == 200
        second = await client.post("/widgets")
        assert second.status_code == 201, second.text
        await asyncio.to_thread(late_broker.up)
        assert await wait_for(ready, 45), (await client.get("/readyz")).text

        async def both_delivered() -> bool:
            return len(handled) >= 2

        assert await wait_for(both_delivered, 45), "the event written while the broker was away"
        await asyncio.sleep(1)
        assert handled == [widget_id, second.json()["id"]]
        async with app.state.database.transaction() as session:
            published = (await session.execute(select(outbox.c.published_at))).scalars().all()
        assert len(published) == 2
        assert None not in published
    # One warning for each series of failed attempts, not one per attempt: the relay's
    # two outages, one attempt series to connect at start.
    assert warnings_of(caplog, "agora.events.kafka", "connecting to Kafka") == 1
    assert warnings_of(caplog, "agora.events.relay", "publishing events fails") <= 2
    assert warnings_of(caplog, "agora.events.relay", "publishing outbox row") == 0
