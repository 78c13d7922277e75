"""The catalog's product read in process: CPU time per request, and where it goes.

The catalog app is built as ``agora run`` builds it (the chassis: metrics, access log,
tracing with the default sampler, problem handlers, ETags) on a seeded data directory,
and ``GET /api/v1/products/{id}`` is called through httpx's ASGI transport by
``--callers`` concurrent callers, without sockets or a server: what the process spends
per request in Agora's code and its libraries. ``--profile`` runs the same calls under
cProfile and prints the functions with the most cumulative time.

    uv run agora seed --data-dir /tmp/shop --products 50
    uv run python gateway/bench/catalog_inprocess.py --data-dir /tmp/shop --profile

The seeded directory's PostgreSQL is started on ``--port`` and stopped at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import importlib
import io
import logging
import os
import pstats
import sys
import time
from pathlib import Path
from typing import Any

import asyncpg
import httpx

from agora_kit.embedded_pg import EmbeddedPostgres
from agora_kit.logging import configure_logging

sys.path.insert(0, str(Path(__file__).parent))  # floor.py


# Self time of a function goes to the first layer whose marker its file's path holds.
LAYERS = (
    ("the caller (httpx, not the service)", ("/httpx/", "catalog_inprocess")),
    ("OpenTelemetry", ("/opentelemetry/",)),
    (
        "Agora middleware",
        (
            "agora_kit/middleware",
            "agora_kit/metrics",
            "agora_kit/caching",
            "agora_kit/serving",
            "agora_kit/tracing",
        ),
    ),
    ("Prometheus client", ("/prometheus_client/",)),
    ("logging", ("/logging/", "agora_kit/logging")),
    ("FastAPI dependencies", ("fastapi/dependencies",)),
    ("FastAPI and Starlette: routing, responses, middleware", ("/fastapi/", "/starlette/")),
    ("pydantic", ("/pydantic", "pydantic_core")),
    ("SQLAlchemy", ("/sqlalchemy/", "greenlet")),
    ("asyncpg", ("/asyncpg/",)),
    ("worker threads and anyio", ("/anyio/", "python3.11/queue.py", "/threading.py", "_thread.")),
    ("the catalog and the rest of agora_kit", ("agora_catalog", "agora_kit")),
    ("socket sends and receives", ("_socket.socket", "selector_events")),
    ("asyncio", ("/asyncio/",)),
)


def layers(stats: pstats.Stats, requests: int) -> list[tuple[str, float, float]]:
    """Per request, in each layer (the rest as "other"): microseconds of self time, and
    Python calls, which the machine's load does not move."""
    micros: dict[str, float] = {}
    calls: dict[str, float] = {}
    for (path, _, name), row in stats.stats.items():  # type: ignore[attr-defined]
        where = f"{path}:{name}"
        layer = next((n for n, marks in LAYERS if any(m in where for m in marks)), "other")
        micros[layer] = micros.get(layer, 0.0) + row[2] / requests * 1e6
        calls[layer] = calls.get(layer, 0.0) + row[1] / requests
    order = [name for name, _ in LAYERS] + ["other"]
    return [(name, micros[name], calls[name]) for name in order if name in micros]


async def _first_product(server: EmbeddedPostgres) -> str:
    """The product the ladder reads: the first of the catalog's first page."""
    conn = await asyncpg.connect(server.url("agora_catalog", driver="postgresql"))
    try:
        found = await conn.fetchval(
            "SELECT p.id FROM products p JOIN vendors v ON v.id = p.vendor_id"
            " WHERE p.status = 'published' AND p.deleted_at IS NULL AND v.status = 'approved'"
            " ORDER BY p.published_at DESC, p.id DESC LIMIT 1"
        )
    finally:
        await conn.close()
    return str(found)


async def _measure(
    server: EmbeddedPostgres,
    requests: int,
    callers: int,
    profile: cProfile.Profile | None,
    *,
    floor: bool,
) -> None:
    from agora_catalog.app import create_app
    from agora_catalog.settings import Settings

    if floor:
        os.environ["AGORA_FLOOR_DSN"] = server.url("agora_catalog", driver="postgresql")
        app: Any = importlib.import_module("floor").app
    else:
        os.environ["AGORA_EVENTS_DATABASE_URL"] = server.url("agora_events")
        app = create_app(Settings(database_url=server.url("agora_catalog")))
    async with app.router.lifespan_context(app):
        client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://catalog"
        )
        async with client:
            path = f"/api/v1/products/{await _first_product(server)}"

            etag = (await client.get(path)).headers.get("etag")

            async def caller(count: int) -> None:
                for _ in range(count):
                    answer = await client.get(path)
                    if answer.status_code != 200:
                        raise SystemExit(f"GET {path} answered {answer.status_code}")

            await asyncio.gather(*(caller(50) for _ in range(callers)))  # warm-up
            if profile is not None:
                profile.enable()
            cpu, wall = time.process_time(), time.perf_counter()
            await asyncio.gather(*(caller(requests // callers) for _ in range(callers)))
            cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
            if profile is not None:
                profile.disable()
    served = requests // callers * callers
    if profile is not None:
        for name, micros, calls in layers(pstats.Stats(profile), served):
            print(f"{micros:8.0f} us {calls:8.0f} calls  {name}")
    print(
        f"GET {path}: {served} requests, {cpu / served * 1e6:.0f} us CPU per request, "
        f"{served / wall:.0f} requests/s in process; ETag {etag}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data-dir", type=Path, required=True, help="seeded by `agora seed`")
    parser.add_argument("--port", type=int, default=55439)
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--callers", type=int, default=16)
    parser.add_argument("--profile", action="store_true", help="under cProfile")
    parser.add_argument(
        "--floor", action="store_true", help="the ladder's floor (floor.py) instead"
    )
    parser.add_argument("--top", type=int, default=60)
    parser.add_argument("--sort", default="tottime", help="pstats' order of the functions")
    args = parser.parse_args()
    # As the ladder runs `agora run` (gateway_bench.py).
    configure_logging(os.environ.get("AGORA_LOG_LEVEL", "WARNING"))
    logging.getLogger("agora.embedded_pg").setLevel(logging.WARNING)
    server = EmbeddedPostgres(args.data_dir / "postgres", port=args.port, durable=False)
    server.start()
    server.ensure_database("agora_events")
    try:
        profile = cProfile.Profile() if args.profile else None
        asyncio.run(_measure(server, args.requests, args.callers, profile, floor=args.floor))
        if profile is not None:
            out = io.StringIO()
            pstats.Stats(profile, stream=out).sort_stats(args.sort).print_stats(args.top)
            print(out.getvalue())
    finally:
        server.stop()


if __name__ == "__main__":
    main()
