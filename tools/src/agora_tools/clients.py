"""The generated clients of the public API (ADR 0093), written by ``agora-ops generate``
from the committed ``docs/api/openapi.json``:

- ``clients/python/agora_client``: openapi-python-client's package, the generator in a
  virtualenv of its own (its pins are not the workspace's);
- ``clients/typescript/src/schema.d.ts``: openapi-typescript's types, which
  ``openapi-fetch`` (the client's one runtime dependency) checks every call against.

The npm packages are pinned to exact versions in ``clients/typescript/package.json`` and
installed from the npm registry into its ``node_modules`` (git ignores it) without a
lockfile, which would record their download addresses. Node itself comes from the
machine.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

from agora_tools.infra.base import REPO_ROOT, ProvisionError, file_lock, home_dir, run, say

OPENAPI_PYTHON_CLIENT_VERSION = "0.29.1"

CLIENTS = REPO_ROOT / "clients"
PYTHON = CLIENTS / "python"
PYTHON_PACKAGE = PYTHON / "agora_client"
TYPESCRIPT = CLIENTS / "typescript"
TYPESCRIPT_SCHEMA = TYPESCRIPT / "src" / "schema.d.ts"
OPENAPI = REPO_ROOT / "docs" / "api" / "openapi.json"
# The .http collection of the journeys, and httpyac (npm) that sends it.
JOURNEYS = REPO_ROOT / "docs" / "api" / "journeys.http"
HTTP_TOOL = REPO_ROOT / "tools" / "http"

# Formatted by the workspace's ruff (pinned with the rest) with its defaults, not any
# configuration file it might find, so the output is the same wherever it is written.
_PYTHON_CONFIG = """\
project_name_override: agora-client
package_name_override: agora_client
post_hooks:
  - ruff check --isolated --no-cache --select F401,I,UP --fix-only --quiet .
  - ruff format --isolated --no-cache --quiet .
"""
# Whole directories that hold only generated files: a file there that the generator no
# longer writes is stale too.
GENERATED_DIRECTORIES = (PYTHON_PACKAGE,)


def _npm() -> str:
    found = shutil.which("npm")
    if found is None:
        raise ProvisionError("npm is not installed (Debian: apt-get install nodejs npm)")
    return found


def node_modules(project: Path = TYPESCRIPT) -> Path:
    """``project/node_modules`` as its ``package.json`` pins it, installed once per
    change of ``package.json``."""
    manifest = (project / "package.json").read_bytes()
    stamp = project / "node_modules" / ".agora-installed"
    digest = hashlib.sha256(manifest).hexdigest()
    with file_lock(home_dir() / "locks" / f"npm-{project.name}.lock"):
        if stamp.exists() and stamp.read_text() == digest:
            return stamp.parent
        say(f"npm install in {project.relative_to(REPO_ROOT)} (versions pinned in package.json)")
        run(
            [_npm(), "install", "--no-package-lock", "--no-audit", "--no-fund", "--ignore-scripts"],
            cwd=project,
            timeout=600,
        )
        stamp.write_text(digest)
        return stamp.parent


def npm_bin(name: str, project: Path = TYPESCRIPT) -> str:
    return str(node_modules(project) / ".bin" / name)


def journeys_command(gateway: str, admin_email: str, admin_password: str) -> list[str]:
    """httpyac (``tools/http``) sending ``docs/api/journeys.http`` to ``gateway``, stopping
    at the first failed check; run it in ``JOURNEYS.parent``."""
    return [
        npm_bin("httpyac", HTTP_TOOL),
        *("send", str(JOURNEYS), "--all", "--bail", "--output", "short"),
        *("--var", f"gateway={gateway.rstrip('/')}", "--var", f"adminEmail={admin_email}"),
        *("--var", f"adminPassword={admin_password}"),
    ]


def openapi_python_client() -> Path:
    from agora_tools.ops import _venv_tool

    return _venv_tool("openapi-python-client", OPENAPI_PYTHON_CLIENT_VERSION)


def python_outputs() -> dict[Path, str]:
    """Every file of the generated Python package, by its path under ``clients/python``."""
    generator = openapi_python_client()
    with tempfile.TemporaryDirectory(prefix="agora-client-") as scratch:
        root = Path(scratch)
        (root / "config.yaml").write_text(_PYTHON_CONFIG)
        target = root / "agora_client"
        run(
            [
                str(generator),
                "generate",
                *("--path", str(OPENAPI), "--meta", "none", "--config", str(root / "config.yaml")),
                *("--output-path", str(target), "--fail-on-warning"),
            ],
            cwd=root,
            env={
                **os.environ,
                "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
            },
            timeout=300,
        )
        return {
            PYTHON_PACKAGE / file.relative_to(target): file.read_text()
            for file in sorted(target.rglob("*"))
            if file.is_file() and "__pycache__" not in file.parts
        }


def typescript_outputs() -> dict[Path, str]:
    schema = run([npm_bin("openapi-typescript"), str(OPENAPI)], cwd=TYPESCRIPT, timeout=300)
    return {TYPESCRIPT_SCHEMA: schema}


def outputs() -> dict[Path, str]:
    return {**python_outputs(), **typescript_outputs()}


def leftovers(written: dict[Path, str]) -> list[Path]:
    """Files in a generated directory that the generator no longer writes."""
    return sorted(
        file
        for directory in GENERATED_DIRECTORIES
        if directory.exists()
        for file in directory.rglob("*")
        if file.is_file() and "__pycache__" not in file.parts and file not in written
    )


def npm_versions(project: Path) -> dict[str, str]:
    manifest = json.loads((project / "package.json").read_text())
    return {**manifest.get("dependencies", {}), **manifest.get("devDependencies", {})}
