"""A revoked API key is refused by every gateway replica at once, not after the
replicas' cache lifetime: two real gateway apps, each following the user service's
events on its own in-process transport (the event log in PostgreSQL), in front of the
real user service."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager

import httpx
import pytest
from fastapi import FastAPI

from agora_gateway.app import create_app as create_gateway
from agora_gateway.client import HttpxClient
from agora_gateway.settings import Settings as GatewaySettings
from agora_kit.events.inprocess import InProcessTransport
from agora_kit.testing.apps import running
from agora_user_testing import UserApi

API = "/api/v1"
# The promise: a revoked key is refused within this long on every replica.
REFUSED_WITHIN_SECONDS = 2.0
# A product read is a catalog:read route; behind these gateways the user service
# answers it (404), so anything but 401 means the key was accepted.
KEYED_PATH = f"{API}/products/00000000-0000-0000-0000-000000000001"

Replicas = list[httpx.AsyncClient]


@asynccontextmanager
async def _replicas(
    user_app: FastAPI, events_url: str, count: int, **settings: object
) -> AsyncIterator[Replicas]:
    async with AsyncExitStack() as stack:
        clients: Replicas = []
        for replica in range(count):
            transport = InProcessTransport(events_url, poll_seconds=0.1)
            await transport.start()
            stack.push_async_callback(transport.close)
            # Each replica has its own port, hence its own consumer group.
            app = create_gateway(
                GatewaySettings(port=18100 + replica, **settings),  # type: ignore[arg-type]
                transport=transport,
            )
            await app.state.http_client.aclose()
            upstream = httpx.AsyncClient(
                transport=httpx.ASGITransport(app=user_app), base_url="http://user"
            )
            app.state.http_client = upstream
            app.state.upstream_client = HttpxClient(upstream)
            stack.push_async_callback(upstream.aclose)
            await stack.enter_async_context(running(app))
            clients.append(
                await stack.enter_async_context(
                    httpx.AsyncClient(
                        transport=httpx.ASGITransport(app=app), base_url=f"http://gw{replica}"
                    )
                )
            )
        yield clients


@pytest.fixture
async def replicas(user_app: FastAPI, events_url: str) -> AsyncIterator[Replicas]:
    async with _replicas(user_app, events_url, 2) as clients:
        yield clients


async def _key(api: UserApi, gateway: httpx.AsyncClient) -> tuple[dict[str, str], str, str]:
    account = await api.signed_in()
    created = await gateway.post(
        f"{API}/users/me/api-keys",
        json={"name": "sync", "scopes": ["catalog:read"]},
        headers=account.headers,
    )
    assert created.status_code == 201, created.text
    return account.headers, created.json()["id"], created.json()["key"]


async def _refused_everywhere(replicas: Replicas, key: str) -> None:
    """Wait until every replica answers 401 to ``key``; fails past the promise."""
    started = time.monotonic()
    pending = set(range(len(replicas)))
    while pending:
        for index in sorted(pending):
            answer = await replicas[index].get(KEYED_PATH, headers={"X-API-Key": key})
            if answer.status_code == 401:
                pending.discard(index)
        elapsed = time.monotonic() - started
        assert elapsed < REFUSED_WITHIN_SECONDS or not pending, (
            f"replicas {sorted(pending)} still accept the revoked key after {elapsed:.1f} s"
        )
        await asyncio.sleep(0.05)


async def _accepted_everywhere(replicas: Replicas, key: str) -> None:
    for replica in replicas:
        answer = await replica.get(KEYED_PATH, headers={"X-API-Key": key})
        assert answer.status_code == 404, answer.text  # through the gateway, now cached


async def test_a_revoked_key_is_refused_on_every_replica_within_two_seconds(
    api: UserApi, replicas: Replicas
) -> None:
    headers, key_id, key = await _key(api, replicas[0])
    await _accepted_everywhere(replicas, key)

    revoked = await replicas[0].delete(f"{API}/users/me/api-keys/{key_id}", headers=headers)
    assert revoked.status_code == 204
    await _refused_everywhere(replicas, key)
    [event] = await api.events("api_keys_revoked.v1")
    assert event["data"]["key_ids"] == [key_id]
    assert event["data"]["reason"] == "revoked"


async def test_a_password_reset_revokes_every_key_on_every_replica(
    api: UserApi, replicas: Replicas
) -> None:
    headers, first_id, first = await _key(api, replicas[0])
    second = await replicas[1].post(
        f"{API}/users/me/api-keys", json={"name": "ci", "scopes": ["catalog:read"]}, headers=headers
    )
    assert second.status_code == 201
    keys = [first, second.json()["key"]]
    for key in keys:
        await _accepted_everywhere(replicas, key)

    me = await replicas[0].get(f"{API}/users/me", headers=headers)
    await replicas[0].post(f"{API}/auth/password/forgot", json={"email": me.json()["email"]})
    [mail] = await api.events("password_reset_requested.v2")
    reset = await replicas[1].post(
        f"{API}/auth/password/reset",
        json={"token": api.mail_token(mail), "new_password": "amber-quokka-meadow-19"},
    )
    assert reset.status_code == 204
    for key in keys:
        await _refused_everywhere(replicas, key)
    [event] = await api.events("api_keys_revoked.v1")
    assert sorted(event["data"]["key_ids"]) == sorted([first_id, second.json()["id"]])
    assert event["data"]["reason"] == "password_reset"


async def test_without_the_events_a_revoked_key_lives_on_in_the_cache(
    api: UserApi, user_app: FastAPI, events_url: str
) -> None:
    """What the events fix: a replica that does not follow them keeps serving a revoked
    key from its cache for up to ``api_key_cache_seconds``."""
    async with _replicas(user_app, events_url, 1, api_key_revocation_events=False) as replicas:
        headers, key_id, key = await _key(api, replicas[0])
        await _accepted_everywhere(replicas, key)
        await replicas[0].delete(f"{API}/users/me/api-keys/{key_id}", headers=headers)
        await asyncio.sleep(REFUSED_WITHIN_SECONDS)
        stale = await replicas[0].get(KEYED_PATH, headers={"X-API-Key": key})
        assert stale.status_code == 404
