"""The fleet from its images: every part in a podman container of its own on the
native servers (tests/containers, ADR 0087). Module-scoped, so the containers are gone
before tests/deploy starts its native fleet on the same Kafka consumer groups, and wait
for those groups to drain first (ADR 0120)."""

from __future__ import annotations

import secrets
from collections.abc import Iterator

import pytest

from agora_kit.testing import skip_or_fail
from agora_kit.testing.fixtures import free_port
from agora_tools import images
from agora_tools.containers import ContainerFleet, port_environment
from agora_tools.fleet import PARTS
from agora_tools.infra import ProvisionError
from agora_tools.infra.postgres import Postgres
from agora_tools.kafka_groups import drain_fleet
from agora_tools.pytest_plugin import (
    JaegerServer,
    KafkaServer,
    PostgresCluster,
    RedisServer,
    SmtpServer,
    _timeout_paused,
)


@pytest.fixture(scope="session")
def built_images() -> dict[str, float]:
    """Every part's image (podman's layer cache makes an unchanged tree quick)."""
    try:
        with _timeout_paused():
            return images.build()
    except (ProvisionError, OSError) as exc:
        skip_or_fail(f"the images could not be built: {exc}")
        raise  # unreachable: skip_or_fail raises


@pytest.fixture(scope="module")
def container_fleet(
    built_images: dict[str, float],
    tmp_path_factory: pytest.TempPathFactory,
    *,
    postgres_cluster: PostgresCluster,
    kafka_server: KafkaServer,
    jaeger_server: JaegerServer,
    smtp_server: SmtpServer,
    redis_server: RedisServer,
) -> Iterator[ContainerFleet]:
    """Each part in its container on free ports of the host's network, the services
    migrated first by containers of their images; payments on the sandbox provider."""
    ports = {part: free_port() for part in PARTS}
    fleet = ContainerFleet(prefix=f"agora-test-{secrets.token_hex(3)}", ports=ports)
    with pytest.MonkeyPatch.context() as patch:
        for key, value in port_environment(ports).items():
            patch.setenv(key, value)
        patch.setenv("AGORA_FLEET_HOME", str(tmp_path_factory.mktemp("container-fleet")))
        patch.setenv("AGORA_FLEET_PAYMENT_PROVIDER", "sandbox")
        # Spans leave each part within 0.2 s instead of 5 s.
        patch.setenv("OTEL_BSP_SCHEDULE_DELAY", "200")
        postgres = Postgres()
        try:
            with _timeout_paused():
                fleet.migrate(postgres)
                for part in PARTS:
                    fleet.start(part, postgres)
                fleet.wait_ready()
            yield fleet
            # Its backlog handled here, not by the next fleet on the broker (ADR 0120).
            with _timeout_paused():
                drain_fleet(kafka_server.bootstrap_servers)
        finally:
            fleet.down()
