"""The notification feed's WebSocket, proxied with the same edge authentication."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
import websockets
from fastapi import FastAPI, WebSocket
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from agora_gateway_testing import FakeUpstream, GatewayFactory, RunningGateway, serve

WS = "/api/v1/notifications/ws"


def _feed(seen: list[dict[str, Any]]) -> FastAPI:
    app = FastAPI()

    @app.websocket(WS)
    async def feed(ws: WebSocket) -> None:
        offered = ws.scope.get("subprotocols") or []
        await ws.accept(subprotocol=offered[0] if offered else None)
        seen.append(
            {
                "authorization": ws.headers.get("authorization"),
                "request_id": ws.headers.get("x-request-id"),
                "subprotocols": offered,
            }
        )
        await ws.send_text(json.dumps({"type": "hello"}))
        while True:
            text = await ws.receive_text()
            if text == "bye":
                await ws.close(code=4000, reason="bye")
                return
            await ws.send_text("echo:" + text)

    return app


@pytest.fixture
async def feed_gateway(
    start_gateway: GatewayFactory,
) -> AsyncIterator[tuple[RunningGateway, list[dict[str, Any]]]]:
    seen: list[dict[str, Any]] = []
    async with serve(_feed(seen)) as url, start_gateway(notification_url=url) as gateway:
        yield gateway, seen


def _ws(gateway: RunningGateway) -> str:
    return "ws" + gateway.url.removeprefix("http") + WS


async def test_a_bearer_header_opens_the_feed(
    feed_gateway: tuple[RunningGateway, list[dict[str, Any]]], fake: FakeUpstream
) -> None:
    gateway, seen = feed_gateway
    token = fake.issuer.token("ada")
    async with connect(_ws(gateway), additional_headers={"Authorization": f"Bearer {token}"}) as ws:
        assert json.loads(await ws.recv()) == {"type": "hello"}
        await ws.send("ping")
        assert await ws.recv() == "echo:ping"
        await ws.send("bye")
        with pytest.raises(ConnectionClosed) as closed:
            await ws.recv()
        assert closed.value.rcvd is not None
        assert closed.value.rcvd.code == 4000
    assert seen[0]["authorization"] == f"Bearer {token}"
    # The notification service reads the token from its subprotocols.
    assert seen[0]["subprotocols"] == ["bearer", token]
    assert seen[0]["request_id"]


async def test_a_browser_authenticates_with_a_subprotocol(
    feed_gateway: tuple[RunningGateway, list[dict[str, Any]]], fake: FakeUpstream
) -> None:
    gateway, seen = feed_gateway
    token = fake.issuer.token("ada")
    protocols = [
        websockets.Subprotocol("agora.v1"),
        websockets.Subprotocol(f"agora.bearer.{token}"),
    ]
    async with connect(_ws(gateway), subprotocols=protocols) as ws:
        assert ws.subprotocol == "agora.v1"
        assert json.loads(await ws.recv()) == {"type": "hello"}
    # The gateway's own token protocol is not passed on; the service's form is.
    assert seen[0]["subprotocols"] == ["bearer", token, "agora.v1"]
    assert seen[0]["authorization"] == f"Bearer {token}"


async def test_the_notification_services_bearer_subprotocols_pass_through(
    feed_gateway: tuple[RunningGateway, list[dict[str, Any]]], fake: FakeUpstream
) -> None:
    gateway, seen = feed_gateway
    token = fake.issuer.token("ada")
    protocols = [websockets.Subprotocol("bearer"), websockets.Subprotocol(token)]
    async with connect(_ws(gateway), subprotocols=protocols) as ws:
        assert ws.subprotocol == "bearer"
        assert json.loads(await ws.recv()) == {"type": "hello"}
    assert seen[0]["subprotocols"] == ["bearer", token]
    assert seen[0]["authorization"] == f"Bearer {token}"
    # A bad token in that form never reaches the service.
    bad = [websockets.Subprotocol("bearer"), websockets.Subprotocol("a.b.c")]
    with pytest.raises(InvalidStatus) as refused:
        async with connect(_ws(gateway), subprotocols=bad):
            pass
    assert refused.value.response.status_code == 401
    assert len(seen) == 1


async def test_or_with_its_first_message(
    feed_gateway: tuple[RunningGateway, list[dict[str, Any]]], fake: FakeUpstream
) -> None:
    gateway, seen = feed_gateway
    token = fake.issuer.token("ada")
    async with connect(_ws(gateway)) as ws:
        await ws.send(json.dumps({"type": "auth", "token": token}))
        assert json.loads(await ws.recv()) == {"type": "hello"}
        # The auth message reaches the feed too, for feeds that read it themselves.
        assert str(await ws.recv()).startswith("echo:")
    assert seen[0]["authorization"] == f"Bearer {token}"


async def test_bad_or_missing_credentials_never_reach_the_feed(
    feed_gateway: tuple[RunningGateway, list[dict[str, Any]]], fake: FakeUpstream
) -> None:
    gateway, seen = feed_gateway
    with pytest.raises(InvalidStatus) as refused:
        async with connect(_ws(gateway), additional_headers={"Authorization": "Bearer bad"}):
            pass
    assert refused.value.response.status_code == 401
    async with connect(_ws(gateway)) as ws:
        await ws.send(json.dumps({"type": "hello"}))
        with pytest.raises(ConnectionClosed) as closed:
            await ws.recv()
        assert closed.value.rcvd is not None
        assert closed.value.rcvd.code == 4401
    # API keys have no scope for a person's notifications.
    fake.add_key("agora_key", "catalog:read")
    with pytest.raises(InvalidStatus) as forbidden:
        async with connect(_ws(gateway), additional_headers={"X-API-Key": "agora_key"}):
            pass
    assert forbidden.value.response.status_code == 403
    assert seen == []


async def test_a_feed_that_is_down_is_a_503(
    start_gateway: GatewayFactory, fake: FakeUpstream
) -> None:
    async with start_gateway(notification_url="http://127.0.0.1:1") as gateway:
        token = fake.issuer.token("ada")
        with pytest.raises(InvalidStatus) as refused:
            async with connect(
                _ws(gateway), additional_headers={"Authorization": f"Bearer {token}"}
            ):
                pass
    assert refused.value.response.status_code == 503


async def test_a_socket_that_never_authenticates_is_closed_within_five_seconds(
    feed_gateway: tuple[RunningGateway, list[dict[str, Any]]],
) -> None:
    gateway, seen = feed_gateway
    async with connect(_ws(gateway)) as ws:
        with pytest.raises(ConnectionClosed) as closed:
            async with asyncio.timeout(6):
                await ws.recv()
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 4401
    assert seen == []


async def test_sockets_per_user_and_in_total_are_capped(
    start_gateway: GatewayFactory, fake: FakeUpstream
) -> None:
    seen: list[dict[str, Any]] = []
    ada = {"Authorization": f"Bearer {fake.issuer.token('ada')}"}
    bob = {"Authorization": f"Bearer {fake.issuer.token('bob')}"}
    async with (
        serve(_feed(seen)) as url,
        start_gateway(
            notification_url=url,
            websocket_max_connections_per_user=2,
            websocket_max_connections=3,
        ) as gateway,
    ):
        async with (
            connect(_ws(gateway), additional_headers=ada) as one,
            connect(_ws(gateway), additional_headers=ada) as two,
        ):
            assert json.loads(await one.recv()) == json.loads(await two.recv())
            with pytest.raises(InvalidStatus) as per_user:
                async with connect(_ws(gateway), additional_headers=ada):
                    pass
            assert per_user.value.response.status_code == 429
            async with connect(_ws(gateway), additional_headers=bob) as theirs:
                assert json.loads(await theirs.recv()) == {"type": "hello"}
                with pytest.raises(InvalidStatus) as full:
                    async with connect(_ws(gateway), additional_headers=bob):
                        pass
                assert full.value.response.status_code == 503
        # Closed sockets free their places.
        async with connect(_ws(gateway), additional_headers=ada) as again:
            assert json.loads(await again.recv()) == {"type": "hello"}
