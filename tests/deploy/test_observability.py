"""Prometheus rules and Grafana dashboards, checked statically: promtool accepts the
configuration and rules and passes their unit tests, every alert links a runbook
that exists, every dashboard is well formed and every part has its own."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from agora_kit.testing import skip_or_fail
from agora_tools.deploy_testing import run
from agora_tools.fleet import PARTS, SERVICES
from agora_tools.infra.base import REPO_ROOT, ProvisionError
from agora_tools.infra.toolchains import ensure_apt_binary

OBSERVABILITY = REPO_ROOT / "deploy" / "observability"
RULES = OBSERVABILITY / "prometheus" / "rules"
RUNBOOKS = REPO_ROOT / "docs" / "operations" / "runbooks"
DASHBOARDS = OBSERVABILITY / "grafana" / "dashboards"


@pytest.fixture(scope="module")
def promtool() -> str:
    try:
        return ensure_apt_binary("promtool", "prometheus")
    except ProvisionError as exc:
        skip_or_fail(f"promtool: {exc}")
        raise


def alerts() -> list[dict[str, Any]]:
    found = []
    for path in sorted(RULES.glob("*.yml")):
        for group in yaml.safe_load(path.read_text())["groups"]:
            found += [rule for rule in group["rules"] if "alert" in rule]
    return found


def test_promtool_accepts_the_rules(promtool: str) -> None:
    done = run([promtool, "check", "rules", *sorted(RULES.glob("*.yml"))])
    assert done.returncode == 0, done.stdout + done.stderr
    assert "SUCCESS" in done.stdout


def test_the_alerts_pass_their_promtool_unit_tests(promtool: str) -> None:
    tests = sorted((OBSERVABILITY / "prometheus" / "tests").glob("*.test.yml"))
    assert tests
    done = run([promtool, "test", "rules", *tests], cwd=tests[0].parent)
    assert done.returncode == 0, done.stdout + done.stderr


def test_every_alert_is_unit_tested() -> None:
    tested = set()
    for path in (OBSERVABILITY / "prometheus" / "tests").glob("*.test.yml"):
        for case in yaml.safe_load(path.read_text())["tests"]:
            tested |= {
                check["alertname"]
                for check in case.get("alert_rule_test", [])
                if check.get("exp_alerts")
            }
    assert {rule["alert"] for rule in alerts()} <= tested


def test_the_compose_prometheus_configuration_is_valid(promtool: str, tmp_path: Path) -> None:
    config = yaml.safe_load((OBSERVABILITY / "prometheus" / "prometheus.yml").read_text())
    # As mounted in docker-compose.yml: the rules beside the configuration.
    shutil.copytree(RULES, tmp_path / "rules")
    config["rule_files"] = [str(tmp_path / "rules" / "*.yml")]
    (tmp_path / "prometheus.yml").write_text(yaml.safe_dump(config))
    done = run([promtool, "check", "config", tmp_path / "prometheus.yml"])
    assert done.returncode == 0, done.stdout + done.stderr
    [agora] = [job for job in config["scrape_configs"] if job["job_name"] == "agora"]
    assert agora["honor_labels"] is True
    scraped = {target["labels"]["service"]: target["targets"] for target in agora["static_configs"]}
    assert set(scraped) == set(PARTS), "every part is scraped"


@pytest.mark.parametrize("rule", alerts(), ids=lambda rule: rule["alert"])
def test_an_alert_says_what_broke_and_links_its_runbook(rule: dict[str, Any]) -> None:
    assert rule["labels"]["severity"] in {"critical", "warning"}
    annotations = rule["annotations"]
    assert annotations["summary"]
    assert annotations["description"]
    url = annotations["runbook_url"]
    assert url.startswith("https://agora.dev/docs/operations/runbooks/"), url
    runbook = REPO_ROOT / url.removeprefix("https://agora.dev/")
    assert runbook.is_file(), f"{rule['alert']}: no runbook at {runbook}"
    assert rule["alert"] in runbook.read_text(), f"{runbook.name} does not name {rule['alert']}"


def test_the_alerts_the_issue_asks_for_exist() -> None:
    names = {rule["alert"] for rule in alerts()}
    assert names >= {
        "AgoraHighErrorRate",
        "AgoraHighLatency",
        "AgoraConsumerLagHigh",
        "AgoraOutboxBacklogGrowing",
        "AgoraEventsDeadLettered",
        "AgoraPaymentFailureRateHigh",
        "AgoraServiceDown",
    }


def test_every_runbook_is_linked_from_the_index() -> None:
    index = (RUNBOOKS / "README.md").read_text()
    for runbook in RUNBOOKS.glob("*.md"):
        if runbook.name != "README.md":
            assert f"({runbook.name})" in index, runbook.name


def boards() -> dict[str, dict[str, Any]]:
    return {path.name: json.loads(path.read_text()) for path in sorted(DASHBOARDS.glob("*.json"))}


def test_there_is_an_overview_events_business_and_one_dashboard_per_part() -> None:
    names = set(boards())
    assert {"fleet-overview.json", "events.json", "business.json"} <= names
    assert {f"service-{part}.json" for part in PARTS} <= names


def test_dashboards_are_provisionable_grafana_json() -> None:
    uids = set()
    for name, board in boards().items():
        assert board["uid"] not in uids, f"{name}: duplicate uid"
        uids.add(board["uid"])
        assert len(board["uid"]) <= 40
        assert "agora" in board["tags"]
        variables = {v["name"]: v for v in board["templating"]["list"]}
        assert variables["datasource"]["type"] == "datasource"
        ids = set()
        for panel in board["panels"]:
            assert panel["id"] not in ids, f"{name}: duplicate panel id"
            ids.add(panel["id"])
            grid = panel["gridPos"]
            assert grid["x"] >= 0, f"{name}: {panel['title']}"
            assert grid["x"] + grid["w"] <= 24, f"{name}: {panel['title']}"
            if panel["type"] == "row":
                continue
            assert panel["datasource"]["uid"] == "${datasource}"
            assert panel["targets"], f"{name}: {panel['title']} has no query"
            for target in panel["targets"]:
                assert target["expr"].strip()


def test_a_service_dashboard_shows_its_own_service_only() -> None:
    for part in PARTS:
        board = boards()[f"service-{part}.json"]
        for panel in board["panels"]:
            for target in panel.get("targets", []):
                services = set(re.findall(r'service="([^"]+)"', target["expr"]))
                assert services == {part}, (part, panel["title"], target["expr"])
        titles = {panel["title"] for panel in board["panels"]}
        assert ("Events" in titles) == (part in SERVICES)


def test_grafana_provisioning_points_at_the_dashboards() -> None:
    provider = yaml.safe_load(
        (OBSERVABILITY / "grafana" / "provisioning" / "dashboards" / "agora.yml").read_text()
    )
    [agora] = provider["providers"]
    compose = yaml.safe_load((REPO_ROOT / "docker-compose.yml").read_text())
    mounts = compose["services"]["grafana"]["volumes"]
    assert f"./deploy/observability/grafana/dashboards:{agora['options']['path']}:ro" in mounts
    sources = yaml.safe_load(
        (OBSERVABILITY / "grafana" / "provisioning" / "datasources" / "agora.yml").read_text()
    )
    assert {source["type"] for source in sources["datasources"]} == {"prometheus", "jaeger"}
