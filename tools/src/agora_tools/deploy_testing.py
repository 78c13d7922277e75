"""Helpers the deploy tests share (tests/deploy): running the operations tools and
``agora-fleet`` (which tools/tests uses as well), rendering the chart, reading
manifests, waiting; and ``agora run`` with the checks of its answers that the
end-to-end tests share. In the package, because pytest's importlib mode does not let test
modules import each other."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from agora_kit.testing.fixtures import free_port
from agora_tools import fleet, ops
from agora_tools.infra.base import REPO_ROOT

CHART = ops.CHART
K8S = REPO_ROOT / "deploy" / "k8s"


def run(
    args: list[str | Path],
    *,
    cwd: Path = REPO_ROOT,
    env: dict[str, str] | None = None,
    inherit: bool = True,
) -> subprocess.CompletedProcess[str]:
    """``args`` run to completion, with ``env`` added to this process's environment
    (``inherit``), or as its whole environment."""
    environment = {**os.environ, **(env or {})} if inherit else dict(env or {})
    return subprocess.run(  # noqa: S603 - our own tools
        [str(arg) for arg in args],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


def validate(document: dict[str, Any], kube_version: str) -> None:
    """Kubernetes' own OpenAPI schema for ``kube_version``, strict (unknown fields fail);
    raises kubernetes_validate's ValidationError."""
    import kubernetes_validate  # type: ignore[import-untyped]

    kubernetes_validate.validate(document, kube_version, strict=True)


def documents(text: str) -> list[dict[str, Any]]:
    return [doc for doc in yaml.safe_load_all(text) if doc]


@dataclass
class Rendered:
    name: str
    text: str

    @cached_property
    def docs(self) -> list[dict[str, Any]]:
        return documents(self.text)

    def of_kind(self, kind: str) -> list[dict[str, Any]]:
        return [doc for doc in self.docs if doc["kind"] == kind]


def render(*values: Path, extra: tuple[str, ...] = ()) -> Rendered:
    """The chart rendered with ``values`` (``ops.render_chart``; the tests' ``helm``
    fixture has built the tool, or skipped)."""
    text = ops.render_chart(list(values), extra=extra)
    return Rendered("+".join(p.name for p in values) or "default", text)


@dataclass(frozen=True)
class Fleet:
    ports: dict[str, int]
    env: dict[str, str]

    def url(self, part: str) -> str:
        return f"http://127.0.0.1:{self.ports[part]}"

    @property
    def gateway(self) -> str:
        return self.url("gateway")

    @property
    def webhook_secret(self) -> str:
        """The secret the fleet's payment service checks Stripe's webhooks with."""
        secret = Path(self.env["AGORA_FLEET_HOME"]) / fleet.WEBHOOK_SECRET_FILE
        return secret.read_text().strip()


def fleet_command(action: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """``agora-fleet ACTION`` of this virtualenv, run to completion with ``env`` as its
    whole environment."""
    return subprocess.run(  # noqa: S603
        [str(Path(sys.executable).parent / "agora-fleet"), action],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def wait_for(check: Callable[[], Any], timeout: float, what: str) -> Any:
    """Poll ``check`` until it returns something truthy."""
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        last = check()
        if last:
            return last
        time.sleep(0.5)
    pytest.fail(f"{what}: not within {timeout:.0f}s (last: {last!r})")


def ok(response: httpx.Response, status: int = 200) -> Any:
    """The body of a response that has ``status``."""
    assert response.status_code == status, f"{response.status_code}: {response.text}"
    return response.json()


def get(url: str, **params: str) -> httpx.Response:
    return httpx.get(url, params=params, timeout=10)


ALL_IN_ONE_PARTS = ("gateway", "user", "catalog", "order", "payment", "notification")


class AllInOne:
    """``agora run`` as a newcomer starts it, on free ports (its PostgreSQL's too), its
    output in ``agora-run.log`` beside ``data_dir``."""

    def __init__(self, data_dir: Path, env: dict[str, str] | None = None) -> None:
        self.data_dir = data_dir
        self.ports = {part: free_port() for part in ALL_IN_ONE_PARTS}
        self.pg_port = free_port()
        self.env = {
            **os.environ,
            **{f"AGORA_{part.upper()}_PORT": str(port) for part, port in self.ports.items()},
            "AGORA_POSTGRES_PORT": str(self.pg_port),
            "AGORA_LOG_LEVEL": "WARNING",
            **(env or {}),
        }
        self.process: subprocess.Popen[bytes] | None = None
        self.log = data_dir.parent / "agora-run.log"

    def url(self, part: str) -> str:
        return f"http://127.0.0.1:{self.ports[part]}"

    def database_url(self, name: str) -> str:
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.pg_port}/{name}"

    def launch(self, *extra: str) -> subprocess.Popen[bytes]:
        """Start it without waiting for it to be ready."""
        cli = Path(sys.executable).parent / "agora"
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(  # noqa: S603 - our own CLI
                [str(cli), "run", "--data-dir", str(self.data_dir), *extra],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        return self.process

    def start(self, *extra: str, timeout: float = 120) -> None:
        self.launch(*extra)
        wait_for(self.ready, timeout, f"agora run ready\n{self.tail()}")

    @contextlib.contextmanager
    def running(self, *extra: str, timeout: float = 180) -> Iterator[AllInOne]:
        """Started (``extra``: ``agora run``'s options); on leaving, stopped as Ctrl-C
        would, which must end it cleanly, or killed when the body failed."""
        try:
            self.start(*extra, timeout=timeout)
            yield self
            assert self.stop() == 0, self.tail()
        finally:
            self.kill()

    def ready(self) -> bool:
        """Every part answers ``/readyz`` with 200 (fails if ``agora run`` exited)."""
        assert self.process is not None
        assert self.process.poll() is None, f"agora run exited early:\n{self.tail()}"
        for port in self.ports.values():
            try:
                answer = httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2)
            except httpx.HTTPError:
                return False
            if answer.status_code != 200:
                return False
        return True

    def stop(self) -> int:
        """SIGTERM, as a terminal's Ctrl-C or a service manager would; the exit code."""
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(timeout=60)
        self.process = None
        return code

    def kill(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None

    def tail(self) -> str:
        return self.log.read_text(errors="replace")[-4000:] if self.log.exists() else ""
