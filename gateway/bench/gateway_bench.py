"""``make bench``: what the gateway costs, as a measured ratio.

One run puts the same GET through three doors to the same upstream service:
1. the Agora gateway (its own process, ``agora serve gateway``, edge auth and rate
   limiting on, as in distributed mode);
2. straight to the service;
3. nginx (Debian's package) proxying to the service over keep-alive connections.

The fleet is ``agora run`` on free ports with a fresh data directory. The path is
``/api/v1/products/{id}`` of a product seeded through ``agora seed`` when the catalog
serves it, else ``/.well-known/jwks.json`` of the user service; ``--path`` picks
another. Load comes from wrk (Debian's package); nginx and wrk are installed with
apt-get when missing. The report (requests per second, p50 and p99 latency, and the
ratios) goes to ``docs/bench/gateway.md``.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
PARTS = ("gateway", "user", "catalog", "order", "payment", "notification")


def say(message: str) -> None:
    print(f"[bench] {message}", flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def ensure_tools() -> None:
    missing = [
        name
        for name, binary in (("wrk", "wrk"), ("nginx-light", "nginx"))
        if not shutil.which(binary) and not Path(f"/usr/sbin/{binary}").exists()
    ]
    if not missing:
        return
    say(f"installing {' '.join(missing)} with apt-get")
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    subprocess.run([*sudo, "apt-get", "update", "-q"], check=True)  # noqa: S603
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run([*sudo, "apt-get", "install", "-y", "-q", *missing], check=True, env=env)  # noqa: S603


def wait_ready(url: str, seconds: float = 180) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise SystemExit(f"{url} did not become ready")


@dataclass
class Result:
    name: str
    url: str
    rps: float
    p50_ms: float
    p99_ms: float
    non_2xx: int


def _ms(value: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s)", value.strip())
    if not match:
        raise ValueError(value)
    number, unit = float(match.group(1)), match.group(2)
    return number / 1000 if unit == "us" else number * 1000 if unit == "s" else number


def run_wrk(name: str, url: str, *, seconds: int, connections: int, threads: int) -> Result:
    wrk = shutil.which("wrk") or "/usr/bin/wrk"
    # A short warm-up fills connection pools and caches; it is not counted.
    subprocess.run(  # noqa: S603
        [wrk, "-t1", "-c4", "-d2s", url], check=True, capture_output=True, text=True
    )
    out = subprocess.run(  # noqa: S603
        [wrk, f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", url],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p50 = _ms(re.search(r"\s50%\s+(\S+)", out).group(1))  # type: ignore[union-attr]
    p99 = _ms(re.search(r"\s99%\s+(\S+)", out).group(1))  # type: ignore[union-attr]
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    result = Result(name, url, rps, p50, p99, int(bad.group(1)) if bad else 0)
    say(f"{name}: {rps:,.0f} req/s, p50 {p50:.2f} ms, p99 {p99:.2f} ms, non-2xx {result.non_2xx}")
    return result


def median_result(runs: list[Result]) -> Result:
    by_rps = sorted(runs, key=lambda r: r.rps)
    middle = by_rps[len(by_rps) // 2]
    return Result(
        middle.name,
        middle.url,
        middle.rps,
        sorted(r.p50_ms for r in runs)[len(runs) // 2],
        sorted(r.p99_ms for r in runs)[len(runs) // 2],
        sum(r.non_2xx for r in runs),
    )


NGINX_CONF = """
worker_processes 1;
pid {dir}/nginx.pid;
error_log {dir}/nginx-error.log warn;
daemon off;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    server_tokens off;
    client_body_temp_path {dir}/body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    upstream service {{
        server 127.0.0.1:{upstream_port};
        keepalive 64;
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://service;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $remote_addr;
            proxy_set_header X-Request-ID $request_id;
        }}
    }}
}}
"""


def start_nginx(workdir: Path, upstream_port: int) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    conf = workdir / "nginx.conf"
    conf.write_text(NGINX_CONF.format(dir=workdir, port=port, upstream_port=upstream_port))
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    process = subprocess.Popen(  # noqa: S603
        [binary, "-c", str(conf), "-p", str(workdir)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return process, port


def stop(process: subprocess.Popen[bytes] | None) -> None:
    if process is None or process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


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
    path: Path, results: list[Result], measured: str, args: argparse.Namespace
) -> None:
    direct = next(r for r in results if r.name.startswith("direct"))
    now = datetime.datetime.now(datetime.UTC)
    lines = [
        "# Gateway benchmark",
        "",
        f"`make bench` (`gateway/bench/gateway_bench.py`), {now:%Y-%m-%d %H:%M} UTC.",
        "",
        f"`GET {measured}` through three doors to the same service, one after another in",
        f"one run: wrk, {args.threads} thread(s), {args.connections} connections, "
        f"{args.seconds} s per measurement after a 2 s warm-up, {args.rounds} rounds in",
        "rotating order, the median round of each door shown; on this machine "
        f"({os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}).",
        "The load generator, the door and the service share those cores.",
        "",
        "| door | requests/s | p50 ms | p99 ms | non-2xx | throughput vs direct | p50 added |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        ratio = r.rps / direct.rps if direct.rps else 0.0
        added = r.p50_ms - direct.p50_ms
        lines.append(
            f"| {r.name} | {r.rps:,.0f} | {r.p50_ms:.2f} | {r.p99_ms:.2f} | {r.non_2xx} | "
            f"{ratio:.2f}x | {added:+.2f} |"
        )
    gateway = next(r for r in results if r.name.startswith("gateway"))
    nginx = next(r for r in results if r.name.startswith("nginx"))
    lines += [
        "",
        "Each door is measured alone (the others idle), with the same wrk settings. The",
        "service is the all-in-one process of `agora run` (its own event loop, on the",
        "embedded PostgreSQL); the gateway is a separate `agora serve gateway` process, as",
        "in distributed mode, so through it two Python processes share the two cores with",
        "wrk and PostgreSQL.",
        "",
        f"The gateway serves {gateway.rps / direct.rps:.0%} of the direct throughput; nginx "
        f"{nginx.rps / direct.rps:.0%}. Per request the gateway adds "
        f"{gateway.p50_ms - direct.p50_ms:.2f} ms at the median, nginx "
        f"{nginx.p50_ms - direct.p50_ms:.2f} ms.",
        "",
        "What the gateway does on each of these calls: route matching, rate limiting (memory",
        "store, per client address), security and CORS headers, request id, X-Forwarded-*,",
        "trace context, a client span, metrics by route template and upstream, and a",
        "streamed pass-through over a pooled keep-alive connection (httpx), in one Python",
        "process (`agora serve gateway`, one event loop). nginx only proxies. Where the",
        "gateway's time goes (profiled: mostly the connection pool of httpx, the client)",
        "and what would cut it: ADR 0052",
        "(`docs/adr/0052-gateway-proxy-resilience-hardening.md`).",
        "",
        "Reproduce: `make bench` (or `uv run python gateway/bench/gateway_bench.py --path ...`).",
        "",
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines))
    say(f"report written to {path}")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--path", help="the GET path to measure (default: a seeded product)")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--report", type=Path, default=ROOT / "docs" / "bench" / "gateway.md")
    args = parser.parse_args()
    ensure_tools()
    agora = str(Path(sys.executable).parent / "agora")
    workdir = Path(tempfile.mkdtemp(prefix="agora-bench-"))
    ports = {part: free_port() for part in PARTS}
    env = {
        **os.environ,
        **{f"AGORA_{part.upper()}_PORT": str(port) for part, port in ports.items()},
        "AGORA_POSTGRES_PORT": str(free_port()),
        "AGORA_LOG_LEVEL": "WARNING",
    }
    fleet = gateway = nginx = None
    try:
        say("seeding a shop")
        subprocess.run(  # noqa: S603
            [agora, "seed", "--data-dir", str(workdir / "data"), "--products", "50"],
            env=env,
            check=False,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        say(f"starting the fleet (agora run), data in {workdir}")
        with (workdir / "fleet.log").open("ab") as log:
            fleet = subprocess.Popen(  # noqa: S603
                [agora, "run", "--data-dir", str(workdir / "data")],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        for part in PARTS:
            wait_ready(f"http://127.0.0.1:{ports[part]}/readyz")
        catalog = f"http://127.0.0.1:{ports['catalog']}"
        user = f"http://127.0.0.1:{ports['user']}"
        measured, service = pick_path(catalog, user, args.path)
        say(f"measuring GET {measured}")

        # The gateway under test: its own process, as in distributed mode.
        gateway_port = free_port()
        gateway_env = {
            **env,
            "AGORA_GATEWAY_PORT": str(gateway_port),
            "AGORA_JWKS_URL": f"{user}/.well-known/jwks.json",
            "AGORA_GATEWAY_RATE_LIMIT_ANONYMOUS": "100000000/minute",
            **{
                f"AGORA_GATEWAY_{p.upper()}_URL": f"http://127.0.0.1:{ports[p]}"
                for p in PARTS
                if p != "gateway"
            },
        }
        with (workdir / "gateway.log").open("ab") as log:
            gateway = subprocess.Popen(  # noqa: S603
                [agora, "serve", "gateway"], env=gateway_env, stdout=log, stderr=subprocess.STDOUT
            )
        wait_ready(f"http://127.0.0.1:{gateway_port}/readyz")
        nginx, nginx_port = start_nginx(workdir, int(service.rsplit(":", 1)[1]))
        wait_ready(f"http://127.0.0.1:{nginx_port}{measured}")

        doors = [
            ("gateway (agora serve gateway)", f"http://127.0.0.1:{gateway_port}{measured}"),
            ("direct to the service", f"{service}{measured}"),
            ("nginx 1.22 proxy", f"http://127.0.0.1:{nginx_port}{measured}"),
        ]
        for name, url in doors:
            answer = httpx.get(url, timeout=10)
            if answer.status_code != 200:
                raise SystemExit(f"{name}: GET {url} answered {answer.status_code}")
        # Rounds in rotating order, so warming caches and drifting load favour no door;
        # each door's figures are its median round.
        rounds: dict[str, list[Result]] = {name: [] for name, _ in doors}
        for number in range(args.rounds):
            shift = number % len(doors)
            for name, url in doors[shift:] + doors[:shift]:
                rounds[name].append(
                    run_wrk(
                        name,
                        url,
                        seconds=args.seconds,
                        connections=args.connections,
                        threads=args.threads,
                    )
                )
        results = [median_result(rounds[name]) for name, _ in doors]
        write_report(args.report, results, measured, args)
    finally:
        stop(nginx)
        stop(gateway)
        stop(fleet)
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
