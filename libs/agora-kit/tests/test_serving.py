"""A service believes the client address the gateway passes only with the service
credential, and its /internal routes answer only Agora's own parts: real uvicorn
servers on loopback, configured as ``agora run`` and ``agora serve`` configure them."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator

import httpx
import pytest
import uvicorn
from fastapi import FastAPI, Request

from agora_kit.errors import install_problem_handlers
from agora_kit.serving import (
    SERVICE_TOKEN_HEADER,
    GatewayForwarded,
    ServiceOnly,
    run_server,
    server_config,
)
from agora_kit.settings import CommonSettings

TOKEN = "a-service-credential-of-forty-characters!"
FORGED = "203.0.113.7"


def _app() -> FastAPI:
    app = FastAPI()
    install_problem_handlers(app)
    app.state.service_token = TOKEN.encode()

    @app.get("/whoami")
    async def whoami(request: Request) -> dict[str, str | None]:
        return {"client": request.client.host if request.client else None}

    @app.post("/internal/ping")
    async def ping(_: ServiceOnly) -> dict[str, bool]:
        return {"ok": True}

    app.add_middleware(GatewayForwarded, token=TOKEN, trusted_proxies="127.0.0.1")
    return app


@contextlib.asynccontextmanager
async def _served(app: FastAPI, trusted_proxies: str) -> AsyncIterator[httpx.AsyncClient]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    server = uvicorn.Server(server_config(app, "127.0.0.1", port, trusted_proxies))
    task = asyncio.create_task(server.serve())
    while not server.started:
        assert not task.done(), "the server stopped before it started"
        await asyncio.sleep(0.01)
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
            yield client
    finally:
        server.should_exit = True
        await task


@pytest.fixture
async def service() -> AsyncIterator[httpx.AsyncClient]:
    # As agora run and agora serve serve a service: no trusted proxies at the server.
    async with _served(_app(), trusted_proxies="") as client:
        yield client


@pytest.mark.parametrize(
    ("credential", "seen"),
    [
        (None, "127.0.0.1"),  # a loopback caller forging the header is itself
        ("a-guess-of-the-same-length-as-the-real-one", "127.0.0.1"),
        (TOKEN, FORGED),  # the gateway, which knows the credential
    ],
)
async def test_the_client_address_header_needs_the_service_credential(
    service: httpx.AsyncClient, credential: str | None, seen: str
) -> None:
    headers = {"X-Forwarded-For": FORGED}
    if credential is not None:
        headers[SERVICE_TOKEN_HEADER] = credential
    answer = await service.get("/whoami", headers=headers)
    assert answer.json() == {"client": seen}


async def test_on_the_address_alone_the_header_was_believed() -> None:
    """What the credential closes: a server trusting loopback proxies by address
    believes any loopback caller's header (the configuration before ADR 0055's step)."""
    plain = FastAPI()

    @plain.get("/whoami")
    async def whoami(request: Request) -> dict[str, str | None]:
        return {"client": request.client.host if request.client else None}

    async with _served(plain, trusted_proxies="127.0.0.1") as client:
        answer = await client.get("/whoami", headers={"X-Forwarded-For": FORGED})
    assert answer.json() == {"client": FORGED}


async def test_internal_routes_answer_only_with_the_credential(
    service: httpx.AsyncClient,
) -> None:
    for headers in ({}, {SERVICE_TOKEN_HEADER: "wrong"}):
        refused = await service.post("/internal/ping", headers=headers)
        assert refused.status_code == 403
        assert refused.headers["content-type"] == "application/problem+json"
    allowed = await service.post("/internal/ping", headers={SERVICE_TOKEN_HEADER: TOKEN})
    assert allowed.json() == {"ok": True}


def test_servers_run_on_uvloop_unless_told_otherwise(monkeypatch: pytest.MonkeyPatch) -> None:
    """``agora run`` and ``agora serve`` run on uvloop, as uvicorn itself would pick
    (ADR 0126); ``AGORA_EVENT_LOOP=asyncio`` keeps asyncio's own loop."""

    async def loop_module() -> str:
        return type(asyncio.get_running_loop()).__module__

    monkeypatch.delenv("AGORA_EVENT_LOOP", raising=False)
    default = CommonSettings().event_loop
    assert run_server(loop_module(), default).startswith("uvloop")
    monkeypatch.setenv("AGORA_EVENT_LOOP", "asyncio")
    chosen = CommonSettings().event_loop
    assert run_server(loop_module(), chosen).startswith("asyncio")
