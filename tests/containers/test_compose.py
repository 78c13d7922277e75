"""docker-compose.yml run by podman-compose (PyPI's; ADR 0087) with the images `make images`
built: its Agora services as the file defines them (images, commands, read-only root
filesystems, tmpfs, dropped capabilities, no-new-privileges, health checks, the
migrations first), the checkout journey through its gateway.

What compose cannot do here, and this test therefore changes in a copy of the file
(ADR 0087): the public images of PostgreSQL, Kafka, Elasticsearch, Redis, Jaeger,
stripe-mock, Mailpit, Prometheus and Grafana cannot be pulled (no registry), so those
services are left out and the parts use the native servers of tools/infra; those
listen on loopback only, so the parts share the host's network instead of the
compose network (no service names, no fixed gateway address) and their addresses,
ports and databases come from the environment `agora-fleet` gives a part; `build:` is
dropped (the images are built by `make images`, whose base image is an argument
compose does not pass); catalog searches with PostgreSQL (no Elasticsearch image)."""

from __future__ import annotations

import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from agora_kit.testing import skip_or_fail
from agora_kit.testing.fixtures import free_port
from agora_tools import images, journeys, ops
from agora_tools.containers import container_environment, port_environment
from agora_tools.deploy_testing import run, wait_for
from agora_tools.fleet import PARTS
from agora_tools.fleetdb import create_admin
from agora_tools.infra import ProvisionError
from agora_tools.infra.base import HOST, REPO_ROOT
from agora_tools.infra.podman import environment
from agora_tools.infra.postgres import Postgres
from agora_tools.pytest_plugin import (
    KafkaServer,
    PostgresCluster,
    RedisServer,
    SmtpServer,
    _timeout_paused,
)

pytestmark = [pytest.mark.integration, pytest.mark.timeout(900)]


def agora_services(compose: dict[str, Any], postgres: Postgres) -> dict[str, Any]:
    """The file's Agora services (those it builds), on the host's network and the
    native servers."""
    services = {name: dict(s) for name, s in compose["services"].items() if "build" in s}
    for name, service in services.items():
        part = name.removeprefix("migrate-")
        del service["build"]
        service.pop("networks", None)
        service.pop("ports", None)
        service["network_mode"] = "host"
        service["depends_on"] = {
            other: condition
            for other, condition in service.get("depends_on", {}).items()
            if other in services
        }
        env = {**service.get("environment", {}), **container_environment(part, postgres)}
        if part == "catalog":
            env["AGORA_CATALOG_SEARCH_BACKEND"] = "postgres"
            env.pop("AGORA_CATALOG_ELASTICSEARCH_URL", None)
        service["environment"] = env
        if not name.startswith("migrate-"):
            # The image's command listens on every interface; here, loopback is enough.
            service["command"] = ["agora", "serve", part, "--host", HOST]
    return services


def named_volumes(compose: dict[str, Any], services: dict[str, Any]) -> dict[str, Any]:
    """The file's top-level volumes that ``services`` mount by name (the catalog's and
    the gateway's media), as the file declares them: compose refuses a name it lacks."""
    used = {
        str(mount).split(":", 1)[0]
        for service in services.values()
        for mount in service.get("volumes", [])
    }
    declared: dict[str, Any] = compose.get("volumes") or {}
    return {name: declared[name] or {} for name in sorted(used) if name in declared}


@pytest.fixture(scope="module")
def compose_gateway(
    built_images: dict[str, float],
    tmp_path_factory: pytest.TempPathFactory,
    *,
    postgres_cluster: PostgresCluster,
    kafka_server: KafkaServer,
    smtp_server: SmtpServer,
    redis_server: RedisServer,
) -> Iterator[str]:
    try:
        with _timeout_paused():
            compose_bin = ops.podman_compose()
    except ProvisionError as exc:
        skip_or_fail(f"podman-compose could not be installed: {exc}")
    ports = {part: free_port() for part in PARTS}
    work = tmp_path_factory.mktemp("compose")
    project = f"agora-compose-{secrets.token_hex(3)}"
    with pytest.MonkeyPatch.context() as patch:
        for key, value in port_environment(ports).items():
            patch.setenv(key, value)
        patch.setenv("AGORA_FLEET_HOME", str(work))
        patch.setenv("AGORA_FLEET_PAYMENT_PROVIDER", "sandbox")
        compose = yaml.safe_load((REPO_ROOT / "docker-compose.yml").read_text())
        services = agora_services(compose, Postgres())
        derived = {
            "name": project,
            "services": services,
            "volumes": named_volumes(compose, services),
        }
    file = work / "docker-compose.yml"
    file.write_text(yaml.safe_dump(derived, sort_keys=False))
    shutil.copy(REPO_ROOT / "docker-compose.yml", work / "original.yml")
    command: list[str | Path] = [compose_bin, "--no-ansi", "-f", file, "-p", project]
    # The whole environment of compose: none of this process's AGORA_ variables reaches
    # the file's ${AGORA_...} but the images' tag, what built_images built.
    env = {k: v for k, v in environment().items() if not k.startswith("AGORA_")}
    env["AGORA_VERSION"] = images.TAG
    up = run([*command, "up", "-d"], cwd=work, env=env, inherit=False)
    try:
        assert up.returncode == 0, up.stdout[-3000:] + up.stderr[-3000:]
        gateway = f"http://{HOST}:{ports['gateway']}"
        wait_for(lambda: _all_ready(ports), 180, "every part of the compose project ready")
        yield gateway
    finally:
        # -v: the project's named volumes (the catalog's media) go with it.
        down = run([*command, "down", "-v", "-t", "10"], cwd=work, env=env, inherit=False)
        (work / "down.log").write_text(down.stdout + down.stderr)


def _all_ready(ports: dict[str, int]) -> bool:
    for port in ports.values():
        try:
            if httpx.get(f"http://{HOST}:{port}/readyz", timeout=2).status_code != 200:
                return False
        except httpx.HTTPError:
            return False
    return True


def test_the_checkout_journey_through_the_compose_gateway(compose_gateway: str) -> None:
    with httpx.Client(base_url=compose_gateway, timeout=30) as client:
        admin = create_admin()
        journeys.log_in(client, admin)
        buyer, sku = journeys.shop_with_a_product(client, admin)
        journeys.add_to_cart(client, buyer, sku, 1)
        order_id = journeys.check_out(client, buyer, payment_method="pm_card_visa")
        confirmed = journeys.order_in(client, buyer, order_id, "confirmed")
    assert confirmed["id"] == order_id


def test_the_compose_containers_are_read_only_and_without_capabilities(
    compose_gateway: str,
) -> None:
    done = run(
        [
            "podman",
            "ps",
            "--filter",
            "label=io.podman.compose.project",
            "--format",
            "{{.Names}}",
        ],
        env=environment(),
    )
    names = [n for n in done.stdout.split() if n.startswith("agora-compose-")]
    assert len(names) >= len(PARTS), done.stdout
    for name in names:
        inspected = run(
            [
                "podman",
                "inspect",
                "--format",
                "{{.HostConfig.ReadonlyRootfs}} {{.Config.User}}",
                name,
            ],
            env=environment(),
        ).stdout.split()
        assert inspected[0] == "true", (name, inspected)
        status = run(["podman", "exec", name, "cat", "/proc/1/status"], env=environment())
        fields = dict(line.split(":", 1) for line in status.stdout.splitlines() if ":" in line)
        assert fields["CapEff"].strip() == "0000000000000000", name
        assert fields["Uid"].split()[0] == "10001", name
