"""The chaos audit's dead letters (ADR 0120): a verification mail sealed under another
Agora's key, published on a shared broker before the run began and dead-lettered by
this fleet's consumer during the run, is reported apart; one of the run's own events
dead-lettered is a problem. The events go through the real consumer (retries, inbox,
dead-letter table) into real databases, opened as the notification service opens them."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from agora_contracts.user import EmailVerificationRequested
from agora_kit.db import Database
from agora_kit.events.consumer import EventConsumer
from agora_kit.events.envelope import CloudEvent, to_message
from agora_kit.events.tables import metadata as event_metadata
from agora_kit.metrics import ServiceMetrics
from agora_kit.sealing import Sealer
from agora_kit.testing.fixtures import Databases
from agora_tools import fleet, fleetdb
from agora_tools.chaos_audit import audit_dead_letters

FLEET_KEY = "development-only-mail-token-key-change-me"
OTHER_KEY = "a-key-the-chart-of-another-agora-generated-48-chars"


@pytest.fixture
async def service_urls(databases: Databases) -> dict[str, str]:
    """Each service's database, holding the event tables (inbox, dead letters)."""
    urls = {f"agora_{service}": await databases.empty(service) for service in fleet.SERVICES}
    for url in urls.values():
        database = Database(url)
        async with database.engine.begin() as conn:
            await conn.run_sync(event_metadata.create_all)
        await database.dispose()
    return urls


def verification(sealed_token: str, published: datetime) -> CloudEvent:
    user_id = uuid.uuid4()
    payload = EmailVerificationRequested(
        user_id=user_id,
        email=f"journey-{user_id.hex[:12]}@example.com",
        full_name="Ada",
        sealed_token=sealed_token,
        expires_at=published + timedelta(days=2),
    )
    return CloudEvent(
        id=str(uuid.uuid4()),
        source="/agora/user",
        type=payload.event_type,
        subject=str(user_id),
        time=published,
        data=payload.model_dump(mode="json"),
    )


async def test_only_the_runs_own_dead_letters_are_its_problems(
    service_urls: dict[str, str],
) -> None:
    database = Database(service_urls["agora_notification"])
    consumer = EventConsumer(
        database,
        ServiceMetrics("notification-audit-test"),
        group="notification",
        max_attempts=2,
        retry_base_seconds=0.01,
    )
    fleet_sealer = Sealer(FLEET_KEY)

    @consumer.on(EmailVerificationRequested)
    async def open_it(
        session: AsyncSession, payload: EmailVerificationRequested, event: CloudEvent
    ) -> None:
        fleet_sealer.open(payload.sealed_token)  # as the notification service does

    # Another Agora on the same broker (another key) published this before the run and
    # stopped before its notification service consumed it.
    earlier = verification(Sealer(OTHER_KEY).seal("t-1"), datetime.now(UTC) - timedelta(minutes=3))
    since = datetime.now(UTC)
    try:
        # The run: this fleet's group reads the leftover, and one event of its own that
        # it cannot open either (a mismatch within the fleet would look like this).
        await consumer.handle(to_message("agora.user.user.v1", "k-1", earlier))
        own = verification(Sealer(OTHER_KEY).seal("t-2"), datetime.now(UTC))
        await consumer.handle(to_message("agora.user.user.v1", "k-2", own))
        # One it opens: no dead letter.
        fine = verification(fleet_sealer.seal("t-3"), datetime.now(UTC))
        await consumer.handle(to_message("agora.user.user.v1", "k-3", fine))
    finally:
        await database.dispose()

    with fleetdb.databases_of(service_urls.__getitem__):
        found = await audit_dead_letters(since)

    assert len(found.run) == 1, found
    assert len(found.earlier) == 1, found
    assert "InvalidToken" in found.run[0]
    assert f"published {own.time.isoformat()}" in found.run[0]
    assert f"published {earlier.time.isoformat()}" in found.earlier[0]
    # A later run does not see this run's dead letters at all.
    with fleetdb.databases_of(service_urls.__getitem__):
        later = await audit_dead_letters(datetime.now(UTC))
    assert later.run == later.earlier == []
