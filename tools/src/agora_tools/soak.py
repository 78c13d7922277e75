"""``agora-soak``: a steady load through the gateway of ``agora run`` for a while, its
errors, its latencies and the memory of every process over time.

It starts ``agora run`` on a new data directory (free loopback ports, the sandbox
payment provider, the gateway's per-address and per-user rate limits raised: every
shopper comes from 127.0.0.1), sets up through the gateway an approved vendor selling
four SKUs with ample stock and ``--users`` signed-in buyers (registered at the user
service directly, as the benchmarks do), then runs Locust headless for ``--seconds``:
``--users`` shoppers, each ``--rate`` tasks a second, the journeys' mix
(``agora_tools.soak_locustfile``). Every ``--sample`` seconds it records the resident
memory (RSS) of ``agora run``'s processes (the services' process and the gateway's)
and of its PostgreSQL (the postmaster's RSS; over all its processes, their private memory, USS,
summed, and their PSS summed: backends share their buffers, so their RSS would count
them many times, and PSS grows as the shared buffers fill, which is a cache, not a
leak, and is shown but not judged).

Memory growth is the mean of the last minute's samples (the last third for a run
shorter than 3 minutes) over the mean of the first minute after ``--warm-up``
seconds. The run passes with no failed request and no process growing more than
``--max-growth`` (10 % by default; PostgreSQL's PSS shown, not judged); the report
(Markdown) goes to ``--report``.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from statistics import fmean

import httpx
import psutil

from agora_tools import journeys
from agora_tools.chaos_agora_run import AgoraRun
from agora_tools.infra.base import say

LOCUSTFILE = Path(__file__).with_name("soak_locustfile.py")
PAYMENT_METHOD = "pm_card_visa"
UNLIMITED = "100000000/minute"
MB = 1024 * 1024
# PostgreSQL's processes: their private memory (USS, where a leak would show) summed,
# and their PSS summed, which counts the shared buffers they have touched: a cache that
# fills as the run's tables grow, up to ``shared_buffers``, so not judged for growth.
POSTGRES_PRIVATE = "PostgreSQL, all processes (USS)"
POSTGRES_PSS = "PostgreSQL, all processes (PSS, shared buffers included)"
NOT_JUDGED = frozenset({POSTGRES_PSS})


@dataclass
class Soak:
    """What one soak measured."""

    seconds: float
    users: int
    rate: float
    warm_up: float
    requests: list[dict[str, str]] = field(default_factory=list)  # Locust's stats rows
    failures: list[dict[str, str]] = field(default_factory=list)
    samples: list[tuple[float, dict[str, float]]] = field(default_factory=list)

    @property
    def total(self) -> dict[str, str]:
        return next((row for row in self.requests if row["Name"] == "Aggregated"), {})

    def errors(self) -> int:
        return int(self.total.get("Failure Count", "0") or 0)

    def growth(self) -> dict[str, tuple[float, float, float]]:
        """Per process: MB after warm-up, MB at the end, growth (a fraction)."""
        end = self.samples[-1][0] if self.samples else 0.0
        tail = min(60.0, (end - self.warm_up) / 3)
        found = {}
        for name in self.samples[0][1] if self.samples else {}:
            early = [s[name] for t, s in self.samples if self.warm_up <= t < self.warm_up + tail]
            late = [s[name] for t, s in self.samples if t >= end - tail]
            if early and late:
                before, after = fmean(early), fmean(late)
                found[name] = (before, after, after / before - 1)
        return found


def summary(soak: Soak, *, passed: bool) -> dict[str, object]:
    """The figures as JSON: per request type its count, failures, p50 and p99 (ms);
    per process its MB after warm-up, at the end and its growth."""
    return {
        "passed": passed,
        "errors": soak.errors(),
        "requests": {
            row["Name"]: {
                "count": int(row["Request Count"]),
                "failures": int(row["Failure Count"]),
                "p50_ms": float(row["50%"] or 0),
                "p99_ms": float(row["99%"] or 0),
            }
            for row in soak.requests
        },
        "memory_mb": {
            name: {"after_warm_up": before, "end": after, "growth": growth}
            for name, (before, after, growth) in soak.growth().items()
        },
        "samples": len(soak.samples),
    }


# ---- memory ----


def memory(agora: AgoraRun) -> dict[str, float]:
    """MB: each of ``agora run``'s processes (RSS), its PostgreSQL's postmaster (RSS)
    and all of PostgreSQL's processes (PSS summed)."""
    found: dict[str, float] = {}
    assert agora.process is not None
    root = psutil.Process(agora.process.pid)
    for process in [root, *root.children(recursive=True)]:
        try:
            line = " ".join(process.cmdline())
            name = "agora run (gateway)" if "gateway" in line else "agora run (services)"
            found[name] = found.get(name, 0.0) + process.memory_info().rss / MB
        except psutil.Error:
            continue
    postmaster = agora.postmaster()
    if postmaster is not None:
        server = psutil.Process(postmaster)
        found["PostgreSQL postmaster (RSS)"] = server.memory_info().rss / MB
        pss = uss = 0.0
        for process in [server, *server.children(recursive=True)]:
            try:
                full = process.memory_full_info()
            except psutil.Error:
                continue
            pss, uss = pss + full.pss / MB, uss + full.uss / MB
        found[POSTGRES_PRIVATE] = uss
        found[POSTGRES_PSS] = pss
    return found


def sample(agora: AgoraRun, soak: Soak, every: float, done: threading.Event) -> None:
    started = time.monotonic()
    while True:
        soak.samples.append((time.monotonic() - started, memory(agora)))
        if done.wait(every):
            return


# ---- the shop ----


def set_up(agora: AgoraRun, buyers: int, stock: int) -> dict[str, object]:
    """An approved vendor selling four SKUs, ``buyers`` signed-in buyers whose carts
    take them; what the shoppers need (their tokens, the SKUs)."""
    admin = agora.create_admin()
    with (
        httpx.Client(base_url=agora.url("gateway"), timeout=60) as gateway,
        httpx.Client(base_url=agora.url("user"), timeout=60) as users,
    ):
        journeys.log_in(users, admin)
        auth = {"Authorization": f"Bearer {admin.access_token}"}
        journeys.eventually(
            lambda: gateway.get(f"{journeys.API}/users/me", headers=auth).status_code == 200,
            60,
            "the gateway taking tokens",
        )
        vendor = journeys.register(users)
        journeys.log_in(users, vendor)
        journeys.open_store(gateway, vendor, admin)
        skus = [
            journeys.sell(gateway, vendor, admin, amount=990 + 250 * n, stock=stock)
            for n in range(4)
        ]
        shoppers = journeys.buyers_for(users, gateway, skus, buyers)
    return {
        "tokens": [buyer.access_token for buyer in shoppers],
        "skus": skus,
        "address": journeys.ADDRESS,
        "payment_method": PAYMENT_METHOD,
    }


# ---- the run ----


def locust(agora: AgoraRun, soak: Soak, workdir: Path) -> subprocess.Popen[bytes]:
    command = [
        str(Path(sys.executable).parent / "locust"),
        *("-f", str(LOCUSTFILE), "--headless", "--only-summary"),
        *("--users", str(soak.users), "--spawn-rate", str(soak.users)),
        *("--run-time", f"{int(soak.seconds)}s", "--stop-timeout", "30"),
        *("--host", agora.url("gateway"), "--csv", str(workdir / "locust")),
        "--skip-log-setup",
    ]
    env = {
        **os.environ,
        "AGORA_SOAK_SHOP": str(workdir / "shop.json"),
        "AGORA_SOAK_RATE": str(soak.rate),
    }
    with (workdir / "locust.log").open("ab") as log:
        return subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603


def read_csv(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        return []
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


def play(args: argparse.Namespace) -> Soak:
    workdir = Path(tempfile.mkdtemp(prefix="agora-soak-"))
    agora = AgoraRun(workdir / "data")
    agora.env.update(
        {
            "AGORA_PAYMENT_PROVIDER": "sandbox",
            "AGORA_GATEWAY_RATE_LIMIT_ANONYMOUS": UNLIMITED,
            "AGORA_GATEWAY_RATE_LIMIT_USER": UNLIMITED,
            # Tokens that outlive the run: the shoppers sign in once.
            "AGORA_USER_ACCESS_TOKEN_TTL_SECONDS": "3600",
        }
    )
    soak = Soak(args.seconds, args.users, args.rate, args.warm_up)
    done = threading.Event()
    sampler = threading.Thread(target=sample, args=(agora, soak, args.sample, done))
    try:
        agora.data_dir.mkdir(parents=True)
        agora.start()
        if not agora.wait_ready():
            raise SystemExit(f"agora run did not start:\n{agora.tail()}")
        say(f"setting up a shop and {args.users} buyers")
        shop = set_up(agora, args.users, args.stock)
        (workdir / "shop.json").write_text(json.dumps(shop))
        say(f"{args.users} shoppers at {args.rate:g} tasks/s each for {args.seconds:g} s")
        sampler.start()
        runner = locust(agora, soak, workdir)
        code = runner.wait(timeout=args.seconds + 120)
        done.set()
        sampler.join()
        soak.requests = read_csv(workdir / "locust_stats.csv")
        soak.failures = read_csv(workdir / "locust_failures.csv")
        if code not in (0, 1) or not soak.requests:
            log = (workdir / "locust.log").read_text(errors="replace")[-3000:]
            raise SystemExit(f"locust exited {code} with no figures:\n{log}")
        if agora.stop() != 0:
            raise SystemExit(f"agora run did not stop cleanly:\n{agora.tail()}")
    finally:
        done.set()
        agora.close()
        if args.keep_workdir:
            say(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    return soak


def main(argv: list[str] | None = None) -> int:
    from agora_tools.soak_report import passed, write_report

    parser = argparse.ArgumentParser(
        prog="agora-soak", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=600)
    parser.add_argument("--users", type=int, default=10, help="shoppers at once")
    parser.add_argument("--rate", type=float, default=1.0, help="tasks a second per shopper")
    parser.add_argument("--warm-up", type=float, default=120, help="seconds before growth counts")
    parser.add_argument("--sample", type=float, default=10, help="seconds between memory samples")
    parser.add_argument("--stock", type=int, default=1_000_000, help="units per SKU")
    parser.add_argument("--max-growth", type=float, default=0.10)
    parser.add_argument("--report", type=Path, help="write the report (Markdown) here")
    parser.add_argument("--keep-workdir", action="store_true")
    args = parser.parse_args(argv)
    soak = play(args)
    if args.report is not None:
        write_report(soak, args.report, args.max_growth)
        say(f"report: {args.report}")
    ok, why = passed(soak, args.max_growth)
    print(json.dumps(summary(soak, passed=ok)))  # the figures, for a test or a script
    say("passed" if ok else f"failed: {why}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
