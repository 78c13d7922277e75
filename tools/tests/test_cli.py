"""The agora-infra command: idempotent `up`, honest `status`, a clear failure for an
unknown name."""

from __future__ import annotations

import time

import pytest

from agora_tools.infra import SERVERS, server
from agora_tools.infra.cli import main
from agora_tools.pytest_plugin import RedisServer, _timeout_paused


def test_every_server_has_a_fixture() -> None:
    import agora_tools.pytest_plugin as plugin

    fixtures = {name for name in dir(plugin) if name.endswith(("_server", "_cluster"))}
    expected = {
        "postgres": "postgres_cluster",
        "stripe-mock": "stripe_mock_server",
        "smtp": "smtp_server",
    }
    assert {expected.get(name, f"{name}_server") for name in SERVERS} <= fixtures


def test_unknown_server_fails_with_its_name(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["status", "mongodb"]) == 1
    assert "unknown server 'mongodb'" in capsys.readouterr().err


@pytest.mark.integration
def test_up_leaves_a_running_server_alone(
    redis_server: RedisServer, capsys: pytest.CaptureFixture[str]
) -> None:
    redis = server("redis")

    assert redis.up() is False  # already answering: nothing started
    assert main(["status", "redis"]) == 0
    assert capsys.readouterr().out.startswith("redis: running")
    assert redis.ready()


@pytest.mark.timeout(1)
def test_provisioning_time_does_not_count_against_the_test_timeout() -> None:
    # A first download or Go build runs inside a fixture; pytest-timeout must not kill it.
    with _timeout_paused():
        time.sleep(1.5)
