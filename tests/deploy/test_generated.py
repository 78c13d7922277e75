"""What `agora-ops generate` writes is committed and up to date: the dashboards, the
configuration reference, the chart's copies of the rules and dashboards and the
kustomize base. A new service, setting or rule fails here until it is regenerated."""

from __future__ import annotations

from pathlib import Path

import pytest

from agora_tools import config_reference, dashboards, k8s_base
from agora_tools.infra.base import REPO_ROOT


def stale(outputs: dict[Path, str]) -> list[str]:
    return [
        str(path.relative_to(REPO_ROOT))
        for path, text in outputs.items()
        if not path.exists() or path.read_text() != text
    ]


def test_the_dashboards_are_generated_from_the_code() -> None:
    assert stale(dashboards.outputs()) == [], "run `uv run agora-ops generate`"


def test_the_configuration_reference_lists_every_setting() -> None:
    assert stale(config_reference.outputs()) == [], "run `uv run agora-ops generate`"
    text = config_reference.REFERENCE.read_text()
    for setting in config_reference.all_settings():
        assert f"`{setting.variable}`" in text


@pytest.mark.usefixtures("helm")
def test_the_chart_files_and_the_kustomize_base_are_generated_from_the_chart() -> None:
    assert stale(k8s_base.outputs()) == [], "run `uv run agora-ops generate`"
