"""A service's database slow or cut off, through toxiproxy (ADR 0111): a request
answers 503 problem+json within the configured bounds instead of hanging or failing
with a 500, and once the database is reachable again the next requests pass."""

from __future__ import annotations

import time
import uuid

import httpx
from fastapi import FastAPI
from sqlalchemy import text

from agora_kit.db import Database, DatabaseTimeouts, SessionDep
from agora_kit.errors import install_problem_handlers
from agora_kit.testing.fixtures import PostgresServer
from agora_tools.pytest_plugin import ToxiproxyServer


async def answer(client: httpx.AsyncClient) -> tuple[int, str, float]:
    started = time.monotonic()
    response = await client.get("/now")
    return response.status_code, response.headers["content-type"], time.monotonic() - started


async def test_a_slow_or_cut_database_answers_503_within_the_bounds(
    postgres_server: PostgresServer, toxiproxy_server: ToxiproxyServer
) -> None:
    name = await postgres_server.create_database("bounds")
    proxy = toxiproxy_server.proxy(
        f"db-{uuid.uuid4().hex[:8]}", f"{postgres_server.host}:{postgres_server.port}"
    )
    url = postgres_server.url(name).replace(f":{postgres_server.port}/", f":{proxy.port}/")
    database = Database(
        url, pool_size=1, timeouts=DatabaseTimeouts(connect=2.0, command=1.0, pool=1.0)
    )
    probe = FastAPI()
    install_problem_handlers(probe)
    probe.state.database = database

    @probe.get("/now")
    async def now(session: SessionDep) -> dict[str, str]:
        return {"now": str(await session.scalar(text("SELECT now()")))}

    try:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=probe), base_url="http://test"
        ) as client:
            assert (await answer(client))[0] == 200
            # 5 s more on every answer: the statement's bound (1 s) ends the wait, and
            # the rollback's too, on a connection the pool then drops.
            proxy.add("slow", "latency", latency=5000)
            status, kind, seconds = await answer(client)
            assert (status, kind) == (503, "application/problem+json")
            assert seconds < 4.5, seconds
            proxy.remove("slow")
            assert (await answer(client))[0] == 200
            # Every connection reset, the open one and each new one.
            proxy.add("cut", "reset_peer", timeout=0)
            for _ in range(3):
                status, kind, seconds = await answer(client)
                assert (status, kind) == (503, "application/problem+json")
                assert seconds < 2.5, seconds
            # Data swallowed, the connection left open: the connect bound ends it.
            proxy.remove("cut")
            proxy.add("void", "timeout", timeout=0)
            status, kind, seconds = await answer(client)
            assert (status, kind) == (503, "application/problem+json")
            assert seconds < 4.5, seconds
            proxy.remove("void")
            healed = [(await answer(client))[0] for _ in range(3)]
            assert healed[-2:] == [200, 200], healed
    finally:
        await database.dispose()
        proxy.close()
