"""``agora-fleet up|down|status|restart``: the distributed fleet, natively (``make up``).

Every service and the gateway run in a process of their own (``agora serve PART``, what
a container runs), each with its own database on the provisioned PostgreSQL, events on
the real Kafka broker, traces to Jaeger, and nothing but environment variables for
configuration. ``down`` stops the parts and the servers that ``up`` started, and leaves
alone servers that were already running. ``restart PART`` starts one part again
(``--kill`` first kills it with SIGKILL, as a crash would).

Payments go to the sandbox provider unless ``AGORA_FLEET_PAYMENT_PROVIDER=stripe-mock``:
then the payment service speaks Stripe's API to stripe-mock, which checks every request
and answers canned objects; the outcome of a payment then arrives, as with Stripe, by a
webhook signed with the fleet's secret (``webhook_secret()``), which whoever plays
Stripe sends.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import secrets
import signal
import subprocess
import sys
import time
import warnings
from dataclasses import asdict, dataclass, field
from pathlib import Path

import httpx

from agora_tools.infra import ProvisionError, server
from agora_tools.infra.base import HOST, home_dir, say
from agora_tools.infra.postgres import Postgres
from agora_tools.infra.stripe_mock import API_KEY as STRIPE_MOCK_KEY

SERVICES = ("user", "catalog", "order", "payment", "notification")
PARTS = (*SERVICES, "gateway")
DEFAULT_PORTS = {
    "gateway": 8000,
    "user": 8001,
    "catalog": 8002,
    "order": 8003,
    "payment": 8004,
    "notification": 8005,
}
# The servers the services use today; more join as the services need them.
SERVERS = ("postgres", "kafka", "jaeger", "redis", "smtp")
PAYMENT_PROVIDERS = ("sandbox", "stripe-mock")
READY_TIMEOUT = 120.0


def payment_provider() -> str:
    chosen = os.environ.get("AGORA_FLEET_PAYMENT_PROVIDER", "sandbox")
    if chosen not in PAYMENT_PROVIDERS:
        raise SystemExit(f"AGORA_FLEET_PAYMENT_PROVIDER must be one of {PAYMENT_PROVIDERS}")
    return chosen


def servers() -> tuple[str, ...]:
    return (*SERVERS, "stripe-mock") if payment_provider() == "stripe-mock" else SERVERS


def fleet_dir() -> Path:
    """Where the fleet keeps its pids; ``AGORA_FLEET_HOME`` lets a test run its own."""
    configured = os.environ.get("AGORA_FLEET_HOME")
    return Path(configured) if configured else home_dir().parent / "fleet"


def _state_file() -> Path:
    return fleet_dir() / "state.json"


@dataclass
class FleetState:
    """What ``up`` started, so ``down`` stops exactly that."""

    servers_started: list[str] = field(default_factory=list)
    pids: dict[str, int] = field(default_factory=dict)


def _load_state() -> FleetState:
    try:
        raw = json.loads(_state_file().read_text())
        return FleetState(list(raw["servers_started"]), dict(raw["pids"]))
    except (OSError, ValueError, KeyError, TypeError):
        return FleetState()


def _save_state(state: FleetState) -> None:
    _state_file().parent.mkdir(parents=True, exist_ok=True)
    _state_file().write_text(json.dumps(asdict(state), indent=2))


WEBHOOK_SECRET_FILE = "stripe-webhook-secret"  # noqa: S105 - a file name, not a secret


def webhook_secret() -> str:
    """The fleet's Stripe webhook signing secret, made at the first ``up``."""
    path = fleet_dir() / WEBHOOK_SECRET_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"whsec_{secrets.token_hex(24)}")
        path.chmod(0o600)
    return path.read_text().strip()


ROUTES_FILE = "routes.json"


def routes() -> dict[str, dict[str, str]]:
    """Variables that replace a part's own at its next start, by part: its database or
    Stripe reached through a fault-injecting proxy (``agora_tools.chaos_toxic``)."""
    try:
        found = json.loads((fleet_dir() / ROUTES_FILE).read_text())
    except (OSError, ValueError):
        return {}
    return {str(part): {str(k): str(v) for k, v in env.items()} for part, env in found.items()}


def reroute(part: str, variables: dict[str, str] | None) -> None:
    """From ``part``'s next start on, ``variables`` replace its own (None: its own again)."""
    chosen = routes()
    chosen.pop(part, None)
    if variables:
        chosen[part] = variables
    fleet_dir().mkdir(parents=True, exist_ok=True)
    (fleet_dir() / ROUTES_FILE).write_text(json.dumps(chosen, indent=2))


def port(part: str) -> int:
    return int(os.environ.get(f"AGORA_{part.upper()}_PORT", DEFAULT_PORTS[part]))


def part_environment(part: str, postgres: Postgres) -> dict[str, str]:
    """The variables a container of ``part`` would get, and nothing else Agora reads."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AGORA_")}
    env.update(
        {
            "AGORA_ENVIRONMENT": os.environ.get("AGORA_ENVIRONMENT", "development"),
            "AGORA_EVENT_TRANSPORT": "kafka",
            "AGORA_KAFKA_BOOTSTRAP_SERVERS": server("kafka").endpoints()["bootstrap"],
            "AGORA_JWKS_URL": f"http://{HOST}:{port('user')}/.well-known/jwks.json",
            "OTEL_EXPORTER_OTLP_ENDPOINT": server("jaeger").endpoints()["otlp_http"],
            f"AGORA_{part.upper()}_PORT": str(port(part)),
            f"AGORA_{part.upper()}_HOST": HOST,
        }
    )
    if part in SERVICES:
        env[f"AGORA_{part.upper()}_DATABASE_URL"] = postgres.url(f"agora_{part}")
    if part == "payment":
        env["AGORA_PAYMENT_STRIPE_WEBHOOK_SECRET"] = webhook_secret()
        if payment_provider() == "stripe-mock":
            env["AGORA_PAYMENT_PROVIDER"] = "stripe"
            env["AGORA_PAYMENT_STRIPE_API_BASE"] = server("stripe-mock").endpoints()["url"]
            env["AGORA_PAYMENT_STRIPE_API_KEY"] = STRIPE_MOCK_KEY
    # Product images in a directory of the fleet's, which the gateway serves at /media/.
    if part == "catalog":
        env["AGORA_CATALOG_MEDIA_DIR"] = str(fleet_dir() / "media")
        env["AGORA_CATALOG_MEDIA_URL"] = f"http://{HOST}:{port('gateway')}/media"
    if part == "gateway":
        env["AGORA_GATEWAY_MEDIA_DIR"] = str(fleet_dir() / "media")
    if part == "notification":
        # Mail goes to the provisioned SMTP sink, wherever its port was moved.
        host, smtp_port = server("smtp").endpoints()["smtp"].rsplit(":", 1)
        env["AGORA_NOTIFICATION_SMTP_HOST"] = host
        env["AGORA_NOTIFICATION_SMTP_PORT"] = smtp_port
    else:
        for service in SERVICES:
            env[f"AGORA_GATEWAY_{service.upper()}_URL"] = f"http://{HOST}:{port(service)}"
        # Rate-limit counters shared by every gateway replica.
        env["AGORA_GATEWAY_RATE_LIMIT_STORAGE_URL"] = server("redis").endpoints()["url"]
    env.update(routes().get(part, {}))
    return env


def agora_command() -> str:
    """The ``agora`` command of this environment."""
    return str(Path(sys.executable).parent / "agora")


def _alive(pid: int) -> bool:
    """Whether ``pid`` runs; a dead child of ours is reaped, and a zombie (a dead child
    of another process that has not reaped it yet) counts as dead."""
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True  # no procfs: trust the signal
    return stat.rsplit(")", 1)[-1].split()[0] != "Z"


def start_part(part: str, postgres: Postgres, *, migrate: bool = True) -> int:
    """Start ``part`` as ``agora serve`` does in a container; its pid, recorded."""
    env = part_environment(part, postgres)
    if migrate and part in SERVICES:
        subprocess.run([agora_command(), "migrate", part], env=env, check=True)  # noqa: S603
    process = spawn(part, env, f"fleet-{part}.log")
    state = _load_state()
    state.pids[part] = process.pid
    _save_state(state)
    say(f"{part} starting on http://{HOST}:{port(part)} (pid {process.pid})")
    return process.pid


def spawn(part: str, env: dict[str, str], log_name: str) -> subprocess.Popen[bytes]:
    """``agora serve part`` in a session of its own, its output in the fleet's logs."""
    logs = fleet_dir() / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    with (logs / log_name).open("ab") as log:
        return subprocess.Popen(  # noqa: S603
            [agora_command(), "serve", part],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def running(part: str) -> bool:
    """Whether the process last started for ``part`` still runs."""
    pid = _load_state().pids.get(part)
    return pid is not None and _alive(pid)


def ready(part: str) -> bool:
    """Whether ``part`` answers ``/readyz`` with 200 now."""
    return ready_at(f"http://{HOST}:{port(part)}")


def ready_at(url: str) -> bool:
    """Whether the part at ``url`` answers ``/readyz`` with 200 now."""
    try:
        return httpx.get(f"{url}/readyz", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def kill_part(part: str) -> int | None:
    """SIGKILL ``part``, as a crash or the OOM killer would; the pid it had."""
    pid = _load_state().pids.get(part)
    if pid is None or not _alive(pid):
        return None
    os.kill(pid, signal.SIGKILL)
    while _alive(pid):
        time.sleep(0.05)
    return pid


def up() -> int:
    state = _load_state()
    for name in servers():
        try:
            if server(name).up():
                state.servers_started.append(name)
                _save_state(state)
                say(f"{name} started")
        except ProvisionError as exc:
            say(f"{name} failed: {exc}")
            return 1
    postgres = Postgres()
    for part in PARTS:
        pid = _load_state().pids.get(part)
        if pid is not None and _alive(pid):
            say(f"{part} already running (pid {pid})")
            continue
        start_part(part, postgres)
    return 0 if wait_ready() else 1


def restart(part: str, *, kill: bool) -> int:
    pid = _load_state().pids.get(part)
    if pid is not None and _alive(pid):
        if kill:
            kill_part(part)
        else:
            os.kill(pid, signal.SIGTERM)
            deadline = time.monotonic() + 30
            while _alive(pid) and time.monotonic() < deadline:
                time.sleep(0.1)
    start_part(part, Postgres(), migrate=False)
    return 0 if wait_ready((part,)) else 1


def wait_ready(parts: tuple[str, ...] = PARTS) -> bool:
    deadline = time.monotonic() + READY_TIMEOUT
    pending = set(parts)
    while pending and time.monotonic() < deadline:
        for part in sorted(pending):
            if ready(part):
                pending.discard(part)
                say(f"{part} ready")
        time.sleep(0.5)
    if pending:
        say(f"not ready after {READY_TIMEOUT:.0f}s: {', '.join(sorted(pending))}; see the logs")
        return False
    if parts == PARTS:
        say(f"the fleet is ready: gateway on http://{HOST}:{port('gateway')}")
    return True


def down() -> int:
    state = _load_state()
    pids = state.pids
    for part, pid in pids.items():
        if _alive(pid):
            os.kill(pid, signal.SIGTERM)
            say(f"{part} stopping (pid {pid})")
    deadline = time.monotonic() + 30
    while any(_alive(pid) for pid in pids.values()) and time.monotonic() < deadline:
        time.sleep(0.2)
    for part, pid in pids.items():
        if _alive(pid):
            os.kill(pid, signal.SIGKILL)
            say(f"{part} killed after 30s")
    for name in reversed(state.servers_started):
        server(name).down()
        say(f"{name} stopped")
    _save_state(FleetState())
    (fleet_dir() / ROUTES_FILE).unlink(missing_ok=True)
    return 0


def status() -> int:
    pids = _load_state().pids
    for part in PARTS:
        pid = pids.get(part)
        running = pid is not None and _alive(pid)
        print(f"{part:<13} {'running' if running else 'stopped':<8} http://{HOST}:{port(part)}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="agora-fleet", description=__doc__)
    parser.add_argument("action", choices=["up", "down", "status", "restart"])
    parser.add_argument("part", nargs="?", choices=PARTS, help="for restart: the part")
    parser.add_argument("--kill", action="store_true", help="restart: SIGKILL it first")
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore", category=UserWarning, module="platformdirs")
    if args.action == "restart":
        if args.part is None:
            parser.error("restart needs the part to restart")
        return restart(args.part, kill=args.kill)
    actions = {"up": up, "down": down, "status": status}
    return actions[args.action]()


if __name__ == "__main__":
    sys.exit(main())
