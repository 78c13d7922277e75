"""How long a failed login takes for an unknown address and for a wrong password,
with the production Argon2id parameters: the two must be indistinguishable.

    uv run python services/user/bench/login_timing.py [--rounds 40]

Starts an embedded PostgreSQL in a temporary directory, runs the user service app
in-process, and prints the median and spread of each kind of failure. A benchmark,
not a test: its numbers depend on the machine (docs/adr/0021).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

import httpx
from asgi_lifespan import LifespanManager

from agora_kit import migrations
from agora_kit.embedded_pg import EmbeddedPostgres
from agora_kit.settings import CommonSettings
from agora_kit.testing.fixtures import free_port
from agora_user.app import create_app
from agora_user.settings import Settings

PASSWORD = "tranquil-otter-parade-42"  # noqa: S105 - a benchmark's password


async def measure(pg: EmbeddedPostgres, rounds: int) -> dict[str, list[float]]:
    settings = Settings(
        database_url=pg.url("agora_user"),
        # Throttling would answer 429 quickly and spoil the comparison.
        login_max_failures=10_000,
        login_ip_max_failures=10_000,
        common=CommonSettings(events_database_url=pg.url("agora_events")),
    )
    app = create_app(settings)
    timings: dict[str, list[float]] = {"wrong password": [], "unknown address": []}
    async with (
        LifespanManager(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://u") as client,
    ):
        await client.post(
            "/api/v1/auth/register",
            json={"email": "ada@example.com", "password": PASSWORD, "full_name": "Ada"},
        )
        cases = {
            "wrong password": {"email": "ada@example.com", "password": "not-her-password"},
            "unknown address": {"email": "nobody@example.com", "password": "not-her-password"},
        }
        for _ in range(3):  # warm up both paths (the dummy hash is made on first use)
            for body in cases.values():
                await client.post("/api/v1/auth/login", json=body)
        for _ in range(rounds):
            for name, body in cases.items():
                started = time.perf_counter()
                response = await client.post("/api/v1/auth/login", json=body)
                timings[name].append((time.perf_counter() - started) * 1000)
                assert response.status_code == 401, response.text
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rounds", type=int, default=40)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="agora-bench-") as tmp:
        pg = EmbeddedPostgres(Path(tmp), port=free_port(), durable=False)
        pg.start()
        try:
            for name in ("agora_user", "agora_events"):
                pg.ensure_database(name)
            migrations.upgrade("agora_user", pg.url("agora_user"))
            timings = asyncio.run(measure(pg, args.rounds))
        finally:
            pg.stop()
    print(f"failed logins, {args.rounds} rounds each (ms):")
    for name, values in timings.items():
        quartiles = statistics.quantiles(values, n=4)
        print(
            f"  {name:<16} median {statistics.median(values):7.1f}   "
            f"p25 {quartiles[0]:7.1f}   p75 {quartiles[2]:7.1f}"
        )


if __name__ == "__main__":
    main()
