"""docker-compose.yml, checked without a Docker engine: Docker Compose's own loader
(compose-go: the compose specification's schema, interpolation, references) accepts
it, and every service, port, variable and volume it names exists in the code."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from agora_tools.config_reference import known_variables, settings_class
from agora_tools.deploy_testing import run
from agora_tools.fleet import PARTS, SERVICES
from agora_tools.infra.base import REPO_ROOT

COMPOSE = REPO_ROOT / "docker-compose.yml"


GRAFANA_PASSWORD = "a-grafana-password-from-the-environment"
# The web UIs of the observability and mail tools, which have no login of their own
# (or, for Grafana, a well-known one until changed): loopback unless widened.
EVERY_INTERFACE = "0.0.0.0"  # noqa: S104 - what widening publishes on
LOOPBACK_ONLY = {"jaeger": 16686, "mailpit": 8025, "prometheus": 9090, "grafana": 3000}


@pytest.fixture(scope="module")
def project(compose_check: Path) -> dict[str, Any]:
    done = run([compose_check, COMPOSE], env={"GRAFANA_ADMIN_PASSWORD": GRAFANA_PASSWORD})
    assert done.returncode == 0, done.stderr
    loaded: dict[str, Any] = json.loads(done.stdout)
    return loaded


@pytest.fixture(scope="module")
def services(project: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return project["services"]  # type: ignore[no-any-return]


def default_port(part: str) -> int:
    return int(settings_class(part).model_fields["port"].default)


def port_of(services: dict[str, dict[str, Any]], part: str) -> int:
    env = services[part].get("environment") or {}
    return int(env.get(f"AGORA_{part.upper()}_PORT") or default_port(part))


def test_the_loader_rejects_a_broken_file(compose_check: Path, tmp_path: Path) -> None:
    broken = yaml.safe_load(COMPOSE.read_text())
    broken["services"]["gateway"]["depends_on"]["nowhere"] = {"condition": "service_healthy"}
    (tmp_path / "docker-compose.yml").write_text(yaml.safe_dump(broken))
    assert run([compose_check, tmp_path / "docker-compose.yml"]).returncode != 0
    broken = yaml.safe_load(COMPOSE.read_text())
    broken["services"]["user"]["restrat"] = "always"  # not in the specification
    (tmp_path / "docker-compose.yml").write_text(yaml.safe_dump(broken))
    assert run([compose_check, tmp_path / "docker-compose.yml"]).returncode != 0


def test_every_part_is_built_from_the_dockerfile(services: dict[str, dict[str, Any]]) -> None:
    for part in PARTS:
        build = services[part]["build"]
        assert build["dockerfile"] == "Dockerfile"
        assert build["args"] == {"SERVICE": part}
        assert services[part]["image"].startswith(f"agora-{part}:")
        health = services[part]["healthcheck"]["test"]
        assert health == ["CMD", "python", "/opt/agora/healthcheck.py", "/readyz"]
        assert services[part]["read_only"] is True
        assert services[part]["cap_drop"] == ["ALL"]


def test_the_whole_distributed_stack_is_there(services: dict[str, dict[str, Any]]) -> None:
    images = {name: str(service.get("image", "")) for name, service in services.items()}
    for service in SERVICES:
        assert images[f"postgres-{service}"].startswith("postgres:"), "a PostgreSQL per service"
    assert "controller" in services["kafka"]["environment"]["KAFKA_PROCESS_ROLES"], "KRaft"
    for name, image in {
        "elasticsearch": "elasticsearch:",
        "redis": "redis:",
        "jaeger": "jaegertracing/jaeger:",
        "prometheus": "prom/prometheus:",
        "grafana": "grafana/grafana:",
        "stripe-mock": "stripe/stripe-mock:",
        "mailpit": "axllent/mailpit:",
    }.items():
        assert images[name].startswith(image), name
    for image in images.values():
        assert ":" in image, f"pinned: {image}"
        assert not image.endswith(":latest"), f"pinned: {image}"


def test_migrations_run_to_completion_before_each_service(
    services: dict[str, dict[str, Any]],
) -> None:
    for service in SERVICES:
        migration = services[f"migrate-{service}"]
        assert migration["command"] == ["agora", "migrate", service]
        assert migration["image"] == services[service]["image"]
        assert migration["depends_on"][f"postgres-{service}"]["condition"] == "service_healthy"
        needs = services[service]["depends_on"]
        assert needs[f"migrate-{service}"]["condition"] == "service_completed_successfully"
        assert needs["kafka"]["condition"] == "service_healthy"
    gateway_needs = services["gateway"]["depends_on"]
    for service in SERVICES:
        assert gateway_needs[service]["condition"] == "service_healthy", service


def test_every_agora_variable_is_a_real_setting(services: dict[str, dict[str, Any]]) -> None:
    known = known_variables()
    for name, service in services.items():
        for variable in service.get("environment") or {}:
            if variable.startswith(("AGORA_", "OTEL_")):
                assert variable in known, f"{name}: {variable} is read by no settings class"


def host_port(url: str) -> tuple[str, int]:
    parts = urlsplit(url if "://" in url else f"//{url}")
    assert parts.hostname, url
    assert parts.port, url
    return parts.hostname, parts.port


def test_every_address_points_at_a_service_that_listens_there(
    services: dict[str, dict[str, Any]],
) -> None:
    def expose(name: str) -> set[int]:
        service = services[name]
        ports = {int(port) for port in service.get("expose") or []}
        ports |= {int(port["target"]) for port in service.get("ports") or []}
        if name in PARTS:
            ports.add(port_of(services, name))
        return ports

    known_ports = {"postgres": 5432, "kafka": 9092, "elasticsearch": 9200, "redis": 6379}
    for name, service in services.items():
        for variable, value in (service.get("environment") or {}).items():
            if not variable.startswith(("AGORA_", "OTEL_")) or not re.search(r"://|:\d+$", value):
                continue
            if "localhost" in value:
                continue  # links for the browser, not for containers
            for address in value.split(","):
                host, port = host_port(address.split("?")[0])
                assert host in services, f"{name}: {variable} points at unknown {host}"
                kind = host.split("-")[0]
                listening = expose(host) | ({known_ports[kind]} if kind in known_ports else set())
                assert port in listening, f"{name}: {variable}: {host} does not listen on {port}"


def test_upstreams_and_databases_are_the_right_ones(services: dict[str, dict[str, Any]]) -> None:
    gateway = services["gateway"]["environment"]
    for service in SERVICES:
        assert gateway[f"AGORA_GATEWAY_{service.upper()}_URL"] == (
            f"http://{service}:{port_of(services, service)}"
        )
        url = services[service]["environment"][f"AGORA_{service.upper()}_DATABASE_URL"]
        assert url.startswith("postgresql+asyncpg://")
        assert urlsplit(url).hostname == f"postgres-{service}"
        assert urlsplit(url).path == f"/agora_{service}"
        postgres_env = services[f"postgres-{service}"]["environment"]
        assert postgres_env["POSTGRES_DB"] == f"agora_{service}"
    assert services["user"]["environment"]["AGORA_JWKS_URL"] == (
        f"http://user:{port_of(services, 'user')}/.well-known/jwks.json"
    )
    published = [port["published"] for port in services["gateway"]["ports"]]
    assert published == [str(port_of(services, "gateway"))]


def test_prometheus_scrapes_every_part_where_it_listens(
    services: dict[str, dict[str, Any]],
) -> None:
    config = yaml.safe_load(
        (REPO_ROOT / "deploy" / "observability" / "prometheus" / "prometheus.yml").read_text()
    )
    [agora] = [job for job in config["scrape_configs"] if job["job_name"] == "agora"]
    targets = {t["labels"]["service"]: t["targets"] for t in agora["static_configs"]}
    for part in PARTS:
        assert targets[part] == [f"{part}:{port_of(services, part)}"]


def test_mounted_files_exist_and_volumes_are_declared(project: dict[str, Any]) -> None:
    for name, service in project["services"].items():
        for volume in service.get("volumes") or []:
            if volume["type"] == "bind":
                assert Path(volume["source"]).exists(), f"{name}: {volume['source']}"
                assert volume.get("read_only") is True, f"{name}: bind mounts are read-only"
            else:
                assert volume["source"] in project["volumes"], f"{name}: {volume['source']}"


def test_tool_uis_are_published_on_loopback_unless_widened(
    services: dict[str, dict[str, Any]], compose_check: Path
) -> None:
    for name, port in LOOPBACK_ONLY.items():
        published = [p for p in services[name]["ports"] if p["target"] == port]
        assert [p["host_ip"] for p in published] == ["127.0.0.1"], name
    done = run(
        [compose_check, COMPOSE],
        env={"GRAFANA_ADMIN_PASSWORD": GRAFANA_PASSWORD, "AGORA_PUBLISH_ADDRESS": EVERY_INTERFACE},
    )
    assert done.returncode == 0, done.stderr
    widened = json.loads(done.stdout)["services"]
    for name in LOOPBACK_ONLY:
        assert {p.get("host_ip") for p in widened[name]["ports"]} == {EVERY_INTERFACE}, name


def test_grafana_takes_its_admin_password_from_the_environment(
    services: dict[str, dict[str, Any]], compose_check: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert services["grafana"]["environment"]["GF_SECURITY_ADMIN_PASSWORD"] == GRAFANA_PASSWORD
    monkeypatch.delenv("GRAFANA_ADMIN_PASSWORD", raising=False)
    done = run([compose_check, COMPOSE])
    assert done.returncode != 0
    assert "GRAFANA_ADMIN_PASSWORD" in done.stderr + done.stdout


def test_the_user_service_trusts_the_gateway_alone_for_client_addresses(
    services: dict[str, dict[str, Any]],
) -> None:
    # The sign-in lockouts must count the client the gateway saw, not the gateway.
    gateway_address = services["gateway"]["networks"]["default"]["ipv4_address"]
    assert services["user"]["environment"]["AGORA_USER_TRUSTED_PROXIES"] == gateway_address
    assert services["gateway"]["environment"]["AGORA_GATEWAY_TRUSTED_PROXIES"] == ""


def test_every_part_shares_one_service_credential_from_the_environment(
    services: dict[str, dict[str, Any]], compose_check: Path
) -> None:
    # The gateway shows it to each service (ADR 0055); one value or the parts refuse it.
    tokens = {services[part]["environment"].get("AGORA_SERVICE_TOKEN") for part in PARTS}
    assert len(tokens) == 1
    assert None not in tokens
    chosen = "a-service-credential-from-the-environment-0123456789"
    done = run(
        [compose_check, COMPOSE],
        env={"GRAFANA_ADMIN_PASSWORD": GRAFANA_PASSWORD, "AGORA_SERVICE_TOKEN": chosen},
    )
    assert done.returncode == 0, done.stderr
    chosen_by_part = json.loads(done.stdout)["services"]
    for part in PARTS:
        assert chosen_by_part[part]["environment"]["AGORA_SERVICE_TOKEN"] == chosen, part
