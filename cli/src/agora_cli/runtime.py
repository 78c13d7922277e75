"""What the ``agora`` commands run: migrations, one part (``serve``) and the
all-in-one fleet (``run``). Apart from ``agora_cli.main`` so that ``agora --help`` and
the commands that need none of it never import uvicorn, FastAPI, SQLAlchemy or Alembic."""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import json
import logging
import os
import shutil
import signal
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
import uvicorn
from fastapi import FastAPI
from rich.console import Console

from agora_cli.main import PARTS, SERVICES
from agora_cli.second_process import SecondProcess
from agora_kit import heap, migrations
from agora_kit.events.inprocess import InProcessTransport
from agora_kit.logging import configure_logging, log_format
from agora_kit.serving import run_server, server_config
from agora_kit.settings import CommonSettings

if TYPE_CHECKING:
    from agora_kit.embedded_pg import EmbeddedPostgres

EVENTS_DATABASE = "agora_events"
# How `agora run` hands its data directory, address and port to its second process.
_SECOND_PROCESS_ENV = "AGORA_RUN_SECOND_PROCESS"

console = Console(stderr=True)
logger = logging.getLogger("agora.cli")


def _package(part: str) -> str:
    return f"agora_{part}"


def _settings_class(part: str) -> Any:
    return importlib.import_module(f"{_package(part)}.settings").Settings


def _create_app(part: str) -> Any:
    return importlib.import_module(f"{_package(part)}.app").create_app


def _check_part(part: str, allowed: tuple[str, ...]) -> None:
    if part not in allowed:
        raise typer.BadParameter(f"{part!r} is not one of: {', '.join(allowed)}")


class _Server(uvicorn.Server):
    """One of several servers sharing a loop: ``agora run`` handles the signals for all."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def _progress_lines(items: list[str], what: str) -> Iterator[str]:
    """A progress bar in a terminal, plain lines otherwise (CI, logs)."""
    if console.is_terminal:
        from rich.progress import track

        yield from track(items, description=what, console=console)
    else:
        for item in items:
            console.print(f"{what}: {item}")
            yield item


def _migrate(targets: dict[str, str]) -> None:
    for part in _progress_lines(list(targets), "Migrating"):
        migrations.upgrade(_package(part), targets[part])


def migrate_parts(service: str | None) -> None:
    configure_logging(CommonSettings().log_level, json_lines=False)
    parts = SERVICES if service is None else (service,)
    for part in parts:
        _check_part(part, SERVICES)
    _migrate({part: _settings_class(part)().database_url for part in parts})
    console.print(f"[green]Migrated[/green] {', '.join(parts)}")


def serve_part(service: str, host: str | None, port: int | None) -> None:
    _check_part(service, PARTS)
    common = CommonSettings()
    configure_logging(common.log_level, style=log_format(common.log_format, common.log_json))
    settings = _settings_class(service)()
    server = _server(
        _create_app(service)(settings),
        host or settings.host,
        port or settings.port,
        _server_trusted_proxies(service, settings),
    )
    if not run_server(_run_servers([server]), common.event_loop):
        raise typer.Exit(1)


# The web console's build in a checkout (`make console`, ADR 0106); an installed
# package has none, and AGORA_GATEWAY_CONSOLE_DIR names another.
CHECKOUT_CONSOLE = Path(__file__).resolve().parents[3] / "console" / "dist"


def console_dir() -> str:
    """The console build the gateway of `agora run` serves at /console/, if there is one."""
    configured = os.environ.get("AGORA_GATEWAY_CONSOLE_DIR")
    if configured is not None:
        return configured
    return str(CHECKOUT_CONSOLE) if (CHECKOUT_CONSOLE / "index.html").is_file() else ""


def _all_in_one_settings(pg: EmbeddedPostgres, host: str) -> dict[str, Any]:
    overrides: dict[str, Any] = {"events_database_url": pg.local_url(EVENTS_DATABASE)}
    if "AGORA_JWKS_URL" not in os.environ:
        # The user service may have been moved off its default port.
        user_port = _settings_class("user")().port
        overrides["jwks_url"] = f"http://127.0.0.1:{user_port}/.well-known/jwks.json"
    common = CommonSettings(**overrides)
    # All-in-one mode has no SMTP server: mail is written as .eml files in the data
    # directory, beside PostgreSQL's.
    mail_dir = pg.data_dir.parent / "mail"
    # Product images in files beside them too, served by the gateway at /media/.
    media_dir = Path(os.environ.get("AGORA_CATALOG_MEDIA_DIR") or pg.data_dir.parent / "media")
    extra: dict[str, dict[str, Any]] = {
        "notification": {"email_backend": "file", "mail_dir": mail_dir},
        "catalog": {"media_dir": media_dir},
    }
    gateway_port = _settings_class("gateway")().port
    if "AGORA_NOTIFICATION_PUBLIC_API_URL" not in os.environ:
        # Unsubscribe links go through the gateway, wherever it listens.
        extra["notification"]["public_api_url"] = f"http://{host}:{gateway_port}"
    if "AGORA_CATALOG_MEDIA_URL" not in os.environ:
        extra["catalog"]["media_url"] = f"http://{host}:{gateway_port}/media"
    settings: dict[str, Any] = {}
    for part in SERVICES:
        settings[part] = _settings_class(part)(
            database_url=pg.local_url(f"agora_{part}"),
            host=host,
            common=common,
            **extra.get(part, {}),
        )
    gateway_cls = _settings_class("gateway")
    settings["gateway"] = gateway_cls(
        host=host,
        common=common,
        media_dir=str(media_dir),
        console_dir=console_dir(),
        **{f"{part}_url": f"http://127.0.0.1:{settings[part].port}" for part in SERVICES},
    )
    return settings


def _banner(settings: dict[str, Any], pg: EmbeddedPostgres, data_dir: Path) -> None:
    console.print(f"\n[bold]Agora[/bold] is running (all-in-one), data in {data_dir}")
    for part in PARTS:
        s = settings[part]
        url = f"http://{s.host}:{s.port}"
        console.print(f"  {part:<13} {url:<24} docs {url}/docs")
    console.print(f"  {'postgresql':<13} postgresql://postgres@{pg.host}:{pg.port}")
    gateway = settings["gateway"]
    if gateway.console_dir:
        console.print(f"  {'console':<13} http://{gateway.host}:{gateway.port}/console/")
    else:
        console.print(f"  {'console':<13} not built (make console)")
    console.print("Press Ctrl-C to stop.\n")


def _server_trusted_proxies(part: str, settings: Any) -> str:
    """Whose forwarded headers the server applies: the gateway's proxies; for a service
    none, since its app applies the gateway's only with the service credential
    (agora_kit.serving.GatewayForwarded)."""
    return str(settings.trusted_proxies) if part == "gateway" else ""


def _server(application: FastAPI, host: str, port: int, trusted_proxies: str) -> _Server:
    return _Server(server_config(application, host, port, trusted_proxies))


async def _run_servers(servers: list[_Server]) -> bool:
    """Serve until SIGINT or SIGTERM; False when one of them failed to start."""

    def stop(*_: object) -> None:
        for server in servers:
            server.should_exit = True

    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop)
    tasks = [asyncio.create_task(server.serve()) for server in servers]
    # If one part fails to start (a port in use), stop the rest instead of running a
    # fleet with a hole in it.
    while not all(server.started for server in servers):
        if any(task.done() for task in tasks):
            stop()
            break
        await asyncio.sleep(0.05)
    else:
        # Everything start-up built lives as long as the process (ADR 0108).
        heap.settle()
    await asyncio.gather(*tasks, return_exceptions=True)
    return all(server.started for server in servers)


def _servers(
    settings: dict[str, Any], parts: Sequence[str], transport: InProcessTransport
) -> list[_Server]:
    return [
        _server(
            _create_app(part)(settings[part], transport=transport),
            settings[part].host,
            settings[part].port,
            _server_trusted_proxies(part, settings[part]),
        )
        for part in parts
    ]


async def _serve_all(
    settings: dict[str, Any], transport: InProcessTransport, second: SecondProcess | None
) -> bool:
    """Serve this process's parts until stopped; ``second``, when given, is the second
    process, already started, serving the others, to watch over meanwhile."""
    await transport.start()
    parts = [part for part in PARTS if second is None or part not in second.parts]
    try:
        servers = _servers(settings, parts, transport)
        if second is None:
            return await _run_servers(servers)
        supervisor = asyncio.create_task(second.supervise(servers))
        try:
            return await _run_servers(servers) and second.healthy
        finally:
            supervisor.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await supervisor
    finally:
        await transport.close()


def serve_second_process() -> None:
    """``agora run``'s second process (:mod:`agora_cli.second_process`): the parts its
    arguments name, with the settings ``agora run`` computes from the same environment
    and the data directory, address and port it hands over."""
    from agora_kit.embedded_pg import EmbeddedPostgres

    given = json.loads(os.environ[_SECOND_PROCESS_ENV])
    common = CommonSettings()
    configure_logging(common.log_level, style=log_format(common.log_format, common.log_json))
    pg = EmbeddedPostgres(Path(given["data_dir"]) / "postgres", port=given["postgres_port"])
    settings = _all_in_one_settings(pg, given["host"])
    if not run_server(_serve_second(settings, sys.argv[1:]), common.event_loop):
        raise SystemExit(1)


async def _serve_second(settings: dict[str, Any], parts: list[str]) -> bool:
    # The first process trims the log; this one's writes share its server's WAL.
    transport = InProcessTransport.from_settings(
        settings["gateway"].common, trims=False, flushes=False
    )
    # The apps are built meanwhile; their start-up needs the migrated databases.
    servers = _servers(settings, parts, transport)
    if not await asyncio.to_thread(sys.stdin.readline):
        return True  # ``agora run`` ended before its databases were ready
    await transport.start()
    try:
        return await _run_servers(servers)
    finally:
        await transport.close()


def run_all_in_one(
    data_dir: Path, fresh: bool, host: str, postgres_port: int, gateway_process: bool
) -> None:
    # Only here: PostgreSQL's binaries are not needed (nor installed) to serve one part.
    try:
        from agora_kit.embedded_pg import EmbeddedPostgres
    except ModuleNotFoundError as exc:
        console.print(f"agora run needs the embedded extra: agora-cli[embedded] ({exc})")
        raise typer.Exit(code=2) from exc

    common = CommonSettings()
    # At a terminal, readable lines; the gateway's process, on the same terminal, too.
    configure_logging(common.log_level, style=log_format(common.log_format, common.log_json))
    data_dir = data_dir.resolve()
    pg = EmbeddedPostgres(data_dir / "postgres", port=postgres_port)
    if fresh and data_dir.exists():
        pg.stop()
        shutil.rmtree(data_dir)
        console.print(f"Wiped {data_dir}")
    data_dir.mkdir(parents=True, exist_ok=True)
    settings = _all_in_one_settings(pg, host)
    # Started first: its imports and start-up overlap PostgreSQL's and the migrations;
    # its services wait for the word that the databases are migrated.
    second = None
    if gateway_process:
        handed = {"data_dir": str(data_dir), "host": host, "postgres_port": postgres_port}
        second = SecondProcess({**os.environ, _SECOND_PROCESS_ENV: json.dumps(handed)})
        second.start()
    try:
        console.print(f"Starting PostgreSQL on {pg.host}:{pg.port}")
        pg.start()
        for name in (EVENTS_DATABASE, *(f"agora_{part}" for part in SERVICES)):
            pg.ensure_database(name)
        _migrate({part: settings[part].database_url for part in SERVICES})
        if second is not None:
            second.databases_migrated()
        _banner(settings, pg, data_dir)
        # One server holds the log and every outbox: its writes need not wait for the disk.
        transport = InProcessTransport.from_settings(settings["gateway"].common, flushes=False)
        ok = run_server(
            _serve_all(settings, transport, second), settings["gateway"].common.event_loop
        )
    finally:
        if second is not None:
            second.stop()
        console.print("Stopping PostgreSQL")
        pg.stop()
    if not ok:
        console.print("[red]A part of Agora failed to start; see the log above.[/red]")
        raise typer.Exit(1)
    console.print("Agora stopped.")
