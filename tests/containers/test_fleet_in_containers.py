"""The fleet from the images `make images` builds, each part in its own container
(read-only root filesystem, non-root user, no capabilities) on the native PostgreSQL,
Kafka, Redis and Jaeger: the checkout journey through the gateway's container, every
part ready and measured, and one request traced across containers in Jaeger."""

from __future__ import annotations

import secrets

import httpx
import pytest

from agora_tools import journeys
from agora_tools.containers import USER, ContainerFleet
from agora_tools.deploy_testing import wait_for
from agora_tools.fleet import PARTS
from agora_tools.fleetdb import create_admin
from agora_tools.infra.podman import podman_run
from agora_tools.pytest_plugin import JaegerServer

pytestmark = [pytest.mark.integration, pytest.mark.timeout(900)]


def test_every_part_runs_hardened_and_is_ready(container_fleet: ContainerFleet) -> None:
    for part in PARTS:
        container = container_fleet.name(part)
        inspected = podman_run(
            [
                "inspect",
                "--format",
                "{{.Config.User}} {{.HostConfig.ReadonlyRootfs}} {{.HostConfig.CapDrop}}",
                container,
            ]
        ).split(maxsplit=2)
        assert inspected[0] == USER, container
        assert inspected[1] == "true", container
        # Processes run with no capabilities at all, as the image's user.
        status = podman_run(["exec", container, "cat", "/proc/1/status"])
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        assert fields["CapEff"].strip() == "0000000000000000", container
        assert fields["Uid"].split()[0] == "10001", container
        # The root filesystem refuses a write; /tmp (a tmpfs) takes one.
        refused = podman_run(
            ["exec", container, "sh", "-c", "touch /opt/agora/x 2>&1 || echo refused"]
        )
        assert "Read-only file system" in refused, refused
        podman_run(["exec", container, "touch", "/tmp/x"])  # noqa: S108 - its own tmpfs
        answer = httpx.get(f"{container_fleet.url(part)}/readyz", timeout=5)
        assert answer.status_code == 200, (part, answer.text)


def test_every_part_serves_its_metrics(container_fleet: ContainerFleet) -> None:
    httpx.get(f"{container_fleet.gateway}/api/v1/products", timeout=10)
    for part in PARTS:
        answer = httpx.get(f"{container_fleet.url(part)}/metrics", timeout=5)
        assert answer.status_code == 200, part
        assert "agora_http_requests_total" in answer.text, part
    gateway = httpx.get(f"{container_fleet.gateway}/metrics", timeout=5).text
    assert 'service="gateway"' in gateway


def test_the_checkout_journey_through_the_gateway_container(
    container_fleet: ContainerFleet, jaeger_server: JaegerServer
) -> None:
    with httpx.Client(base_url=container_fleet.gateway, timeout=30) as client:
        admin = create_admin()
        journeys.log_in(client, admin)
        buyer, sku = journeys.shop_with_a_product(client, admin)

        trace_id = secrets.token_hex(16)
        traced = {"traceparent": f"00-{trace_id}-{secrets.token_hex(8)}-01"}
        journeys.add_to_cart(client, buyer, sku, 2, headers=traced)
        # The sandbox provider confirms the card at once: the order is paid for.
        order_id = journeys.check_out(client, buyer, headers=traced, payment_method="pm_card_visa")
        confirmed = journeys.order_in(client, buyer, order_id, "confirmed", headers=traced)
        assert confirmed["id"] == order_id

    # One trace: the gateway's container, the order's, and across Kafka the catalog's
    # and the payment's.
    wanted = {"agora-gateway", "agora-order", "agora-catalog", "agora-payment"}

    def services_in_trace() -> set[str] | None:
        answer = httpx.get(f"{jaeger_server.query_url}/api/traces/{trace_id}", timeout=10)
        if answer.status_code != 200 or not answer.json().get("data"):
            return None
        [trace] = answer.json()["data"]
        found = {str(p["serviceName"]) for p in trace["processes"].values()}
        return found if wanted <= found else None

    assert wanted <= wait_for(services_in_trace, 60, f"trace {trace_id} across {wanted}")
