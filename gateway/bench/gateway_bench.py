"""``make bench``: the request ladder, what each layer of Agora costs, as measured ratios.

One run puts the same ``GET /api/v1/products/{id}`` of a seeded product through five
doors, with the same wrk settings, in rotating rounds:
1. the floor: a bare FastAPI app on asyncpg (``floor.py``) reading the same rows from
   the same catalog database with the same two queries;
2. the catalog service, straight (``agora run``: the chassis, metrics, access log and
   tracing as shipped);
3. the gateway of ``agora run`` in front of it (its own child process since ADR 0084);
4. the gateway as its own process (``agora serve gateway``, as in distributed mode);
5. nginx (Debian's package) proxying to the catalog over keep-alive connections.

Each door reports requests/s, p50 and p99 latency, the CPU its processes spent per
request, and its ratio to the floor; the report (``docs/bench/ladder.md``) adds the
memory of ``agora run`` with its PostgreSQL, at rest and after the load, and how long
``agora run`` took to be ready on a seeded data directory. wrk and nginx are installed with apt-get
when missing. ``--path`` measures another path (the floor then has nothing to say).
"""

from __future__ import annotations

import argparse
import datetime
import functools
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from benchkit import (
    Result,
    commit,
    cpu_seconds,
    ensure_tools,
    free_port,
    median_result,
    memory_mb,
    run_wrk,
    say,
    start_nginx,
    wait_ready,
)

from agora_kit.settings import ServiceSettings
from agora_tools.processes import stop

ROOT = Path(__file__).resolve().parents[2]
PARTS = ("gateway", "user", "catalog", "order", "payment", "notification")


def pick_path(catalog: str, user: str, requested: str | None) -> tuple[str, str]:
    """The path to measure and the base URL of the service that answers it."""
    if requested:
        service = (
            user
            if requested.startswith(("/.well-known", "/api/v1/auth", "/api/v1/users"))
            else catalog
        )
        return requested, service
    try:
        page = httpx.get(f"{catalog}/api/v1/products", params={"limit": 1}, timeout=10)
        items = page.json().get("items", []) if page.status_code == 200 else []
    except (httpx.HTTPError, ValueError):
        items = []
    if items:
        return f"/api/v1/products/{items[0]['id']}", catalog
    say("the catalog has no products to read: measuring the JWKS of the user service")
    return "/.well-known/jwks.json", user


def write_report(
    path: Path,
    results: list[Result],
    measured: str,
    args: argparse.Namespace,
    *,
    memory: dict[str, float],
    start: dict[str, float],
) -> None:
    by_name = {r.name: r for r in results}
    floor = by_name.get(FLOOR)
    direct = by_name[DIRECT]
    now = datetime.datetime.now(datetime.UTC)
    lines = [
        "# The request ladder",
        "",
        f"`make bench` (`gateway/bench/gateway_bench.py`), {now:%Y-%m-%d %H:%M} UTC, "
        f"commit {commit()}.",
        "",
        f"`GET {measured}` through each door, one after another in one run: wrk,",
        f"{args.threads} thread(s), {args.connections} connections, {args.seconds} s per "
        f"measurement after a 2 s warm-up, {args.rounds} rounds in rotating order, the",
        "median round of each door shown; on this machine "
        f"({os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}).",
        "The load generator, the door and PostgreSQL share those cores, and the machine is",
        "shared with other work: compare the ratios of one run, not figures across runs.",
        "p50 and p99 are wrk's latency percentiles over the round; CPU is the user+system",
        "time of the door's processes (their children included) divided by the requests",
        "served.",
        "",
        "| door | requests/s | p50 ms | p99 ms | CPU ms/request | non-2xx | vs floor | vs direct |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        vs_floor = f"{r.rps / floor.rps:.2f}x" if floor and floor.rps else "-"
        vs_direct = f"{r.rps / direct.rps:.2f}x" if direct.rps else "-"
        lines.append(
            f"| {r.name} | {r.rps:,.0f} | {r.p50_ms:.2f} | {r.p99_ms:.2f} | {r.cpu_ms:.2f} | "
            f"{r.non_2xx} | {vs_floor} | {vs_direct} |"
        )
    nginx = by_name[NGINX]
    own = by_name[GATEWAY_OWN]
    lines += [
        "",
        f"The gateway as its own process serves {own.rps / direct.rps:.0%} of the direct "
        f"throughput and {own.rps / nginx.rps:.0%} of nginx's in front of the same service.",
        "",
        f"`agora run` on the seeded (migrated) data directory was ready, every part's "
        f"`/readyz` answering 200, {start['ready_seconds']:.1f} s after it was started; at "
        f"rest 5 s later it used {start['at_rest_mib']:,.0f} MiB with its PostgreSQL "
        f"({start['at_rest_run_mib']:,.0f} MiB without); {args.settle_seconds:.0f} s after the "
        f"load, with the database connections it had opened closed again (ADR 0114), "
        f"{start['settled_mib']:,.0f} MiB ({start['settled_run_mib']:,.0f} MiB without).",
        "",
        "Memory (PSS: resident, shared pages split among the processes sharing them) at the "
        "end of the run: "
        + ", ".join(f"{name} {mib:,.0f} MiB" for name, mib in memory.items())
        + ".",
        "",
        "Where the time goes and what was done about it: ADRs 0083, 0084, 0089, 0105,",
        "0108, 0121 and 0124 (`docs/adr/`; the catalog's read in process, layer by layer:",
        "`gateway/bench/catalog_inprocess.py`); the gateway's own share: ADRs 0052, 0090,",
        "0124 and 0125.",
        "",
        "Reproduce: `make bench` (or `uv run python gateway/bench/gateway_bench.py`).",
        "",
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines))
    say(f"report written to {path}")


def start_fleet(
    agora: str, workdir: Path, env: dict[str, str], ports: dict[str, int]
) -> tuple[subprocess.Popen[bytes], dict[str, float]]:
    """``agora run`` on the seeded data, with how long it took to be ready and its
    memory at rest."""
    say(f"starting the fleet (agora run), data in {workdir}")
    started = time.monotonic()
    with (workdir / "fleet.log").open("ab") as log:
        fleet = subprocess.Popen(  # noqa: S603
            [agora, "run", "--data-dir", str(workdir / "data")],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        for part in PARTS:
            wait_ready(f"http://127.0.0.1:{ports[part]}/readyz")
    except BaseException:
        stop(fleet)
        raise
    start = {"ready_seconds": time.monotonic() - started}
    time.sleep(5)
    start["at_rest_run_mib"] = memory_mb([fleet.pid])
    start["at_rest_mib"] = memory_mb([fleet.pid], cmdline_contains=str(workdir / "data"))
    return fleet, start


def start_gateway(
    agora: str, workdir: Path, env: dict[str, str], ports: dict[str, int], postgres_port: int
) -> tuple[subprocess.Popen[bytes], int]:
    """The gateway as its own process, as in distributed mode."""
    port = free_port()
    gateway_env = {
        **env,
        "AGORA_GATEWAY_PORT": str(port),
        "AGORA_JWKS_URL": f"http://127.0.0.1:{ports['user']}/.well-known/jwks.json",
        "AGORA_EVENTS_DATABASE_URL": (
            f"postgresql+asyncpg://postgres@127.0.0.1:{postgres_port}/agora_events"
        ),
        **{
            f"AGORA_GATEWAY_{p.upper()}_URL": f"http://127.0.0.1:{ports[p]}"
            for p in PARTS
            if p != "gateway"
        },
    }
    with (workdir / "gateway.log").open("ab") as log:
        process = subprocess.Popen(  # noqa: S603
            [agora, "serve", "gateway"], env=gateway_env, stdout=log, stderr=subprocess.STDOUT
        )
    return process, port


def start_floor(
    workdir: Path, env: dict[str, str], postgres_port: int
) -> tuple[subprocess.Popen[bytes], int]:
    """The bare app of floor.py, served by uvicorn on the catalog's database."""
    port = free_port()
    dsn = f"postgresql://postgres@127.0.0.1:{postgres_port}/agora_catalog"
    with (workdir / "floor.log").open("ab") as log:
        process = subprocess.Popen(  # noqa: S603
            [
                sys.executable, "-m", "uvicorn", "floor:app",
                "--app-dir", str(Path(__file__).parent),
                "--host", "127.0.0.1", "--port", str(port),
                "--log-level", "warning", "--no-access-log",
            ],
            env={**env, "AGORA_FLOOR_DSN": dsn},
            stdout=log,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
    return process, port


FLOOR = "floor: FastAPI + asyncpg"
DIRECT = "catalog, direct"
GATEWAY_IN_RUN = "gateway of agora run"
# The pools close a connection idle this long, looking every half of it (ADR 0114).
SETTLE_SECONDS = ServiceSettings().database_pool_idle_seconds * 1.5 + 5
GATEWAY_OWN = "gateway, own process"
NGINX = "nginx in front of the catalog"


Door = tuple[str, str, list[int]]


def measure(doors: list[Door], args: argparse.Namespace) -> list[Result]:
    """Rounds in rotating order, so warming caches and drifting load favour no door;
    each door's figures are its median round."""
    rounds: dict[str, list[Result]] = {name: [] for name, _, _ in doors}
    for number in range(args.rounds):
        shift = number % len(doors)
        for name, url, pids in doors[shift:] + doors[:shift]:
            rounds[name].append(
                run_wrk(
                    name,
                    url,
                    seconds=args.seconds,
                    connections=args.connections,
                    threads=args.threads,
                    cpu=functools.partial(cpu_seconds, pids),
                )
            )
    return [median_result(rounds[name]) for name, _, _ in doors]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--path", help="the GET path to measure (default: a seeded product)")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument(
        "--settle-seconds",
        type=float,
        default=SETTLE_SECONDS,
        help="the wait for memory at rest after the load (default: the pools' idle time "
        "and a half, so they have closed what the load opened)",
    )
    parser.add_argument("--report", type=Path, default=ROOT / "docs" / "bench" / "ladder.md")
    return parser.parse_args()


def main() -> int:
    args = parse_args()
    ensure_tools()
    agora = str(Path(sys.executable).parent / "agora")
    workdir = Path(tempfile.mkdtemp(prefix="agora-bench-"))
    ports = {part: free_port() for part in PARTS}
    postgres_port = free_port()
    env = {
        **os.environ,
        **{f"AGORA_{part.upper()}_PORT": str(port) for part, port in ports.items()},
        "AGORA_POSTGRES_PORT": str(postgres_port),
        "AGORA_LOG_LEVEL": "WARNING",
        "AGORA_GATEWAY_RATE_LIMIT_ANONYMOUS": "100000000/minute",
    }
    fleet = gateway = nginx = floor = None
    try:
        say("seeding a shop")
        subprocess.run(  # noqa: S603
            [agora, "seed", "--data-dir", str(workdir / "data"), "--products", "50"],
            env=env,
            check=False,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        fleet, start = start_fleet(agora, workdir, env, ports)
        catalog = f"http://127.0.0.1:{ports['catalog']}"
        user = f"http://127.0.0.1:{ports['user']}"
        measured, service = pick_path(catalog, user, args.path)
        say(f"measuring GET {measured}")

        gateway, gateway_port = start_gateway(agora, workdir, env, ports, postgres_port)
        floor, floor_port = start_floor(workdir, env, postgres_port)
        wait_ready(f"http://127.0.0.1:{gateway_port}/readyz")
        nginx, nginx_port = start_nginx(workdir, int(service.rsplit(":", 1)[1]))
        wait_ready(f"http://127.0.0.1:{nginx_port}{measured}")
        run, own, proxy = [fleet.pid], [gateway.pid, fleet.pid], [nginx.pid, fleet.pid]
        doors: list[Door] = [
            (GATEWAY_OWN, f"http://127.0.0.1:{gateway_port}{measured}", own),
            (GATEWAY_IN_RUN, f"http://127.0.0.1:{ports['gateway']}{measured}", run),
            (DIRECT, f"{service}{measured}", run),
            (NGINX, f"http://127.0.0.1:{nginx_port}{measured}", proxy),
        ]
        if measured.startswith("/api/v1/products/"):
            wait_ready(f"http://127.0.0.1:{floor_port}{measured}")
            doors.insert(0, (FLOOR, f"http://127.0.0.1:{floor_port}{measured}", [floor.pid]))
        for name, url, _ in doors:
            answer = httpx.get(url, timeout=10)
            if answer.status_code != 200:
                raise SystemExit(f"{name}: GET {url} answered {answer.status_code}")
        results = measure(doors, args)
        memory = {
            "agora run": memory_mb([fleet.pid]),
            "agora run with its PostgreSQL": memory_mb(
                [fleet.pid], cmdline_contains=str(workdir / "data")
            ),
            "agora serve gateway": memory_mb([gateway.pid]),
            "the floor": memory_mb([floor.pid]),
        }
        # Once the pools closed what the load opened.
        say(f"waiting {args.settle_seconds:.0f} s for memory at rest after the load")
        time.sleep(args.settle_seconds)
        start["settled_run_mib"] = memory_mb([fleet.pid])
        start["settled_mib"] = memory_mb([fleet.pid], cmdline_contains=str(workdir / "data"))
        write_report(args.report, results, measured, args, memory=memory, start=start)
    finally:
        stop(floor)
        stop(nginx)
        stop(gateway)
        stop(fleet)
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
