"""The clock of a process really shifted by Debian's libfaketime, as the skew scenario
starts its victim (``agora_tools.chaos_skew``), and measured from outside by the
``Date`` header of its answers."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from agora_kit.testing import skip_or_fail
from agora_kit.testing.fixtures import free_port
from agora_tools.chaos_skew import clock_offset, clock_variables
from agora_tools.infra import ProvisionError
from agora_tools.infra.toolchains import libfaketime

pytestmark = pytest.mark.integration

READ_CLOCKS = (
    "import json, time, datetime; "
    "print(json.dumps([time.time(), datetime.datetime.now(datetime.UTC).timestamp(), "
    "time.monotonic()]))"
)


@pytest.fixture(scope="module")
def library() -> Path:
    try:
        return libfaketime()
    except ProvisionError as exc:
        skip_or_fail(f"libfaketime could not be installed: {exc}")
        raise  # unreachable: skip_or_fail raises


@pytest.mark.parametrize("seconds", [120, -120])
def test_the_wall_clock_of_the_process_is_shifted_and_its_monotonic_clock_is_not(
    library: Path, seconds: int
) -> None:
    env = {"PATH": "/usr/bin:/bin", **clock_variables(seconds, library)}
    before_wall, before_monotonic = time.time(), time.monotonic()
    read = subprocess.run(  # noqa: S603 - this interpreter
        [sys.executable, "-c", READ_CLOCKS], env=env, capture_output=True, text=True, check=True
    )
    wall, now, monotonic = json.loads(read.stdout)
    assert abs(wall - before_wall - seconds) < 5
    assert abs(now - before_wall - seconds) < 5
    # The same monotonic clock as ours: asyncio's timers and timeouts are not moved.
    assert 0 <= monotonic - before_monotonic < 5


@pytest.fixture
def skewed_server(library: Path) -> Iterator[str]:
    """A plain HTTP server whose clock is 2 minutes ahead; its URL."""
    port = free_port()
    server = subprocess.Popen(  # noqa: S603 - this interpreter
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"],
        env={"PATH": "/usr/bin:/bin", **clock_variables(120, library)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd="/",
    )
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                clock_offset(url, samples=1)
                break
            except httpx.HTTPError:
                time.sleep(0.2)
        yield url
    finally:
        server.terminate()
        server.wait(10)


def test_the_offset_of_a_skewed_server_is_read_from_its_date_header(skewed_server: str) -> None:
    assert abs(clock_offset(skewed_server) - 120) <= 2
