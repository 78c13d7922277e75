"""The gateway under test: served by uvicorn on a loopback port, in front of a fake
upstream (also a real server) that plays every service, the user service's JWKS and
token exchange included."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest

from agora_gateway_testing import (
    FakeUpstream,
    GatewayFactory,
    RunningGateway,
    running_gateway,
    serve,
)


@pytest.fixture
async def fake() -> FakeUpstream:
    return FakeUpstream()


@pytest.fixture
async def upstream_url(fake: FakeUpstream) -> AsyncIterator[str]:
    async with serve(fake.app()) as url:
        yield url


@pytest.fixture
def start_gateway(upstream_url: str) -> GatewayFactory:
    def start(**overrides: Any) -> contextlib.AbstractAsyncContextManager[RunningGateway]:
        return running_gateway(upstream_url, **overrides)

    return start


@pytest.fixture
async def gateway(start_gateway: GatewayFactory) -> AsyncIterator[RunningGateway]:
    async with start_gateway() as running:
        yield running


BENCH = Path(__file__).resolve().parents[1] / "bench"
BenchRun = Callable[..., str]


@pytest.fixture
def run_bench(tmp_path: Path) -> BenchRun:
    """Runs a benchmark of gateway/bench with arguments for a moment's smoke run, its
    report in ``tmp_path``; returns the report. Speed is never asserted."""

    def run(script: str, *arguments: str, env: dict[str, str] | None = None) -> str:
        report = tmp_path / f"{script}.md"
        done = subprocess.run(  # noqa: S603 - our own benchmark
            [sys.executable, str(BENCH / script), *arguments, "--report", str(report)],
            env={**os.environ, **(env or {})},
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
        return report.read_text()

    return run
