"""Delivery against SMTP servers that refuse: retries with backoff, every attempt in the
delivery log, a sent mail once the server accepts, and the dead-letter state.

Two real failures: an aiosmtpd server of the test's own that answers ``451`` (try again
later) to the first attempts, and, through toxiproxy, the shared SMTP sink made
unreachable and then reachable again."""

from __future__ import annotations

import asyncio
import email
import email.policy
import functools
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from aiosmtpd.smtp import SMTP, Envelope, Session
from asgi_lifespan import LifespanManager
from sqlalchemy import event

from agora_kit.events.inprocess import InProcessTransport
from agora_kit.testing.fixtures import free_port
from agora_kit.testing.tokens import Keys
from agora_kit.testing.waiting import eventually
from agora_notification.app import create_app
from agora_notification.settings import Settings
from agora_notification_testing import Mailbox, Notifications, confirmed
from agora_tools.pytest_plugin import SmtpServer, ToxiproxyServer


@dataclass
class Refusing:
    """Answers ``reply`` to the first ``refusals`` messages, then accepts."""

    refusals: int
    reply: str = "451 4.3.0 Mailbox busy, try again later"
    received: list[email.message.Message] = field(default_factory=list)
    attempts: int = 0

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        self.attempts += 1
        if self.attempts <= self.refusals:
            return self.reply
        self.received.append(
            email.message_from_bytes(envelope.original_content or b"", policy=email.policy.default)
        )
        return "250 OK"


@pytest.fixture
async def refusing() -> AsyncIterator[tuple[Refusing, int]]:
    handler = Refusing(refusals=3)
    port = free_port()
    server = await asyncio.get_running_loop().create_server(
        lambda: SMTP(handler, hostname="refusing.test"), "127.0.0.1", port
    )
    yield handler, port
    server.close()
    await server.wait_closed()


@asynccontextmanager
async def running(
    settings: Settings, keys: Keys, transport: InProcessTransport, **changes: Any
) -> AsyncIterator[Notifications]:
    """The service started with ``changes`` to its settings, and a client on it."""
    app = create_app(settings.model_copy(update=changes), transport=transport)
    app.state.jwks_verifier = keys.verifier()
    manager = LifespanManager(app)
    await manager.__aenter__()
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app)) as client:
            yield Notifications(app, client, keys)
    finally:
        await manager.__aexit__(None, None, None)


Start = Callable[..., AbstractAsyncContextManager[Notifications]]


@pytest.fixture
def start(settings: Settings, keys: Keys, transport: InProcessTransport) -> Start:
    """``start(**changes)``: the service running with those changes to its settings."""
    return functools.partial(running, settings, keys, transport)


async def settled_email(service: Notifications) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Confirms an order to a new buyer; their email delivery once it is no longer pending,
    with its attempts."""
    buyer = await service.person()
    await service.deliver(confirmed(buyer))
    row = await eventually(
        lambda: email_delivery(service, buyer.id),
        lambda r: r["status"] != "pending",
    )
    return row, await attempts_of(service, row["id"])


async def attempts_of(service: Notifications, delivery_id: object) -> list[dict[str, Any]]:
    return await service.query(
        "SELECT attempt, outcome, error FROM delivery_attempts WHERE delivery_id = :id "
        "ORDER BY attempt",
        id=delivery_id,
    )


async def email_delivery(service: Notifications, user_id: object) -> dict[str, Any]:
    rows = await service.deliveries(user_id, "order_confirmed")  # type: ignore[arg-type]
    [row] = [r for r in rows if r["channel"] == "email"]
    return row


async def test_a_refusing_server_leads_to_retries_then_one_sent_mail(
    start: Start, refusing: tuple[Refusing, int]
) -> None:
    handler, port = refusing
    async with start(smtp_port=port) as service:
        row, log = await settled_email(service)
    assert row["status"] == "sent"
    assert row["attempts"] == 4
    assert [(a["attempt"], a["outcome"]) for a in log] == [
        (1, "failed"),
        (2, "failed"),
        (3, "failed"),
        (4, "sent"),
    ]
    assert all("451 4.3.0 Mailbox busy" in a["error"] for a in log[:3])
    assert log[3]["error"] is None
    [mail] = handler.received
    assert mail["Subject"] == "Your Agora order AG-1042 is confirmed"


async def test_a_delivery_is_dead_after_the_last_attempt(
    start: Start, refusing: tuple[Refusing, int]
) -> None:
    handler, port = refusing
    async with start(smtp_port=port, delivery_max_attempts=2) as service:
        row, log = await settled_email(service)
    assert row["status"] == "dead"
    assert row["content"] is not None  # kept, so an operator can send it again
    assert [a["outcome"] for a in log] == ["failed", "failed"]
    assert handler.received == []


async def test_an_unknown_mailbox_is_dead_at_once(
    start: Start, refusing: tuple[Refusing, int]
) -> None:
    handler, port = refusing
    handler.reply = "550 5.1.1 No such mailbox"
    async with start(smtp_port=port) as service:
        row, log = await settled_email(service)
    assert row["status"] == "dead"
    assert [(a["outcome"], a["error"]) for a in log] == [("rejected", "550 5.1.1 No such mailbox")]


async def test_mail_waits_out_an_smtp_outage(
    *,
    start: Start,
    smtp_server: SmtpServer,
    toxiproxy_server: ToxiproxyServer,
    mailbox: Mailbox,
) -> None:
    proxy = toxiproxy_server.proxy(f"smtp-{free_port()}", f"{smtp_server.host}:{smtp_server.port}")
    proxy.set_enabled(False)  # the SMTP server is unreachable: connections are refused
    try:
        # An attempt that meets the proxy as it comes back may hang until the SMTP
        # timeout: a short one, so the retry after it lands within the wait below.
        async with start(
            smtp_host=proxy.host, smtp_port=proxy.port, smtp_timeout_seconds=3.0
        ) as service:
            buyer = await service.person()
            await service.deliver(confirmed(buyer))
            failing = await eventually(
                lambda: email_delivery(service, buyer.id), lambda r: r["attempts"] >= 2
            )
            assert failing["status"] == "pending"
            proxy.set_enabled(True)
            [mail] = await mailbox.wait(buyer.email, within=30.0)
            row = await eventually(
                lambda: email_delivery(service, buyer.id), lambda r: r["status"] == "sent"
            )
            log = await attempts_of(service, row["id"])
    finally:
        proxy.close()
    assert mail["Subject"] == "Your Agora order AG-1042 is confirmed"
    assert row["status"] == "sent"
    assert [a["outcome"] for a in log] == ["failed"] * (len(log) - 1) + ["sent"]
    assert len(log) >= 3
    assert all(a["error"] for a in log[:-1])


async def test_an_idle_dispatcher_asks_for_due_deliveries_once_a_poll_not_once_per_worker(
    service: Notifications, mailbox: Mailbox
) -> None:
    """Four workers (the default), a poll every 0.05 s: at rest only one of them looks
    for retries fallen due; a new delivery still wakes them and is sent."""
    assert Settings.model_fields["delivery_workers"].default == 4
    engine = service.database.engine.sync_engine
    looks: list[str] = []

    def seen(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        if "FROM deliveries" in statement and "SKIP LOCKED" in statement:
            looks.append(statement)

    event.listen(engine, "before_cursor_execute", seen)
    try:
        await asyncio.sleep(0.3)
        looks.clear()
        await asyncio.sleep(1.0)  # twenty polls
        idle = len(looks)
        buyer = await service.person()
        await service.deliver(confirmed(buyer))
        [mail] = await mailbox.wait(buyer.email)
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    # One worker's polls (about twenty), not four workers' (about eighty).
    assert 5 <= idle <= 30, idle
    assert str(mail["Subject"]) == "Your Agora order AG-1042 is confirmed"


async def test_a_new_delivery_wakes_one_idle_worker_not_all_of_them(
    start: Start, mailbox: Mailbox
) -> None:
    """Four idle workers that hardly poll: a commit that made deliveries sends one
    worker to look, and each worker that finds one sends one more, so the looks are
    about twice the deliveries, not four workers' looks for each."""
    async with start(delivery_poll_seconds=60) as service:
        engine = service.database.engine.sync_engine
        looks: list[str] = []

        def seen(_conn: object, _cursor: object, statement: str, *_: object) -> None:
            if "FROM deliveries" in statement and "SKIP LOCKED" in statement:
                looks.append(statement)

        buyer = await service.person()
        await asyncio.sleep(0.3)  # the welcome sent, the workers idle again
        made_before = await service.query("SELECT count(*) AS n FROM deliveries")
        mails = len(mailbox.to(buyer.email))
        event.listen(engine, "before_cursor_execute", seen)
        try:
            await service.deliver(confirmed(buyer))
            await mailbox.wait(buyer.email, count=mails + 1)
            await asyncio.sleep(0.3)
        finally:
            event.remove(engine, "before_cursor_execute", seen)
        made = (await service.query("SELECT count(*) AS n FROM deliveries"))[0]["n"]
        made -= made_before[0]["n"]
    # Each delivery: the look that finds it and the finder's next one; then the one
    # look that finds nothing. Waking all four each time would be eight or more.
    assert made >= 1
    assert len(looks) <= 2 * made + 1, (made, len(looks))
