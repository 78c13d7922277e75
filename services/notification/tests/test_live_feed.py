"""The live feed over a real WebSocket: the app served by uvicorn on a loopback port, a
client from the ``websockets`` library, authenticated with the same JWTs as the API."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import pytest
import uvicorn
from fastapi import FastAPI
from sqlalchemy import event
from sqlalchemy.engine import make_url
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from agora_kit.events.inprocess import InProcessTransport
from agora_kit.listening import asyncpg_connect_args
from agora_kit.testing.fixtures import free_port
from agora_kit.testing.tokens import Keys
from agora_kit.testing.waiting import eventually
from agora_notification.app import create_app
from agora_notification.settings import Settings
from agora_notification_testing import Notifications, confirmed

# Generous: a behaviour check (the entry arrives by itself), not a speed target.
WAIT = 5.0


class Served:
    def __init__(self, app: FastAPI, url: str, service: Notifications) -> None:
        self.app = app
        self.url = url
        self.service = service

    def connections(self) -> int:
        hub = self.app.state.context.hub
        return sum(len(held) for held in hub._connections.values())


@pytest.fixture
async def served(
    settings: Settings, keys: Keys, transport: InProcessTransport
) -> AsyncIterator[Served]:
    import httpx

    app = create_app(settings.model_copy(update={"ws_heartbeat_seconds": 0.3}), transport=transport)
    app.state.jwks_verifier = keys.verifier()
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, lifespan="on")
    )
    task = asyncio.create_task(server.serve())
    while not server.started:
        assert not task.done(), "uvicorn did not start"
        await asyncio.sleep(0.02)
    await asyncio.wait_for(app.state.context.hub.listening.wait(), WAIT)
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
        yield Served(
            app, f"ws://127.0.0.1:{port}/api/v1/notifications/ws", Notifications(app, client, keys)
        )
    server.should_exit = True
    await task


async def receive(ws: ClientConnection, kind: str, within: float = WAIT) -> dict[str, Any]:
    """The next message of ``kind``, skipping heartbeats."""
    async with asyncio.timeout(within):
        while True:
            message: dict[str, Any] = json.loads(await ws.recv())
            if message["type"] == kind:
                return message


async def test_a_connected_client_receives_a_new_notification_live(served: Served) -> None:
    buyer = await served.service.person()
    async with connect(served.url, subprotocols=["bearer", buyer.token]) as ws:  # type: ignore[list-item]
        assert ws.subprotocol == "bearer"
        ready = await receive(ws, "ready")
        assert ready["unread_count"] == 1  # the welcome
        await served.service.deliver(confirmed(buyer))
        pushed = await receive(ws, "notification")
    entry = pushed["notification"]
    assert entry["kind"] == "order_confirmed"
    assert entry["title"] == "Your Agora order AG-1042 is confirmed"
    assert entry["read"] is False
    assert pushed["unread_count"] == 2
    feed = await served.service.feed(buyer)
    assert feed["items"][0]["id"] == entry["id"]


async def test_the_token_may_come_in_the_first_message(served: Served) -> None:
    buyer = await served.service.person()
    other = await served.service.person()
    async with connect(served.url) as ws:
        await ws.send(json.dumps({"type": "auth", "token": buyer.token}))
        await receive(ws, "ready")
        await served.service.deliver(confirmed(other))  # someone else's order
        await served.service.deliver(confirmed(buyer))
        pushed = await receive(ws, "notification")
        assert pushed["notification"]["data"]["order_id"]
        assert pushed["unread_count"] == 2
        # Only the buyer's own entry came through.
        with pytest.raises(TimeoutError):
            await receive(ws, "notification", within=0.5)


async def test_heartbeats_and_pings(served: Served) -> None:
    buyer = await served.service.person()
    async with connect(served.url, subprotocols=["bearer", buyer.token]) as ws:  # type: ignore[list-item]
        await receive(ws, "ready")
        assert (await receive(ws, "ping"))["type"] == "ping"
        await ws.send(json.dumps({"type": "ping"}))
        assert (await receive(ws, "pong"))["type"] == "pong"


async def test_a_heartbeat_refreshes_every_socket_of_the_replica_in_one_update(
    served: Served,
) -> None:
    """Three sockets of two people, a heartbeat every 0.3 s: each beat is one UPDATE of
    ``live_sockets`` for all of them, not one per socket, and every row is refreshed."""
    engine = served.service.database.engine.sync_engine
    updates: list[str] = []

    def seen(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        if statement.lstrip().upper().startswith("UPDATE LIVE_SOCKETS"):
            updates.append(statement)

    first, second = await served.service.person(), await served.service.person()
    tokens: list[Any] = [["bearer", first.token], ["bearer", first.token], ["bearer", second.token]]
    async with (
        connect(served.url, subprotocols=tokens[0]) as a,
        connect(served.url, subprotocols=tokens[1]) as b,
        connect(served.url, subprotocols=tokens[2]) as c,
    ):
        for ws in (a, b, c):
            await receive(ws, "ready")
        opened = await served.service.query("SELECT max(seen_at) AS at FROM live_sockets")
        event.listen(engine, "before_cursor_execute", seen)
        try:
            await asyncio.sleep(1.0)  # three beats
        finally:
            event.remove(engine, "before_cursor_execute", seen)
        rows = await served.service.query("SELECT seen_at FROM live_sockets")
    assert len(rows) == 3
    assert all(row["seen_at"] > opened[0]["at"] for row in rows)
    # About three, one a beat; one per socket a beat would be about nine.
    assert 2 <= len(updates) <= 4, updates


@pytest.mark.parametrize(
    "how", ["no token", "bad token", "expired token", "api key", "garbage first message"]
)
async def test_a_socket_without_a_valid_session_is_closed_with_a_reason(
    served: Served, keys: Keys, how: str
) -> None:
    person = await served.service.person()
    first: str | None = {
        "no token": None,
        "bad token": json.dumps({"type": "auth", "token": "not.a.jwt"}),
        "expired token": json.dumps(
            {"type": "auth", "token": keys.token(person.id, expires_in=-120)}
        ),
        "api key": json.dumps(
            {"type": "auth", "token": keys.token(person.id, scope="orders:read")}
        ),
        "garbage first message": "hello",
    }[how]
    served.app.state.runtime.settings.ws_auth_timeout_seconds = 0.3
    async with connect(served.url) as ws:
        if first is not None:
            await ws.send(first)
        with pytest.raises(ConnectionClosed) as closed:
            await receive(ws, "ready")
    code = closed.value.rcvd.code if closed.value.rcvd else None
    assert code == {"api key": 4403, "garbage first message": 4400}.get(how, 4401)
    assert served.connections() == 0


async def test_a_dropped_connection_is_forgotten(served: Served) -> None:
    buyer = await served.service.person()
    ws = await connect(served.url, subprotocols=["bearer", buyer.token])  # type: ignore[list-item]
    await receive(ws, "ready")
    assert served.connections() == 1
    # Drop the TCP connection without a closing handshake, as a lost network would.
    ws.transport.abort()
    assert await eventually(lambda: asyncio.sleep(0, served.connections()), lambda n: n == 0) == 0
    # Notifications keep being written for a user nobody is listening for.
    await served.service.deliver(confirmed(buyer))
    feed = await served.service.feed(buyer)
    assert feed["unread_count"] == 2


async def closed_code(ws: ClientConnection, within: float) -> int | None:
    with pytest.raises(ConnectionClosed) as closed:
        await receive(ws, "ready", within=within)
    return closed.value.rcvd.code if closed.value.rcvd else None


async def test_a_silent_socket_is_closed_within_five_seconds(served: Served) -> None:
    async with connect(served.url) as ws:
        assert await closed_code(ws, within=6.0) == 4401
    assert served.connections() == 0


async def test_connections_per_user_are_capped(served: Served) -> None:
    served.app.state.runtime.settings.ws_max_connections_per_user = 2
    buyer = await served.service.person()
    other = await served.service.person()
    offered: Any = ["bearer", buyer.token]
    async with (
        connect(served.url, subprotocols=offered) as one,
        connect(served.url, subprotocols=offered) as two,
    ):
        await receive(one, "ready")
        await receive(two, "ready")
        async with connect(served.url, subprotocols=offered) as third:
            assert await closed_code(third, within=WAIT) == 4429
        async with connect(served.url, subprotocols=["bearer", other.token]) as theirs:  # type: ignore[list-item]
            await receive(theirs, "ready")
    # A closed socket frees its place.
    async with connect(served.url, subprotocols=offered) as again:
        await receive(again, "ready")


async def test_connections_in_total_are_capped_waiting_ones_included(served: Served) -> None:
    served.app.state.runtime.settings.ws_max_connections = 2
    buyer = await served.service.person()
    async with (
        connect(served.url) as waiting,
        connect(
            served.url,
            subprotocols=["bearer", buyer.token],  # type: ignore[list-item]
        ) as ready,
    ):
        await receive(ready, "ready")
        async with connect(served.url, subprotocols=["bearer", buyer.token]) as third:  # type: ignore[list-item]
            assert await closed_code(third, within=WAIT) == 1013
        await waiting.send(json.dumps({"type": "auth", "token": buyer.token}))
        await receive(waiting, "ready")


async def test_the_hub_listens_through_a_unix_socket_as_agora_run_gives_it(
    notification_url: str,
) -> None:
    """`agora run` hands its services URLs naming the server's socket in the query
    (``?host=/dir``); the hub's own connection must reach the server through it."""
    url = make_url(notification_url)
    probe = await asyncpg.connect(**asyncpg_connect_args(notification_url))
    try:
        directory = (await probe.fetchval("SHOW unix_socket_directories")).split(",")[0].strip()
    finally:
        await probe.close()
    socket_url = f"postgresql+asyncpg://{url.username}@:{url.port}/{url.database}?host={directory}"
    conn = await asyncpg.connect(**asyncpg_connect_args(socket_url))
    try:
        over = await conn.fetchval("SELECT inet_server_addr() IS NULL")
    finally:
        await conn.close()
    assert directory.startswith("/")
    assert over is True  # no server address: a Unix socket, not TCP


def test_the_hubs_connection_keeps_the_urls_options() -> None:
    """A deployment's URLs carry options in the query (the Helm chart's ``ssl=require``):
    asyncpg must get them as arguments, not lose them or send them as server settings."""
    url = "postgresql+asyncpg://agora:secret@pg:5432/agora_notification?ssl=require"
    assert asyncpg_connect_args(url) == {
        "host": "pg",
        "port": 5432,
        "user": "agora",
        "password": "secret",
        "database": "agora_notification",
        "ssl": "require",
    }


async def test_conversations_live_and_an_online_recipient_is_not_notified(served: Served) -> None:
    """A message reaches the other side's open socket, a read receipt too, support's
    messages reach connected admins; nobody with a socket open is notified (ADR 0119)."""
    service = served.service
    owner, vendor_id = await service.store()
    product_id = await service.product(vendor_id)
    buyer = await service.person()
    admin_token = service.keys.token(uuid.uuid4(), roles=["customer", "admin"])
    bearer: Any = ["bearer", buyer.token]
    async with (
        connect(served.url, subprotocols=bearer) as ws,
        connect(served.url, subprotocols=["bearer", admin_token]) as admin,  # type: ignore[list-item]
    ):
        await receive(ws, "ready")
        await receive(admin, "ready")
        opened = await service.client.post(
            "/api/v1/conversations",
            json={"about": "product", "product_id": str(product_id), "body": "Organic?"},
            headers=buyer.headers,
        )
        path = f"/api/v1/conversations/{opened.json()['conversation']['id']}"
        answer = await service.client.post(
            f"{path}/messages", json={"body": "Yes."}, headers=owner.headers
        )
        assert answer.status_code == 201, answer.text
        pushed = await receive(ws, "message")
        assert pushed["message"]["id"] == answer.json()["id"]
        assert pushed["message"]["body"] == "Yes."
        assert pushed["unread_count"] == 1
        # Online: no notification for the buyer (the owner, offline, had one).
        assert await service.deliveries(buyer.id, "message_received") == []
        assert (await service.feed(buyer))["unread_count"] == 1  # the welcome alone
        assert len(await service.deliveries(owner.id, "message_received")) == 1

        async with connect(served.url, subprotocols=["bearer", owner.token]) as store:  # type: ignore[list-item]
            await receive(store, "ready")
            read = await service.client.post(
                f"{path}/read", json={"up_to": answer.json()["id"]}, headers=buyer.headers
            )
            assert read.status_code == 200, read.text
            receipt = await receive(store, "message_read")
            assert receipt == {
                "type": "message_read",
                "conversation_id": path.rsplit("/", 1)[1],
                "side": "buyer",
                "up_to": answer.json()["id"],
                "seq": answer.json()["seq"],
            }

        support = await service.client.post(
            "/api/v1/conversations",
            json={"about": "support", "body": "Help"},
            headers=buyer.headers,
        )
        assert support.status_code == 201
        heard = await receive(admin, "message")
        assert heard["message"]["body"] == "Help"
    # Sockets closed: their rows go, so the buyer is offline again.
    assert (
        await eventually(lambda: service.query("SELECT 1 FROM live_sockets"), lambda r: r == [])
        == []
    )


async def test_conversation_news_carries_each_recipients_count_and_is_not_read_back(
    served: Served,
) -> None:
    """Two buyers asking one store, and two admins: the store's replies reach each buyer
    with the unread count of their own conversation, a support message both admins with
    support's. The hub sends what came with the notification and reads nothing, but a
    message too long to come with it, which it reads by id (ADR 0119)."""
    service = served.service
    owner, vendor_id = await service.store()
    product_id = await service.product(vendor_id)
    first, second = await service.person(), await service.person()
    admins = [service.keys.token(uuid.uuid4(), roles=["customer", "admin"]) for _ in range(2)]
    engine = service.database.engine.sync_engine
    hub_reads: list[str] = []

    def seen(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        task = asyncio.current_task()
        if task is not None and task.get_coro().__qualname__.startswith("FeedHub.publish"):  # type: ignore[union-attr]
            hub_reads.append(statement)

    async def ask(buyer: Any) -> str:
        about = {"about": "product", "product_id": str(product_id), "body": "Organic?"}
        opened = await service.client.post(
            "/api/v1/conversations", json=about, headers=buyer.headers
        )
        assert opened.status_code == 201, opened.text
        return f"/api/v1/conversations/{opened.json()['conversation']['id']}"

    async def answer(path: str, body: str) -> None:
        posted = await service.client.post(
            f"{path}/messages", json={"body": body}, headers=owner.headers
        )
        assert posted.status_code == 201, posted.text

    async def heard(ws: ClientConnection) -> tuple[str, int]:
        pushed = await receive(ws, "message")
        return pushed["message"]["body"], pushed["unread_count"]

    to_first, to_second = await ask(first), await ask(second)
    protocols: list[Any] = [["bearer", t] for t in (first.token, second.token, *admins)]
    event.listen(engine, "before_cursor_execute", seen)
    try:
        async with (
            connect(served.url, subprotocols=protocols[0]) as one,
            connect(served.url, subprotocols=protocols[1]) as two,
            connect(served.url, subprotocols=protocols[2]) as admin,
            connect(served.url, subprotocols=protocols[3]) as other_admin,
        ):
            for ws in (one, two, admin, other_admin):
                await receive(ws, "ready")
            await answer(to_first, "Yes.")
            await answer(to_second, "No.")
            await answer(to_first, "Certified, too.")
            assert [await heard(one), await heard(one)] == [("Yes.", 1), ("Certified, too.", 2)]
            assert await heard(two) == ("No.", 1)
            support = await service.client.post(
                "/api/v1/conversations",
                json={"about": "support", "body": "Help"},
                headers=first.headers,
            )
            assert support.status_code == 201, support.text
            assert await heard(admin) == await heard(other_admin) == ("Help", 1)
            assert hub_reads == []

            # Past PostgreSQL's 8000 bytes of a notification: read back, by id.
            long = "€" * 4000
            await answer(to_second, long)
            assert await heard(two) == (long, 2)
            assert len(hub_reads) == 1, hub_reads
    finally:
        event.remove(engine, "before_cursor_execute", seen)


async def frames_until(ws: ClientConnection, body: str) -> list[dict[str, Any]]:
    """What the socket is sent (heartbeats aside) up to and with the message ``body``,
    sent last: the hub hands out what it hears in commit order, so anything sent before
    it has arrived by then."""
    frames: list[dict[str, Any]] = []
    async with asyncio.timeout(WAIT):
        while True:
            frame: dict[str, Any] = json.loads(await ws.recv())
            if frame["type"] != "ping":
                frames.append(frame)
            if frame["type"] == "message" and frame["message"]["body"] == body:
                return frames


async def test_a_removed_message_reaches_both_sides_live_and_nobody_else(served: Served) -> None:
    """An admin removes a reported message: the buyer's and the store owner's open
    sockets hear of it on commit, with the message as the API now shows it; another
    buyer of the same store hears nothing of it, and neither a dismissal nor a second
    decision sends anything. In support, the connected admins are the store side
    (ADR 0119)."""
    service = served.service
    c = service.client
    owner, vendor_id = await service.store()
    product_id = await service.product(vendor_id)
    buyer, stranger = await service.person(), await service.person()
    admin_token = service.keys.token(uuid.uuid4(), roles=["customer", "admin"])
    admin = {"Authorization": f"Bearer {admin_token}"}
    reports = "/api/v1/admin/message-reports"

    async def post(path: str, body: str, headers: dict[str, str]) -> dict[str, Any]:
        posted = await c.post(f"{path}/messages", json={"body": body}, headers=headers)
        assert posted.status_code == 201, posted.text
        found: dict[str, Any] = posted.json()
        return found

    async def ask(who: Any, about: dict[str, str]) -> str:
        opened = await c.post("/api/v1/conversations", json=about, headers=who.headers)
        assert opened.status_code == 201, opened.text
        return f"/api/v1/conversations/{opened.json()['conversation']['id']}"

    async def report(path: str, message_id: str, headers: dict[str, str]) -> str:
        reported = await c.post(
            f"{path}/messages/{message_id}/report", json={"reason": "Abuse"}, headers=headers
        )
        assert reported.status_code == 201, reported.text
        return f"{reports}/{reported.json()['id']}/resolve"

    product = {"about": "product", "product_id": str(product_id), "body": "In stock?"}
    path, other_path = await ask(buyer, product), await ask(stranger, product)
    rude = await post(path, "Go away, idiot", owner.headers)
    firm = await post(path, "Read the page.", owner.headers)
    await post(other_path, "Go away, idiot", owner.headers)
    remove = await report(path, rude["id"], buyer.headers)
    dismiss = await report(path, firm["id"], buyer.headers)
    protocols: list[Any] = [["bearer", p.token] for p in (buyer, owner, stranger)]
    async with (
        connect(served.url, subprotocols=protocols[0]) as buyer_ws,
        connect(served.url, subprotocols=protocols[1]) as owner_ws,
        connect(served.url, subprotocols=protocols[2]) as stranger_ws,
    ):
        for ws in (buyer_ws, owner_ws, stranger_ws):
            await receive(ws, "ready")
        dismissed = await c.post(dismiss, json={"outcome": "dismissed"}, headers=admin)
        assert dismissed.status_code == 200, dismissed.text
        removed = await c.post(remove, json={"outcome": "removed"}, headers=admin)
        assert removed.status_code == 200, removed.text
        again = await c.post(remove, json={"outcome": "removed"}, headers=admin)
        assert again.status_code == 409, again.text
        # Last, a message to each socket: whatever was sent them came before it.
        await post(path, "Sorry.", owner.headers)
        await post(path, "Thanks.", buyer.headers)
        await post(other_path, "Hello?", owner.headers)
        to_buyer = await frames_until(buyer_ws, "Sorry.")
        to_owner = await frames_until(owner_ws, "Thanks.")
        to_stranger = await frames_until(stranger_ws, "Hello?")

    seen = await c.get(f"{path}/messages", headers=buyer.headers)
    [shown] = [m for m in seen.json()["items"] if m["id"] == rude["id"]]
    assert (shown["body"], shown["removed"]) == ("", True)
    expected = {
        "type": "message_removed",
        "conversation_id": rude["conversation_id"],
        "message_id": rude["id"],
        "seq": rude["seq"],
        "message": shown,
    }
    for frames in (to_buyer, to_owner):
        assert [f for f in frames if f["type"] == "message_removed"] == [expected]
    assert [f["type"] for f in to_stranger] == ["message"]

    # Support: the buyer and the connected admins hear of it, once: a report filed since
    # and resolved the same way changes nothing, and sends nothing.
    help_path = await ask(buyer, {"about": "support", "body": "You are all crooks"})
    crooks = (await c.get(f"{help_path}/messages", headers=buyer.headers)).json()["items"][0]
    resolve = await report(help_path, crooks["id"], admin)
    late_admin = {"Authorization": f"Bearer {service.keys.token(uuid.uuid4(), roles=['admin'])}"}
    async with (
        connect(served.url, subprotocols=protocols[0]) as buyer_ws,
        connect(served.url, subprotocols=["bearer", admin_token]) as admin_ws,  # type: ignore[list-item]
    ):
        for ws in (buyer_ws, admin_ws):
            await receive(ws, "ready")
        removed = await c.post(resolve, json={"outcome": "removed"}, headers=admin)
        assert removed.status_code == 200, removed.text
        late = await report(help_path, crooks["id"], late_admin)
        again = await c.post(late, json={"outcome": "removed"}, headers=late_admin)
        assert again.status_code == 200, again.text
        await post(help_path, "We are here.", admin)
        await post(help_path, "Sorry.", buyer.headers)
        for ws, last in ((buyer_ws, "We are here."), (admin_ws, "Sorry.")):
            heard = [f for f in await frames_until(ws, last) if f["type"] == "message_removed"]
            assert [(f["message_id"], f["message"]["removed"]) for f in heard] == [
                (crooks["id"], True)
            ]
