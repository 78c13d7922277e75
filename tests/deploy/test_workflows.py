"""The CI workflows: actionlint finds nothing, and each does its job: lint and test
with every server required, images for every part, the chart linted and released,
and the end-to-end run on kind."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from agora_tools.deploy_testing import run
from agora_tools.fleet import PARTS
from agora_tools.infra.base import REPO_ROOT

WORKFLOWS = REPO_ROOT / ".github" / "workflows"


def workflow(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((WORKFLOWS / name).read_text())
    return loaded


def steps(flow: dict[str, Any], job: str) -> str:
    return "\n".join(
        str(step.get("run", "")) + str(step.get("uses", "")) for step in flow["jobs"][job]["steps"]
    )


def test_actionlint_finds_nothing(actionlint: Path) -> None:
    done = run([actionlint, "-no-color"], cwd=REPO_ROOT)
    assert done.returncode == 0, done.stdout + done.stderr


def test_every_job_is_bounded_in_time_and_reads_only() -> None:
    for path in WORKFLOWS.glob("*.yml"):
        flow = yaml.safe_load(path.read_text())
        assert flow["permissions"] == {"contents": "read"}, path.name
        for name, job in flow["jobs"].items():
            assert 0 < job["timeout-minutes"] <= 90, f"{path.name}: {name}"


def test_ci_runs_the_readme_test_command_with_every_server_required() -> None:
    assert "bash .ci/run" in steps(workflow("ci.yml"), "lint-and-test")
    assert "AGORA_REQUIRE_INFRA=1" in (REPO_ROOT / ".ci" / "run").read_text()


def test_images_are_built_for_every_part() -> None:
    flow = workflow("images.yml")
    job = flow["jobs"]["image"]
    assert job["strategy"]["matrix"]["part"] == [
        "gateway",
        "user",
        "catalog",
        "order",
        "payment",
        "notification",
    ]
    assert set(job["strategy"]["matrix"]["part"]) == set(PARTS)
    build = next(
        s for s in job["steps"] if str(s.get("uses", "")).startswith("docker/build-push-action")
    )
    assert build["with"]["build-args"] == "SERVICE=${{ matrix.part }}"


def test_the_chart_is_linted_and_released() -> None:
    flow = workflow("chart.yml")
    assert "pytest" in steps(flow, "lint")
    assert "tests/deploy" in steps(flow, "lint")
    release = steps(flow, "release")
    assert "helm package" in release
    assert "helm push" in release


def test_e2e_installs_the_chart_into_kind_and_runs_the_journeys() -> None:
    run_text = steps(workflow("e2e.yml"), "kind")
    assert "helm/kind-action" in run_text
    assert "helm install agora deploy/helm/agora" in run_text
    assert "--wait" in run_text
    assert "helm test agora" in run_text
    assert "agora-ops journeys" in run_text
    for part in PARTS:
        assert part in run_text
