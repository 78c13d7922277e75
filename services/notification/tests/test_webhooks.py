"""Outbound webhooks against a real HTTP receiver: an event reaches its subscriber
signed as Standard Webhooks says (verified by the ``standardwebhooks`` library), a
failing receiver is retried until it recovers, the delivery log, redelivery, the test
ping, and who may subscribe to what."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import httpx
from sqlalchemy import event

from agora_contracts.catalog import VendorApplied
from agora_contracts.common import Money
from agora_contracts.order import OrderLine, OrderPlaced
from agora_contracts.payment import PaymentSucceeded
from agora_kit.auth import ROLE_ADMIN, ROLE_CUSTOMER, ROLE_VENDOR
from agora_kit.events.inprocess import InProcessTransport
from agora_kit.testing.apps import running
from agora_kit.testing.tokens import Keys
from agora_kit.testing.waiting import eventually
from agora_notification.app import create_app
from agora_notification.settings import Settings
from agora_notification_testing import Notifications, confirmed
from agora_notification_testing.webhooks import Receiver, receiver

API = "/api/v1/webhooks"


def auth(
    service: Notifications, user_id: uuid.UUID, *roles: str, scope: str | None = None
) -> dict[str, str]:
    token = service.keys.token(user_id, roles or (ROLE_ADMIN,), scope=scope)
    return {"Authorization": f"Bearer {token}"}


async def subscribe(
    service: Notifications, headers: dict[str, str], url: str, events: list[str], **more: Any
) -> dict[str, Any]:
    answer = await service.client.post(
        API, json={"url": url, "events": events, **more}, headers=headers
    )
    assert answer.status_code == 201, answer.text
    body: dict[str, Any] = answer.json()
    return body


async def deliveries(
    service: Notifications, headers: dict[str, str], webhook_id: str
) -> list[dict[str, Any]]:
    answer = await service.client.get(f"{API}/{webhook_id}/deliveries", headers=headers)
    assert answer.status_code == 200, answer.text
    items: list[dict[str, Any]] = answer.json()["items"]
    return items


async def store(service: Notifications) -> tuple[uuid.UUID, dict[str, str]]:
    """A vendor whose store the service learned of: its store id and its headers."""
    owner = await service.person()
    vendor_id = uuid.uuid4()
    await service.deliver(
        VendorApplied(vendor_id=vendor_id, owner_id=owner.id, name=f"Store {vendor_id.hex[:6]}")
    )
    return vendor_id, auth(service, owner.id, ROLE_VENDOR)


async def received(
    hook: Receiver, event_type: str, count: int = 1, within: float = 10.0
) -> list[Any]:
    async def probe() -> list[Any]:
        return hook.of_type(event_type)

    return await eventually(probe, lambda found: len(found) >= count, within=within)


async def test_an_admin_endpoint_receives_order_confirmed_signed(service: Notifications) -> None:
    admin = auth(service, uuid.uuid4())
    buyer = await service.person()
    with receiver() as hook:
        created = await subscribe(service, admin, hook.url, ["order.confirmed"], description="ERP")
        assert created["secret"].startswith("whsec_")
        assert created["vendor_id"] is None
        assert created["active"] is True
        shown = (await service.client.get(f"{API}/{created['id']}", headers=admin)).json()
        assert "secret" not in shown, "the secret is shown once, at creation"

        order = confirmed(buyer)
        event_id = await service.deliver(order)
        [got] = await received(hook, "order.confirmed")
        body = got.verify(created["secret"])
        assert body["type"] == "order.confirmed"
        data = body["data"]
        assert data["id"] == str(order.order_id)
        assert data["number"] == "AG-1042"
        assert data["total"] == {"amount": 3594, "currency": "EUR"}
        assert [line["sku"] for line in data["lines"]] == ["MUG-BLUE", "TEA-EARL"]
        assert "payment_method" not in data
        assert got.path == "/hooks"

        # The same event again makes no second delivery (the inbox, then the unique key).
        await service.deliver(order, event_id=event_id)
        [logged] = await deliveries(service, admin, created["id"])
        assert logged["status"] == "succeeded"
        assert logged["attempts"] == 1
        assert logged["response_status"] == 204
        assert logged["latency_ms"] is not None
        assert got.headers["webhook-id"] == logged["id"]
        assert len(hook.received) == 1


async def test_a_failing_receiver_is_retried_until_it_recovers(service: Notifications) -> None:
    admin = auth(service, uuid.uuid4())
    buyer = await service.person()
    with receiver(script=[500, 500, 503]) as hook:
        created = await subscribe(service, admin, hook.url, ["order.confirmed"])
        await service.deliver(confirmed(buyer))
        got = await received(hook, "order.confirmed", 4)
        assert hook.answered == [500, 500, 503, 204]
        assert len({r.headers["webhook-id"] for r in got}) == 1, "one delivery, four attempts"
        for attempt in got:
            attempt.verify(created["secret"])

        async def log() -> list[dict[str, Any]]:
            return await deliveries(service, admin, created["id"])

        [logged] = await eventually(log, lambda rows: rows[0]["status"] == "succeeded")
        assert logged["attempts"] == 4
        assert logged["response_status"] == 204
        assert logged["next_attempt_at"] is None
        shown = (await service.client.get(f"{API}/{created['id']}", headers=admin)).json()
        assert shown["consecutive_failures"] == 0, "a success resets the count"

        # Redelivery sends it again, with the same webhook-id.
        redone = await service.client.post(
            f"{API}/{created['id']}/deliveries/{logged['id']}/redeliver", headers=admin
        )
        assert redone.status_code == 202, redone.text
        again = await received(hook, "order.confirmed", 5)
        assert again[-1].headers["webhook-id"] == logged["id"]


async def test_the_test_ping_and_the_delivery_log(service: Notifications) -> None:
    admin = auth(service, uuid.uuid4())
    with receiver() as hook:
        created = await subscribe(service, admin, hook.url, ["payout.created"])
        ping = await service.client.post(f"{API}/{created['id']}/test", headers=admin)
        assert ping.status_code == 202, ping.text
        assert ping.json()["event_type"] == "webhook.test"
        [got] = await received(hook, "webhook.test")
        assert got.verify(created["secret"])["data"]["webhook_id"] == created["id"]

        async def pending() -> list[Any]:
            answer = await service.client.get(
                f"{API}/{created['id']}/deliveries", headers=admin, params={"status": "pending"}
            )
            items: list[Any] = answer.json()["items"]
            return items

        # The receiver answered; the attempt is recorded when its transaction commits.
        await eventually(pending, lambda items: items == [])
        [done] = await deliveries(service, admin, created["id"])
        assert done["status"] == "succeeded"
        assert done["id"] == got.headers["webhook-id"]


async def test_unknown_event_types_and_bad_urls_are_problems(service: Notifications) -> None:
    admin = auth(service, uuid.uuid4())
    for body in (
        {"url": "https://hooks.example.com/x", "events": ["order.exploded"]},
        {"url": "https://hooks.example.com/x", "events": []},
        {"url": "ftp://hooks.example.com/x", "events": ["order.confirmed"]},
        {
            "url": "http://127.0.0.1:9/x",
            "events": ["order.confirmed"],
            "vendor_id": str(uuid.uuid4()),
        },
    ):
        answer = await service.client.post(API, json=body, headers=admin)
        assert answer.status_code == 422, (body, answer.text)
        assert answer.headers["content-type"] == "application/problem+json"


async def test_who_may_subscribe(service: Notifications) -> None:
    customer = auth(service, uuid.uuid4(), ROLE_CUSTOMER)
    body = {"url": "http://127.0.0.1:9/x", "events": ["order.confirmed"]}
    assert (await service.client.post(API, json=body, headers=customer)).status_code == 403
    # A vendor whose store the service has not heard of has nothing to subscribe to.
    storeless = auth(service, uuid.uuid4(), ROLE_VENDOR)
    refused = await service.client.post(API, json=body, headers=storeless)
    assert refused.status_code == 403
    assert refused.json()["type"].endswith("/no-store")
    # API keys need webhooks:write.
    admin_id = uuid.uuid4()
    keyed = auth(service, admin_id, ROLE_ADMIN, scope="orders:read")
    assert (await service.client.post(API, json=body, headers=keyed)).status_code == 403
    scoped = auth(service, admin_id, ROLE_ADMIN, scope="webhooks:write")
    assert (await service.client.post(API, json=body, headers=scoped)).status_code == 201


async def test_a_store_hears_only_of_its_own_orders(service: Notifications) -> None:
    store_a, vendor_a = await store(service)
    store_b, vendor_b = await store(service)
    admin = auth(service, uuid.uuid4())
    buyer = await service.person()
    events = ["order.confirmed", "payment.succeeded"]
    with receiver() as hook_a, receiver() as hook_b:
        mine = await subscribe(service, vendor_a, hook_a.url, events)
        theirs = await subscribe(service, vendor_b, hook_b.url, events)
        assert mine["vendor_id"] == str(store_a)
        # Vendors see their own endpoints only; admins see all.
        listed = (await service.client.get(API, headers=vendor_a)).json()["items"]
        assert [e["id"] for e in listed] == [mine["id"]]
        for method in ("GET", "DELETE"):
            other = await service.client.request(method, f"{API}/{theirs['id']}", headers=vendor_a)
            assert other.status_code == 404
        everyone = (await service.client.get(API, headers=admin)).json()["items"]
        assert {mine["id"], theirs["id"]} <= {e["id"] for e in everyone}

        # An order of store B only, paid: store B hears of both, store A of neither.
        order = confirmed(buyer)
        lines = [OrderLine(**{**line.model_dump(), "vendor_id": store_b}) for line in order.lines]
        order = order.model_copy(update={"lines": lines})
        await service.deliver(
            OrderPlaced(
                order_id=order.order_id,
                buyer_id=buyer.id,
                lines=lines,
                placed_at=order.confirmed_at,
            )
        )
        await service.deliver(
            PaymentSucceeded(
                payment_id=uuid.uuid4(),
                order_id=order.order_id,
                buyer_id=buyer.id,
                amount=Money(amount=3594, currency="EUR"),
                payment_method="Visa 4242",
            )
        )
        await service.deliver(order)
        [paid] = await received(hook_b, "payment.succeeded")
        assert paid.verify(theirs["secret"])["data"]["order_id"] == str(order.order_id)
        assert "payment_method" not in paid.json["data"]
        [got] = await received(hook_b, "order.confirmed")
        data = got.verify(theirs["secret"])["data"]
        assert len(data["lines"]) == 2
        assert "total" not in data, "a store sees its lines, not the order's totals"
        # Store B's deliveries were made in the same transactions as any of store A's
        # would have been: none exists, not merely none has arrived yet.
        made = await service.query(
            "SELECT count(*) AS n FROM webhook_deliveries WHERE endpoint_id = :id",
            id=uuid.UUID(mine["id"]),
        )
        assert made[0]["n"] == 0
        assert hook_a.received == []


async def test_deleting_an_endpoint_stops_deliveries(service: Notifications) -> None:
    admin = auth(service, uuid.uuid4())
    with receiver() as hook:
        created = await subscribe(service, admin, hook.url, ["payment.succeeded"])
        gone = await service.client.delete(f"{API}/{created['id']}", headers=admin)
        assert gone.status_code == 204
        assert (
            await service.client.get(f"{API}/{created['id']}", headers=admin)
        ).status_code == 404
        await service.deliver(
            PaymentSucceeded(
                payment_id=uuid.uuid4(),
                order_id=uuid.uuid4(),
                buyer_id=uuid.uuid4(),
                amount=Money(amount=100, currency="EUR"),
            )
        )
        rows = await service.query("SELECT count(*) AS n FROM webhook_deliveries")
        assert rows[0]["n"] == 0
        assert hook.received == []


async def test_patch_changes_events_and_checks_the_url(service: Notifications) -> None:
    admin = auth(service, uuid.uuid4())
    created = await subscribe(service, admin, "http://127.0.0.1:9/x", ["order.confirmed"])
    changed = await service.client.patch(
        f"{API}/{created['id']}",
        json={"events": ["order.shipped", "order.shipped"], "description": "ship"},
        headers=admin,
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["events"] == ["order.shipped"]
    assert changed.json()["description"] == "ship"
    bad = await service.client.patch(
        f"{API}/{created['id']}", json={"url": "gopher://x"}, headers=admin
    )
    assert bad.status_code == 422


async def test_a_new_delivery_wakes_one_idle_loop_not_all_of_them(
    settings: Settings, keys: Keys, transport: InProcessTransport
) -> None:
    """Four idle delivery loops that hardly poll: a commit that made a delivery sends
    one loop to look, the loop that found it one more; not all four each time."""
    assert Settings.model_fields["webhook_workers"].default == 4
    quiet = settings.model_copy(update={"webhook_poll_seconds": 60})
    async with (
        running(create_app(quiet, transport=transport), keys) as app,
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://n.test") as c,
    ):
        service = Notifications(app, c, keys)
        engine = service.database.engine.sync_engine
        looks: list[str] = []

        def seen(_conn: object, _cursor: object, statement: str, *_: object) -> None:
            if "FROM webhook_deliveries" in statement and "SKIP LOCKED" in statement:
                looks.append(statement)

        buyer = await service.person()
        with receiver() as hook:
            await subscribe(service, auth(service, uuid.uuid4()), hook.url, ["order.confirmed"])
            await asyncio.sleep(0.3)  # the loops idle
            event.listen(engine, "before_cursor_execute", seen)
            try:
                await service.deliver(confirmed(buyer))
                await received(hook, "order.confirmed")
                await asyncio.sleep(0.3)
            finally:
                event.remove(engine, "before_cursor_execute", seen)
    # The look that found it and the one more loop its finder woke, which finds
    # nothing: two (the finder does not look again itself once it is sent). Four
    # loops woken for it, or a finder looking again, are more.
    assert len(looks) == 2, len(looks)


async def test_one_loop_alone_sends_every_delivery_one_commit_made(
    settings: Settings, keys: Keys, transport: InProcessTransport
) -> None:
    """A single loop that hardly polls: one commit made three deliveries and rang once;
    the ring each find gives is kept while nobody waits, so the loop looks again
    itself and sends all three now, not at its next poll."""
    alone = settings.model_copy(update={"webhook_workers": 1, "webhook_poll_seconds": 60})
    async with (
        running(create_app(alone, transport=transport), keys) as app,
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://n.test") as c,
    ):
        service = Notifications(app, c, keys)
        buyer = await service.person()
        admin = auth(service, uuid.uuid4())
        with receiver() as one, receiver() as two, receiver() as three:
            for hook in (one, two, three):
                await subscribe(service, admin, hook.url, ["order.confirmed"])
            await asyncio.sleep(0.3)  # the loop idles
            await service.deliver(confirmed(buyer))
            for hook in (one, two, three):
                await received(hook, "order.confirmed", within=5.0)
