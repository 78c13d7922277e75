"""What the benchmarks share: wrk runs and their parsing, nginx as a reference proxy,
readiness waits, and the CPU and memory of the processes under test (psutil)."""

from __future__ import annotations

import contextlib
import math
import os
import re
import shutil
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx
import psutil

from agora_kit.testing import fixtures

ROOT = Path(__file__).resolve().parents[2]


# A loopback port for a server the bench starts (the tests' own choice of port).
free_port = fixtures.free_port


def say(message: str) -> None:
    print(f"[bench] {message}", flush=True)


def commit() -> str:
    """The repository's short commit, for the reports ("unknown" outside a checkout)."""
    found = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    ).stdout.strip()
    return found or "unknown"


def percentile(values: Sequence[float], fraction: float) -> float:
    """The nearest-rank percentile; 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def pids_of(cmdline_contains: str) -> list[int]:
    """Processes whose command line names ``cmdline_contains``: a PostgreSQL that
    pg_ctl started is nobody's child, so it is found by its data directory."""
    return [
        process.pid
        for process in psutil.process_iter(["cmdline"])
        if cmdline_contains in " ".join(process.info["cmdline"] or [])
    ]


def server_pids(data_dir: str, *, besides: int) -> list[int]:
    """A PostgreSQL's processes, by its data directory; not those of ``besides`` (an
    ``agora run``, whose own command line names its data directory too) and its
    children."""
    try:
        theirs = {besides, *(child.pid for child in psutil.Process(besides).children(True))}
    except psutil.NoSuchProcess:
        theirs = {besides}
    return [pid for pid in pids_of(data_dir) if pid not in theirs]


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
    # CPU time of the processes serving the door, per request (all their threads).
    cpu_ms: float = 0.0


def _ms(value: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s)", value.strip())
    if not match:
        raise ValueError(value)
    number, unit = float(match.group(1)), match.group(2)
    return number / 1000 if unit == "us" else number * 1000 if unit == "s" else number


def process_cpu(pid: int) -> float:
    """User + system CPU of this one process (all its threads, no children) so far."""
    times = psutil.Process(pid).cpu_times()
    return float(times.user + times.system)


def cpu_seconds(pids: Sequence[int]) -> float:
    """User + system CPU of these processes and their descendants so far: the live
    ones' own, and what each was told of its children that ended (PostgreSQL's
    backends come and go; without it their CPU would vanish with them)."""
    processes: dict[int, psutil.Process] = {}
    for pid in pids:
        try:
            process = psutil.Process(pid)
            processes.update({p.pid: p for p in (process, *process.children(recursive=True))})
        except psutil.NoSuchProcess:
            continue
    total = 0.0
    for process in processes.values():
        try:
            times = process.cpu_times()
        except psutil.NoSuchProcess:
            continue
        total += times.user + times.system + times.children_user + times.children_system
    return total


def memory_mb(pids: Sequence[int], *, cmdline_contains: str | None = None) -> float:
    """Proportional resident memory (PSS) of these processes and their children, and
    of any process whose command line names ``cmdline_contains`` (a PostgreSQL started
    by pg_ctl is nobody's child), in MiB."""
    processes: dict[int, psutil.Process] = {}
    for pid in pids:
        try:
            process = psutil.Process(pid)
            processes.update({p.pid: p for p in (process, *process.children(recursive=True))})
        except psutil.NoSuchProcess:
            continue
    if cmdline_contains:
        for pid in pids_of(cmdline_contains):
            with contextlib.suppress(psutil.NoSuchProcess):
                process = psutil.Process(pid)
                processes[pid] = process
                processes.update({p.pid: p for p in process.children(recursive=True)})
    total = 0
    for process in processes.values():
        try:
            # PSS: shared pages (PostgreSQL's shared buffers, libraries) split among the
            # processes that map them, so a server of many backends is not counted
            # many times over; RSS where the kernel will not tell.
            total += getattr(process.memory_full_info(), "pss", process.memory_info().rss)
        except psutil.AccessDenied:
            total += process.memory_info().rss
        except psutil.NoSuchProcess:
            continue
    return total / 2**20


def run_wrk(
    name: str,
    url: str,
    *,
    seconds: int,
    connections: int,
    threads: int,
    cpu: Callable[[], float] = lambda: 0.0,
) -> Result:
    """``cpu`` reads the CPU seconds of the door's processes; the difference over the
    measured run, divided by the requests it served, is the CPU per request."""
    wrk = shutil.which("wrk") or "/usr/bin/wrk"
    # A short warm-up fills connection pools and caches; it is not counted.
    subprocess.run(  # noqa: S603
        [wrk, "-t1", "-c4", "-d2s", url], check=True, capture_output=True, text=True
    )
    before = cpu()
    out = subprocess.run(  # noqa: S603
        [wrk, f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", url],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    spent = cpu() - before
    total = re.search(r"(\d+) requests in", out)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p50 = _ms(re.search(r"\s50%\s+(\S+)", out).group(1))  # type: ignore[union-attr]
    p99 = _ms(re.search(r"\s99%\s+(\S+)", out).group(1))  # type: ignore[union-attr]
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    served = int(total.group(1)) if total else 0
    cpu_ms = spent * 1000 / served if served else 0.0
    result = Result(name, url, rps, p50, p99, int(bad.group(1)) if bad else 0, cpu_ms)
    say(
        f"{name}: {rps:,.0f} req/s, p50 {p50:.2f} ms, p99 {p99:.2f} ms, "
        f"CPU {cpu_ms:.2f} ms/request, non-2xx {result.non_2xx}"
    )
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
        sorted(r.cpu_ms for r in runs)[len(runs) // 2],
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


def start_py_spy(pid: int, seconds: float, out: Path) -> subprocess.Popen[bytes]:
    out.parent.mkdir(parents=True, exist_ok=True)
    # py-spy where installed, else as a uv tool (the Makefile's uv: python3 -m uv).
    installed = shutil.which("py-spy")
    uv = [shutil.which("uv") or ""] if shutil.which("uv") else ["python3", "-m", "uv"]
    command = [installed, "record"] if installed else [*uv, "tool", "run", "py-spy", "record"]
    command += ["-p", str(pid), "-d", str(int(seconds)), "-r", "200", "-f", "raw"]
    with out.with_suffix(".log").open("ab") as log:
        return subprocess.Popen([*command, "-o", str(out)], stdout=log, stderr=subprocess.STDOUT)  # noqa: S603


def own_cpu() -> float:
    """User + system CPU of the bench (the buyers) so far."""
    times = psutil.Process().cpu_times()
    return float(times.user + times.system)


def machine_cpu() -> float:
    """CPU seconds the whole machine has been busy so far, all cores (time stolen by
    the hypervisor counts: the machine did not have it)."""
    times = psutil.cpu_times()
    busy = ("user", "nice", "system", "irq", "softirq", "steal")
    return float(sum(getattr(times, name, 0.0) for name in busy))


def second_process(pid: int) -> int | None:
    """``agora run``'s second process (the gateway, notification and payment); None
    with ``--no-gateway-process``."""
    for child in psutil.Process(pid).children():
        if "serve_second_process" in " ".join(child.cmdline()):
            return int(child.pid)
    return None
