"""Fixtures of the deploy tests: the operations tools (built or installed once, cached
under ~/.cache/agora-infra, see agora_tools.ops), rendered manifests, and the
distributed fleet running natively for the PromQL and trace tests."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from agora_kit.testing import skip_or_fail
from agora_kit.testing.fixtures import free_port
from agora_tools import ops
from agora_tools.deploy_testing import CHART, K8S, Fleet, Rendered, fleet_command, render, run
from agora_tools.fleet import PARTS
from agora_tools.infra import ProvisionError
from agora_tools.kafka_groups import drain_fleet
from agora_tools.pytest_plugin import (
    JaegerServer,
    KafkaServer,
    PostgresCluster,
    RedisServer,
    SmtpServer,
    StripeMockServer,
    _timeout_paused,
)


def _tool(build: Callable[[], Path]) -> Path:
    try:
        with _timeout_paused():
            return build()
    except (ProvisionError, OSError) as exc:
        skip_or_fail(f"{build.__name__} could not be built or installed: {exc}")
        raise  # unreachable: skip_or_fail raises


@pytest.fixture(scope="session")
def helm() -> Path:
    return _tool(ops.helm)


@pytest.fixture(scope="session")
def kustomize() -> Path:
    return _tool(ops.kustomize)


@pytest.fixture(scope="session")
def actionlint() -> Path:
    return _tool(ops.actionlint)


@pytest.fixture(scope="session")
def compose_check() -> Path:
    return _tool(ops.compose_check)


@pytest.fixture(scope="session")
def checkov() -> Path:
    return _tool(ops.checkov)


@pytest.fixture(scope="session")
def chart_default(helm: Path) -> Rendered:
    return render()


@pytest.fixture(scope="session")
def chart_production(helm: Path) -> Rendered:
    return render(CHART / "values-production.yaml")


@pytest.fixture(scope="session")
def kustomize_builds(kustomize: Path) -> dict[str, Rendered]:
    builds = {}
    for overlay in ("dev", "prod"):
        done = run([kustomize, "build", K8S / "overlays" / overlay])
        assert done.returncode == 0, done.stderr
        builds[overlay] = Rendered(f"kustomize-{overlay}", done.stdout)
    return builds


# ---- the distributed fleet, natively (agora-fleet up), for PromQL and traces ----


@pytest.fixture(scope="session")
def fleet(
    tmp_path_factory: pytest.TempPathFactory,
    *,
    postgres_cluster: PostgresCluster,
    kafka_server: KafkaServer,
    jaeger_server: JaegerServer,
    smtp_server: SmtpServer,
    redis_server: RedisServer,
    stripe_mock_server: StripeMockServer,
) -> Iterator[Fleet]:
    """Every part in its own process (``agora serve``), on Kafka, traces to the Jaeger
    fixture, payments through Stripe's API on stripe-mock, on free ports, exactly as
    ``make up`` runs it (with ``AGORA_FLEET_PAYMENT_PROVIDER=stripe-mock``)."""
    ports = {part: free_port() for part in PARTS}
    env = {
        **os.environ,
        "AGORA_FLEET_HOME": str(tmp_path_factory.mktemp("fleet")),
        "AGORA_FLEET_PAYMENT_PROVIDER": "stripe-mock",
        # Spans leave each process within 0.2 s instead of 5 s.
        "OTEL_BSP_SCHEDULE_DELAY": "200",
        **{f"AGORA_{part.upper()}_PORT": str(port) for part, port in ports.items()},
    }
    started = fleet_command("up", env)
    try:
        if started.returncode != 0:
            logs = Path(env["AGORA_FLEET_HOME"]) / "logs"
            tails = {
                log.name: log.read_text(errors="replace")[-2000:] for log in logs.glob("*.log")
            }
            pytest.fail(f"agora-fleet up failed: {started.stderr[-3000:]}\n{tails}")
        yield Fleet(ports=ports, env=env)
        # Its backlog handled here, not by the next fleet on the broker (ADR 0120).
        with _timeout_paused():
            drain_fleet(kafka_server.bootstrap_servers)
    finally:
        fleet_command("down", env)
