"""The distributed fleet in containers: every part of Agora in a podman container of its
own, from the images ``make images`` builds, on the servers ``agora-infra`` runs
natively (PostgreSQL, Kafka, Redis, Jaeger, the SMTP sink), reached over the host's
network. What the container tests run (tests/containers, ADR 0087).

Each container runs as Kubernetes would run it: a read-only root filesystem (a tmpfs
on /tmp), the image's unprivileged user, every capability dropped and no new
privileges. Configuration is the environment ``agora-fleet`` gives a part's process
(:func:`agora_tools.fleet.part_environment`), its ``AGORA_*`` and ``OTEL_*`` variables
only.
"""

from __future__ import annotations

import subprocess
import time
from dataclasses import dataclass, field

import httpx

from agora_tools import images
from agora_tools.fleet import PARTS, SERVICES, part_environment
from agora_tools.infra.base import HOST, ProvisionError
from agora_tools.infra.podman import environment, podman, podman_run
from agora_tools.infra.postgres import Postgres

USER = "10001:10001"
HARDENING = (
    "--read-only",
    "--tmpfs",
    "/tmp",  # noqa: S108 - the container's own tmpfs
    "--user",
    USER,
    "--cap-drop",
    "ALL",
    "--security-opt",
    "no-new-privileges",
    # podman runs HEALTHCHECKs from systemd timers; there is no systemd here, and the
    # fleet is probed over HTTP instead (/readyz).
    "--no-healthcheck",
)
READY_TIMEOUT = 120.0


def container_environment(part: str, postgres: Postgres) -> dict[str, str]:
    """What a container of ``part`` is given: the part's ``AGORA_*`` and ``OTEL_*``
    variables as ``agora-fleet`` computes them from this process's environment."""
    env = part_environment(part, postgres)
    chosen = {k: v for k, v in env.items() if k.startswith(("AGORA_", "OTEL_"))}
    chosen.pop("AGORA_FLEET_HOME", None)
    chosen.pop("AGORA_FLEET_PAYMENT_PROVIDER", None)
    return chosen


def _env_args(env: dict[str, str]) -> list[str]:
    args: list[str] = []
    for key, value in sorted(env.items()):
        args += ["--env", f"{key}={value}"]
    return args


@dataclass
class ContainerFleet:
    """The fleet's containers, named ``<prefix>-<part>``."""

    prefix: str
    ports: dict[str, int]
    tag: str = images.TAG
    started: list[str] = field(default_factory=list)

    def name(self, part: str) -> str:
        return f"{self.prefix}-{part}"

    def url(self, part: str) -> str:
        return f"http://{HOST}:{self.ports[part]}"

    @property
    def gateway(self) -> str:
        return self.url("gateway")

    def migrate(self, postgres: Postgres) -> None:
        """``agora migrate SERVICE`` of every service, each in a container of its image
        run to completion, as the chart's migration Jobs do."""
        for service in SERVICES:
            podman_run(
                [
                    "run",
                    "--rm",
                    "--network",
                    "host",
                    *HARDENING,
                    *_env_args(container_environment(service, postgres)),
                    images.reference(service, self.tag),
                    "agora",
                    "migrate",
                    service,
                ],
                timeout=300,
            )

    def start(self, part: str, postgres: Postgres, *, name: str | None = None) -> str:
        """Start ``part``'s container (named ``name``, default ``<prefix>-<part>``)."""
        container = name or self.name(part)
        podman_run(["rm", "--force", "--ignore", container])
        podman_run(
            [
                "run",
                "--detach",
                "--name",
                container,
                "--network",
                "host",
                *HARDENING,
                "--stop-timeout",
                "30",
                *_env_args(container_environment(part, postgres)),
                images.reference(part, self.tag),
                "agora",
                "serve",
                part,
                "--host",
                HOST,
            ]
        )
        self.started.append(container)
        return container

    def ready(self, part: str) -> bool:
        try:
            return httpx.get(f"{self.url(part)}/readyz", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    def wait_ready(self, parts: tuple[str, ...] = PARTS) -> None:
        deadline = time.monotonic() + READY_TIMEOUT
        pending = set(parts)
        while pending and time.monotonic() < deadline:
            pending -= {part for part in pending if self.ready(part)}
            for part in pending:
                if not running(self.name(part)):
                    raise ProvisionError(f"{part} exited:\n{logs(self.name(part))}")
            time.sleep(0.5)
        if pending:
            tails = "\n".join(f"--- {p}\n{logs(self.name(p))}" for p in sorted(pending))
            raise ProvisionError(f"not ready after {READY_TIMEOUT:.0f}s: {tails}")

    def stop(self, container: str) -> None:
        """SIGTERM, then SIGKILL after the stop timeout, as a kubelet would; removed."""
        podman_run(["stop", "--time", "30", container], timeout=60)
        podman_run(["rm", "--force", "--ignore", container])

    def down(self) -> None:
        for container in reversed(self.started):
            podman_run(["rm", "--force", "--ignore", "--time", "10", container], timeout=60)
        self.started.clear()


def port_environment(ports: dict[str, int]) -> dict[str, str]:
    """The ``AGORA_<PART>_PORT`` variables that place the parts on ``ports``."""
    return {f"AGORA_{part.upper()}_PORT": str(port) for part, port in ports.items()}


def running(container: str) -> bool:
    """Whether ``container`` runs (False for one that exited or does not exist)."""
    state = subprocess.run(  # noqa: S603 - podman, fixed arguments
        [podman(), "inspect", "--format", "{{.State.Running}}", container],
        env=environment(),
        capture_output=True,
        text=True,
        check=False,
    )
    return state.stdout.strip() == "true"


def logs(container: str, lines: int = 60) -> str:
    """The end of ``container``'s output, both streams (for a failure's message)."""
    done = subprocess.run(  # noqa: S603 - podman, fixed arguments
        [podman(), "logs", "--tail", str(lines), container],
        env=environment(),
        capture_output=True,
        text=True,
        check=False,
    )
    return done.stdout + done.stderr
