"""The Helm chart's own manifests in pods (ADR 0092): `helm template` with
values-podman.yaml and this machine's ports, servers and databases (one per service, made
here), then `podman kube play` of what it renders, changed only where kube play needs it
(agora_tools.kubeplay): the migration Jobs' pods run to completion first, then the
Deployments' pods. Each pod's user, read-only root filesystem, dropped capabilities,
seccomp profile and probes are checked as the runtime applied them; the checkout journey
runs through the gateway's pod; and one service's pod is replaced while 50 checkouts go
through the gateway (the rolling update drill), none of which may fail."""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import httpx
import pytest
import yaml

from agora_kit.testing import skip_or_fail
from agora_kit.testing.fixtures import free_port
from agora_tools import images, journeys, ops
from agora_tools.deploy_testing import CHART, render
from agora_tools.fleet import PARTS, SERVICES
from agora_tools.fleetdb import create_admin
from agora_tools.infra import ProvisionError
from agora_tools.infra.base import HOST
from agora_tools.infra.podman import podman_run, podman_status
from agora_tools.infra.postgres import Postgres
from agora_tools.kafka_groups import drain_fleet
from agora_tools.kubeplay import Document, KubePlay, Translated, pod_spec, translate
from agora_tools.pytest_plugin import KafkaServer, PostgresCluster, SmtpServer, _timeout_paused

pytestmark = [pytest.mark.integration, pytest.mark.timeout(900)]

# The drill replaces this service's pod; its second pod listens on another loopback
# address, on the same port.
DRILL_SERVICE = "order"
DRILL_ADDRESS = "127.0.0.2"
CHECKOUTS = 50
# Shoppers at once; each checks out once at each of the drill's steps, as another
# buyer every time (a buyer may hold 3 unpaid orders, and the saga slows down while
# the order service's consumer group moves).
SHOPPERS = 10


@dataclass
class Chart:
    kube: KubePlay
    release: str
    ports: dict[str, int]
    databases: dict[str, str]
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def gateway(self) -> str:
        return f"http://{HOST}:{self.ports['gateway']}"

    @property
    def translated(self) -> Translated:
        return self.kube.chart

    def deployment(self, part: str) -> Document:
        return self.translated.deployment(f"{self.release}-{part}")

    def container(self, part: str) -> str:
        return self.kube.container(self.deployment(part))


def machine_values(
    release: str,
    ports: dict[str, int],
    databases: dict[str, str],
    *,
    postgres_port: int,
    kafka: KafkaServer,
    smtp: SmtpServer,
) -> dict[str, object]:
    """What values-podman.yaml leaves to the machine: the images' tag (``built_images``
    builds under ``AGORA_IMAGES_TAG``), free ports, the servers' addresses, this run's
    databases."""
    services = {part: {"port": ports[part]} for part in PARTS}
    return {
        "fullnameOverride": release,
        "image": {"tag": images.TAG},
        "postgresql": {"host": HOST, "port": postgres_port, "databases": databases},
        "kafka": {"bootstrapServers": kafka.bootstrap_servers},
        "smtp": {"host": smtp.host, "port": smtp.port},
        "services": services,
    }


@pytest.fixture(scope="module")
def chart(
    built_images: dict[str, float],
    tmp_path_factory: pytest.TempPathFactory,
    *,
    postgres_cluster: PostgresCluster,
    kafka_server: KafkaServer,
    smtp_server: SmtpServer,
) -> Iterator[Chart]:
    try:
        with _timeout_paused():
            ops.helm()  # built here, or the test skips; render runs it
    except ProvisionError as exc:
        skip_or_fail(f"helm could not be built: {exc}")
    release = f"agora-kp-{secrets.token_hex(3)}"
    postgres = Postgres()
    # Each service its own database, made for this run: a user database another fleet
    # used holds signing keys sealed with another secret key than the chart generates.
    databases = {s: f"{release.replace('-', '_')}_{s}" for s in SERVICES}
    for database in databases.values():
        postgres.server.ensure_database(database)
    ports = {part: free_port() for part in PARTS}
    work = tmp_path_factory.mktemp("kube-play")
    values = work / "machine.yaml"
    values.write_text(
        yaml.safe_dump(
            machine_values(
                release,
                ports,
                databases,
                postgres_port=postgres.port,
                kafka=kafka_server,
                smtp=smtp_server,
            )
        )
    )
    rendered = render(CHART / "values-podman.yaml", values)
    (work / "rendered.yaml").write_text(rendered.text)
    kube = KubePlay(translate(rendered.docs), work)
    played = Chart(kube, release, ports, databases)
    try:
        with _timeout_paused():
            started = time.monotonic()
            kube.play()
            for deployment in kube.chart.deployments:
                kube.wait_ready(kube.container(deployment), pod_spec(deployment))
            played.timings["play and ready"] = time.monotonic() - started
        yield played
        # Its backlog handled here (under its own mail token key), not by the next
        # fleet on the broker, which could not open its sealed tokens (ADR 0120).
        with _timeout_paused():
            drain_fleet(kafka_server.bootstrap_servers)
    finally:
        kube.down()
        for database in databases.values():
            postgres.server.drop_database(database)


def test_what_kube_play_cannot_run_is_decided(chart: Chart) -> None:
    dropped = {entry.split("/")[0] for entry in chart.translated.dropped}
    assert {"NetworkPolicy", "ServiceAccount", "Pod"} <= dropped, dropped
    assert len(chart.translated.job_pods) == len(SERVICES)
    assert len(chart.translated.deployments) == len(PARTS)
    assert set(chart.translated.secrets) == {f"{chart.release}-secrets"}


def test_every_pod_runs_as_the_chart_asks(chart: Chart) -> None:
    for part in PARTS:
        container = chart.container(part)
        [spec] = pod_spec(chart.deployment(part))["containers"]
        inspected = podman_run(
            [
                "inspect",
                "--format",
                "{{.Config.User}}|{{.HostConfig.ReadonlyRootfs}}|{{.HostConfig.SecurityOpt}}"
                "|{{.Config.Healthcheck.Interval}}|{{.Config.Healthcheck.Retries}}",
                container,
            ]
        ).strip()
        user, read_only, security, interval, retries = inspected.split("|")
        assert user == "10001:10001", container
        assert read_only == "true", container
        assert "no-new-privileges" in security, container
        # The liveness probe is podman's health check, with the probe's timing.
        liveness = spec["livenessProbe"]
        assert interval == f"{liveness['periodSeconds']}s", (container, interval)
        assert retries == str(liveness["failureThreshold"]), container
        status = podman_run(["exec", container, "cat", "/proc/1/status"])
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        assert fields["CapEff"].strip() == "0000000000000000", container
        assert fields["CapBnd"].strip() == "0000000000000000", container
        assert fields["Uid"].split()[0] == "10001", container
        assert fields["NoNewPrivs"].strip() == "1", container
        assert fields["Seccomp"].strip() == "2", container  # RuntimeDefault: a filter
        refused = podman_run(
            ["exec", container, "sh", "-c", "touch /opt/agora/x 2>&1 || echo refused"]
        )
        assert "Read-only file system" in refused, refused
        podman_run(["exec", container, "touch", "/tmp/x"])  # noqa: S108 - its emptyDir
        # The runtime runs the liveness probe in the container (systemd's timer would).
        assert podman_status(["healthcheck", "run", container]) == 0, container
        health = podman_run(["inspect", "--format", "{{.State.Health.Status}}", container])
        assert health.strip() == "healthy", container


def test_the_checkout_journey_through_the_gateway_pod(chart: Chart) -> None:
    with httpx.Client(base_url=chart.gateway, timeout=30) as client:
        admin = create_admin(Postgres().url(chart.databases["user"]))
        journeys.log_in(client, admin)
        buyer, sku = journeys.shop_with_a_product(client, admin)
        journeys.add_to_cart(client, buyer, sku, 2)
        order_id = journeys.check_out(client, buyer, payment_method="pm_card_visa")
        confirmed = journeys.order_in(client, buyer, order_id, "confirmed")
    assert confirmed["id"] == order_id


@dataclass
class Drill:
    """When each step of the replacement happened, and what the shoppers saw. Each
    buyer's checkouts start at the drill's steps: before anything happens, once the new
    pod is ready, once the name moved, near the end of the old pod's preStop hook (so
    requests are in flight when SIGTERM comes), once the old pod is gone."""

    events: dict[str, float] = field(default_factory=dict)
    gates: list[threading.Event] = field(
        default_factory=lambda: [threading.Event() for _ in range(CHECKOUTS // SHOPPERS)]
    )
    # When each checkout began and ended, its order and its buyer.
    checkouts: list[tuple[float, float, str, journeys.Customer]] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def mark(self, event: str, gate: int | None = None) -> None:
        self.events[event] = time.monotonic()
        if gate is not None:
            self.gates[gate].set()

    def report(self) -> dict[str, float]:
        start = self.events["start"]
        return {event: round(at - start, 1) for event, at in self.events.items()}


def _shop(gateway: str, buyers: list[journeys.Customer], sku: str, drill: Drill) -> None:
    with httpx.Client(base_url=gateway, timeout=30) as client:
        for gate, buyer in zip(drill.gates, buyers, strict=True):
            gate.wait(timeout=120)
            time.sleep(secrets.randbelow(1000) / 1000)
            began = time.monotonic()
            try:
                journeys.add_to_cart(client, buyer, sku, 1)
                order_id = journeys.check_out(client, buyer, payment_method="pm_card_visa")
            except (journeys.JourneyFailed, httpx.HTTPError) as exc:
                with drill.lock:
                    drill.failures.append(f"{began - drill.events['start']:.1f}s: {exc}")
                continue
            with drill.lock:
                drill.checkouts.append((began, time.monotonic(), order_id, buyer))


def test_rolling_update_drill_fails_no_request(chart: Chart) -> None:
    """The order service's pod replaced as a Deployment's rolling update replaces it
    (maxUnavailable 0): a new pod, ready first; the Service's name moved to it; the old
    pod's preStop hook, then SIGTERM, its in-flight requests drained; while 50 checkouts
    go through the gateway. Every request answers, and every order is confirmed."""
    kube = chart.kube
    deployment = chart.deployment(DRILL_SERVICE)
    template_spec = pod_spec(deployment)
    old = chart.container(DRILL_SERVICE)
    with httpx.Client(base_url=chart.gateway, timeout=30) as client:
        admin = create_admin(Postgres().url(chart.databases["user"]))
        journeys.log_in(client, admin)
        vendor = journeys.register(client)
        journeys.log_in(client, vendor)
        journeys.open_store(client, vendor, admin)
        sku = journeys.sell(client, vendor, admin, stock=CHECKOUTS * 2)
        # Signed in at the user service's pod: the gateway allows 10 logins a minute.
        with httpx.Client(base_url=f"http://{HOST}:{chart.ports['user']}", timeout=30) as users:
            buyers = journeys.buyers_for(users, client, [sku], CHECKOUTS)

    drill = Drill()
    drill.mark("start", 0)
    name = f"{chart.release}-{DRILL_SERVICE}"
    with ThreadPoolExecutor(SHOPPERS) as pool:
        shoppers = [
            pool.submit(_shop, chart.gateway, buyers[n::SHOPPERS], sku, drill)
            for n in range(SHOPPERS)
        ]
        replica, replica_spec = kube.start_replica(deployment, f"{name}-next", DRILL_ADDRESS)
        kube.wait_ready(replica, replica_spec)
        drill.mark("replica ready", 1)
        kube.point(chart.container("gateway"), name, DRILL_ADDRESS)
        drill.mark("name moved", 2)
        # The chart's preStop hook sleeps 5 s: a round of checkouts 1 s before its end.
        threading.Timer(4.0, drill.gates[3].set).start()
        hook = kube.pre_stop(old, template_spec)
        drill.mark("SIGTERM")
        drain = kube.stop(old, template_spec)
        drill.mark("old stopped", 4)
        for shopper in shoppers:
            shopper.result()

    report = drill.report()
    assert hook == "done", hook  # the chart's preStop hook ran to its end in the pod
    assert drill.failures == [], (report, drill.failures)
    assert len(drill.checkouts) == CHECKOUTS, report
    # SIGTERM, not the grace period's SIGKILL: the old pod drained and exited by itself.
    exit_code = podman_run(["inspect", "--format", "{{.State.ExitCode}}", old]).strip()
    assert exit_code == "0", (exit_code, drain)
    # Checkouts ran while the old pod was still serving the gateway's kept-alive
    # connections after the name moved (its preStop hook), and after it was gone.
    moved, sigterm = drill.events["name moved"], drill.events["SIGTERM"]
    stopped = drill.events["old stopped"]
    assert any(moved < began < sigterm for began, *_ in drill.checkouts), report
    assert any(began > stopped for began, *_ in drill.checkouts), report
    across = sum(began < sigterm < ended for began, ended, *_ in drill.checkouts)
    # Every order placed on either pod is confirmed by the saga: events kept flowing
    # while the order service's consumer group moved from the old pod to the new one.
    with httpx.Client(base_url=chart.gateway, timeout=30) as client:
        for _, _, order_id, buyer in drill.checkouts:
            journeys.order_in(client, buyer, order_id, "confirmed", timeout=120)
    print(
        f"rolling update drill: {report}; preStop {hook}; SIGTERM to exit {drain:.1f}s;"
        f" {across} checkouts under way at SIGTERM; 0 of {CHECKOUTS} failed; {chart.timings}"
    )
