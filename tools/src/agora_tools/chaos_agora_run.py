"""``agora-chaos --scenario agora-run-kill``: ``agora run`` itself killed with SIGKILL
in the middle of the checkouts and started again on the same data directory.

``agora run`` runs in a process group of its own: its process (every service) and its
gateway's process. Its PostgreSQL is not in that group: ``pg_ctl`` starts the server in
a session of its own, as a server outlives the program that started it. So two kinds of
kill alternate (the first chosen at random):

- **the process** (``agora run``): SIGKILL to its process group, as the OOM killer, a
  crash of the interpreter or ``kill -9`` would; PostgreSQL keeps running, and the next
  ``agora run`` finds it and uses it;
- **the machine** (``agora run + PostgreSQL``): both process groups stopped at one
  instant (SIGSTOP) and then killed, so nothing reacts to another's death, as when the
  power goes; the next ``agora run`` starts PostgreSQL, which recovers from its WAL.
  What a real power cut adds, the kernel's unwritten page cache, a live machine
  cannot drop without a VM; with ``fsync`` and ``synchronous_commit`` on (``agora
  run``'s PostgreSQL keeps both), a commit answered was on disk already.

Each kill comes at a random share of the checkouts done (between 10 % and 80 %), a
moment later, while the buyers are everywhere in their checkouts; ``agora run`` is
started again after a random pause of up to 2 s.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from agora_kit.embedded_pg import EmbeddedPostgres
from agora_kit.testing.fixtures import free_port
from agora_tools import fleetdb, journeys
from agora_tools.chaos import run
from agora_tools.chaos_faults import Chaos, Target
from agora_tools.fleet import PARTS
from agora_tools.infra.base import HOST, say

CRASH = "agora run"
POWER_CUT = "agora run + PostgreSQL"
READY_TIMEOUT = 180.0  # a start after a power cut recovers PostgreSQL first


def _group(pgid: int) -> list[int]:
    """The live (not zombie) processes of process group ``pgid``."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, IndexError, ValueError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[2]) == pgid and fields[0] != "Z":
                found.append(int(stat.parent.name))
    return found


def _signal_group(pgid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, sig)


class AgoraRun:
    """``agora run --data-dir DATA_DIR`` on free ports (its PostgreSQL's too), in a
    process group of its own, its output in ``DATA_DIR/agora-run.log``."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir.resolve()
        self.ports = {part: free_port() for part in PARTS}
        # Where `agora run` keeps its PostgreSQL (cli's runtime), on a port of its own.
        self.postgres = EmbeddedPostgres(self.data_dir / "postgres", port=free_port())
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("AGORA_")}
        self.env.update(
            {
                **{f"AGORA_{part.upper()}_PORT": str(port) for part, port in self.ports.items()},
                "AGORA_POSTGRES_PORT": str(self.postgres.port),
                "AGORA_LOG_LEVEL": "WARNING",
            }
        )
        self.log = self.data_dir / "agora-run.log"
        self.process: subprocess.Popen[bytes] | None = None

    def url(self, part: str) -> str:
        return f"http://{HOST}:{self.ports[part]}"

    def database_url(self, name: str) -> str:
        return self.postgres.url(name)

    def create_admin(self) -> journeys.Customer:
        return fleetdb.create_admin_in_run(self.data_dir, self.env)

    def start(self) -> None:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(  # noqa: S603 - our own CLI
                [
                    str(Path(sys.executable).parent / "agora"),
                    "run",
                    "--data-dir",
                    str(self.data_dir),
                ],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def ready(self) -> bool:
        for port in self.ports.values():
            try:
                answer = httpx.get(f"http://{HOST}:{port}/readyz", timeout=2)
            except httpx.HTTPError:
                return False
            if answer.status_code != 200:
                return False
        return True

    def wait_ready(self, timeout: float = READY_TIMEOUT) -> bool:
        """Every part ready; False if it is not in time or ``agora run`` exited."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is None or self.process.poll() is not None:
                return False
            if self.ready():
                return True
            time.sleep(0.25)
        return False

    def postmaster(self) -> int | None:
        """The pid of PostgreSQL's postmaster, while it runs."""
        try:
            pid = int((self.postgres.pgdata / "postmaster.pid").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return None
        return pid if pid in _group(pid) else None

    def kill(self, *, with_postgres: bool) -> None:
        """SIGKILL ``agora run``'s process group; with ``with_postgres``, PostgreSQL's
        too, both stopped first so that they die at the same instant."""
        assert self.process is not None
        groups = [self.process.pid]
        if with_postgres:
            postmaster = self.postmaster()
            if postmaster is None:
                raise RuntimeError(f"no PostgreSQL runs in {self.data_dir} to kill")
            groups.append(postmaster)
        for pgid in groups:
            _signal_group(pgid, signal.SIGSTOP)
        for pgid in groups:
            _signal_group(pgid, signal.SIGKILL)
        self.process.wait()
        self.process = None
        while any(_group(pgid) for pgid in groups):
            time.sleep(0.05)

    def stop(self) -> int:
        """SIGTERM, as Ctrl-C: ``agora run`` stops its parts and its PostgreSQL; the
        exit code (-9 when it had to be killed after 90 s)."""
        if self.process is None:
            return -1
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=90)
        except subprocess.TimeoutExpired:
            self.close()
            return -9
        finally:
            self.process = None

    def close(self) -> None:
        """Kill whatever of it is left: ``agora run``, its gateway, PostgreSQL."""
        if self.process is not None:
            _signal_group(self.process.pid, signal.SIGKILL)
            self.process.wait()
            self.process = None
        postmaster = self.postmaster()
        if postmaster is not None:
            _signal_group(postmaster, signal.SIGKILL)

    def postgres_log(self, phrase: str) -> int:
        """How many lines of PostgreSQL's log say ``phrase``."""
        path = self.postgres.log_file
        lines = path.read_text(errors="replace").splitlines() if path.exists() else []
        return sum(1 for line in lines if phrase in line)

    def tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:] if self.log.exists() else ""


def new_data_dir(data_dir: Path | None) -> tuple[Path, bool]:
    """The run's data directory, which must be new or empty (a run starts from
    nothing and audits every order in it), and whether it is a temporary one."""
    if data_dir is None:
        return Path(tempfile.mkdtemp(prefix="agora-chaos-run-")), True
    if data_dir.exists() and any(data_dir.iterdir()):
        raise SystemExit(f"agora-chaos: {data_dir} is not empty; the run needs a new one")
    data_dir.mkdir(parents=True, exist_ok=True)
    return data_dir, False


def kill_and_restart(  # noqa: PLR0917 - a rampage's arguments
    agora: AgoraRun,
    kills: int,
    rng: random.Random,
    done: threading.Event,
    chaos: Chaos,
    progress: Callable[[], float],
) -> None:
    """``kills`` times, once a random share of the checkouts is done: kill ``agora
    run`` (the process and the machine in turn) and start it again."""
    marks = sorted(rng.uniform(0.1, 0.8) for _ in range(kills))
    kinds = rng.sample((CRASH, POWER_CUT), 2)
    down: list[float] = []
    chaos.figures["seconds_down"] = down
    for number, mark in enumerate(marks):
        while progress() < mark:
            if done.wait(0.1):
                return
        time.sleep(rng.uniform(0, 1))
        kind = kinds[number % 2]
        at = progress()
        clock = time.strftime("%H:%M:%S")
        killed = time.monotonic()
        try:
            agora.kill(with_postgres=kind == POWER_CUT)
            chaos.kills[kind] += 1
            time.sleep(rng.uniform(0, 2))
            agora.start()
        except (OSError, RuntimeError) as exc:
            chaos.problems.append(f"the chaos itself failed at {kind}: {exc!r}")
            return
        if not agora.wait_ready():
            chaos.problems.append(f"agora run did not come back after {kind}:\n{agora.tail()}")
            return
        down.append(round(time.monotonic() - killed, 1))
        chaos.log.append(
            f"{clock} killed {kind} at {at:.0%} of the checkouts; ready again {down[-1]} s later"
        )


def play(args: argparse.Namespace) -> dict[str, Any]:
    """The ``agora-run-kill`` scenario (``agora_tools.chaos_agora_run``): the report,
    with whether ``agora run`` stopped cleanly at the end."""
    data_dir, temporary = new_data_dir(args.data_dir)
    agora = AgoraRun(data_dir)
    rng = random.Random(args.seed + 1)  # noqa: S311 - not cryptography

    def terminated(*_: object) -> None:
        # Stopped from outside (a test's timeout): leave no server behind; the buyers'
        # threads would keep the interpreter up for minutes.
        agora.close()
        os._exit(143)

    signal.signal(signal.SIGTERM, terminated)
    try:
        agora.start()
        if not agora.wait_ready():
            raise SystemExit(f"agora run did not start:\n{agora.tail()}")
        target = Target(
            gateway_url=agora.url("gateway"),
            users_url=agora.url("user"),
            create_admin=agora.create_admin,
            wait_ready=agora.wait_ready,
            rampage=lambda done, chaos, progress: kill_and_restart(
                agora, args.kills, rng, done, chaos, progress
            ),
            fresh=True,
            # Its mail: .eml files beside PostgreSQL's data (the file backend).
            mail_dir=data_dir / "mail",
        )
        with fleetdb.databases_of(agora.database_url):
            report = run(
                target,
                args.checkouts,
                args.buyers,
                args.stock,
                args.seed,
                coupon_percent=args.coupon_percent,
            )
        # What PostgreSQL went through: started at first and after each power cut,
        # recovering from its WAL each time; a killed process alone leaves it up.
        report["postgresql_starts"] = agora.postgres_log("ready to accept connections")
        report["postgresql_recoveries"] = agora.postgres_log("automatic recovery in progress")
        code = agora.stop()
        if code != 0:
            report["problems"].append(f"agora run exited {code} when stopped:\n{agora.tail()}")
    finally:
        agora.close()
    if temporary and not report["problems"]:
        shutil.rmtree(data_dir, ignore_errors=True)
    else:
        say(f"data directory kept: {data_dir} (its log: {agora.log})")
    return report
