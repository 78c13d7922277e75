"""``make up`` / ``make down``: the distributed fleet, one process per part, configured
by environment variables only, on the real PostgreSQL and Kafka."""

from __future__ import annotations

import json
import os
import socket
from pathlib import Path

import httpx
import pytest

from agora_kit.testing.fixtures import free_port
from agora_tools.deploy_testing import fleet_command
from agora_tools.pytest_plugin import JaegerServer, KafkaServer, PostgresCluster

PARTS = ["gateway", "user", "catalog", "order", "payment", "notification"]


@pytest.mark.timeout(600)
def test_up_brings_every_part_to_ready_and_down_stops_them(
    tmp_path: Path,
    postgres_cluster: PostgresCluster,
    kafka_server: KafkaServer,
    jaeger_server: JaegerServer,
) -> None:
    ports = {part: free_port() for part in PARTS}
    env = {
        **os.environ,
        "AGORA_FLEET_HOME": str(tmp_path / "fleet"),
        **{f"AGORA_{part.upper()}_PORT": str(port) for part, port in ports.items()},
    }
    started = fleet_command("up", env)
    try:
        assert started.returncode == 0, started.stderr[-3000:]
        for part, port in ports.items():
            ready = httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=5)
            assert ready.status_code == 200, (part, ready.text)
            body = ready.json()
            assert body["service"] == part
            if part != "gateway":
                # Its own database, and events on the Kafka broker.
                assert body["checks"] == {"database": "ok", "events": "ok"}
        # The gateway is ready when its rate-limit counters (Redis) answer; it does not
        # cascade its upstreams' readiness (each has its own).
        gateway_ready = httpx.get(f"http://127.0.0.1:{ports['gateway']}/readyz").json()
        assert gateway_ready["checks"] == {"rate_limits": "ok"}
        state = json.loads((tmp_path / "fleet" / "state.json").read_text())
        assert set(state["pids"]) == set(PARTS), "one process per part"
    finally:
        stopped = fleet_command("down", env)
    assert stopped.returncode == 0, stopped.stderr[-3000:]
    for port in ports.values():
        with pytest.raises(httpx.ConnectError):
            httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2)
    for pid in state["pids"].values():
        assert not Path(f"/proc/{pid}").exists() or "Z" in Path(f"/proc/{pid}/stat").read_text()
    # The servers were the fixtures' already: down leaves them running.
    assert state["servers_started"] == []
    assert kafka_admin_answers(kafka_server)


def kafka_admin_answers(kafka: KafkaServer) -> bool:
    host, port = kafka.bootstrap_servers.split(":")
    with socket.create_connection((host, int(port)), timeout=2):
        return True
