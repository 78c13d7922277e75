"""The generated clients (ADR 0093) are what their generators make of the committed
``docs/api/openapi.json``, with pinned generators and no lockfile."""

from __future__ import annotations

import importlib.util
import re
import subprocess
from pathlib import Path

import pytest

from agora_tools import clients, console
from agora_tools.infra.base import REPO_ROOT


@pytest.mark.integration
def test_the_committed_clients_are_what_the_generators_make_of_the_contract() -> None:
    written = clients.outputs()
    stale = [
        str(path.relative_to(REPO_ROOT))
        for path, text in written.items()
        if not path.exists() or path.read_text() != text
    ]
    assert stale == [], "run `uv run agora-ops generate`"
    assert clients.leftovers(written) == [], "run `uv run agora-ops generate`"
    # The operations a developer reaches for, under their contract names.
    assert (clients.PYTHON_PACKAGE / "api" / "orders" / "checkout_create.py").exists()
    assert '"/api/v1/checkout": {' in clients.TYPESCRIPT_SCHEMA.read_text()


def test_npm_packages_are_pinned_exactly_and_no_lockfile_is_committed() -> None:
    versions = clients.npm_versions(clients.TYPESCRIPT)
    assert {"openapi-fetch", "openapi-typescript", "typescript"} <= set(versions)
    assert "httpyac" in clients.npm_versions(clients.HTTP_TOOL)
    assert {"react", "vite", "@tanstack/react-query", "chart.js"} <= set(
        clients.npm_versions(console.CONSOLE)
    )
    for project in (clients.TYPESCRIPT, clients.HTTP_TOOL, console.CONSOLE):
        pinned = clients.npm_versions(project)
        assert [n for n, v in pinned.items() if not re.fullmatch(r"\d+\.\d+\.\d+", v)] == []
        assert "package-lock=false" in (project / ".npmrc").read_text()
    tracked = subprocess.run(
        ["git", "ls-files", "clients", "tools/http", "console"],  # noqa: S607
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert tracked, "the clients are committed"
    assert [t for t in tracked if t.endswith(("package-lock.json", "yarn.lock"))] == []
    assert [t for t in tracked if "node_modules" in t or "/dist/" in t] == []


def test_the_module_size_rule_leaves_the_generated_clients_alone(tmp_path: Path) -> None:
    """ADR 0093: a generated module as long as its generator makes it is no offence; a
    module of Agora's own as long is one."""
    spec = importlib.util.spec_from_file_location(
        "module_sizes", REPO_ROOT / "tools" / "module_sizes.py"
    )
    assert spec is not None
    assert spec.loader is not None
    sizes = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(sizes)
    long = "x = 1\n" * (sizes.LIMIT + 1)
    for module in ("clients/python/agora_client/api/long.py", "cli/src/agora_cli/long.py"):
        (tmp_path / module).parent.mkdir(parents=True)
        (tmp_path / module).write_text(long)
    assert sizes.oversized(tmp_path) == [("cli/src/agora_cli/long.py", sizes.LIMIT + 1)]
