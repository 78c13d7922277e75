"""checkov finds no failed check in what we ship: the chart rendered with the default
and production values, the kustomize overlays, the Dockerfile and the CI workflows.
A check the chart does not follow on purpose is skipped on the resource itself, with
the reason (annotations checkov.io/skipN), so every exception is explained in the
chart."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from agora_tools.deploy_testing import Rendered, run
from agora_tools.infra.base import REPO_ROOT


@pytest.fixture(scope="module")
def scanned(
    checkov: Path,
    chart_default: Rendered,
    chart_production: Rendered,
    kustomize_builds: dict[str, Rendered],
    tmp_path_factory: pytest.TempPathFactory,
) -> list[dict[str, Any]]:
    root = tmp_path_factory.mktemp("checkov")
    manifests = root / "manifests"
    manifests.mkdir()
    for rendered in (chart_default, chart_production, *kustomize_builds.values()):
        (manifests / f"{rendered.name.replace('/', '_')}.yaml").write_text(rendered.text)
    shutil.copy(REPO_ROOT / "Dockerfile", root / "Dockerfile")
    shutil.copytree(REPO_ROOT / ".github", root / ".github")
    done = run(
        [
            checkov,
            "--directory",
            root,
            "--framework",
            "kubernetes",
            "dockerfile",
            "github_actions",
            "--skip-download",
            "--quiet",
            "--compact",
            "--output",
            "json",
        ]
    )
    assert done.stdout.strip(), done.stderr[-3000:]
    reports = json.loads(done.stdout)
    return reports if isinstance(reports, list) else [reports]


def test_checkov_finds_no_failed_check(scanned: list[dict[str, Any]]) -> None:
    failed = [
        f"{check['check_id']} {check['check_name']}: {check['resource']} ({check['file_path']})"
        for report in scanned
        for check in report["results"]["failed_checks"]
    ]
    assert failed == []


def test_it_scanned_what_we_ship(scanned: list[dict[str, Any]]) -> None:
    kinds = {report["check_type"]: report["summary"] for report in scanned}
    assert set(kinds) >= {"kubernetes", "dockerfile", "github_actions"}
    assert kinds["kubernetes"]["resource_count"] > 50
    assert kinds["kubernetes"]["passed"] > 1000


def test_every_skipped_check_says_why(scanned: list[dict[str, Any]]) -> None:
    [kubernetes] = [report for report in scanned if report["check_type"] == "kubernetes"]
    assert kubernetes["summary"]["skipped"] > 0, "the chart's skips are read"
    skips = re.findall(
        r"checkov\.io/skip\d+: (\S+?)=(.*)",
        "".join(path.read_text() for path in (REPO_ROOT / "deploy" / "helm").rglob("*.tpl"))
        + "".join(path.read_text() for path in (REPO_ROOT / "deploy" / "helm").rglob("*.yaml")),
    )
    assert skips
    for check, reason in skips:
        assert re.fullmatch(r"CKV2?_K8S_\d+", check), check
        assert len(reason.split()) >= 6, f"{check}: explain it"
