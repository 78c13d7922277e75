"""Helpers the deploy tests share (tests/deploy): running the operations tools,
rendering the chart, reading manifests, waiting. In the package, because pytest's
importlib mode does not let test modules import each other."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from agora_tools import ops
from agora_tools.infra.base import REPO_ROOT

CHART = REPO_ROOT / "deploy" / "helm" / "agora"
K8S = REPO_ROOT / "deploy" / "k8s"


def run(args: list[str | Path], *, cwd: Path = REPO_ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own tools
        [str(arg) for arg in args], cwd=cwd, capture_output=True, text=True, check=False
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


def render(helm: Path, *values: Path, extra: tuple[str, ...] = ()) -> Rendered:
    args: list[str | Path] = [helm, "template", "agora", CHART, "--namespace", "agora"]
    args += ["--kube-version", ops.KUBE_VERSION, *extra]
    for path in values:
        args += ["--values", path]
    done = run(args)
    assert done.returncode == 0, done.stderr
    return Rendered("+".join(p.name for p in values) or "default", done.stdout)


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
        return (Path(self.env["AGORA_FLEET_HOME"]) / "stripe-webhook-secret").read_text().strip()


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


def get(url: str, **params: str) -> httpx.Response:
    return httpx.get(url, params=params, timeout=10)
