"""The ``agora`` command: ``run`` (all-in-one), ``serve SERVICE`` (one process per
service, what a container runs), ``migrate [SERVICE]`` and the services' own commands.

Only typer and the command declarations load here, so ``agora --help`` answers at once;
what a command runs is imported when it runs (``agora_cli.runtime``)."""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from agora_cli.backup import register as register_backup

SERVICES = ("user", "catalog", "order", "payment", "notification")
PARTS = ("gateway", *SERVICES)

app = typer.Typer(
    help="Agora, the open multi-vendor commerce backend.",
    no_args_is_help=True,
    add_completion=False,
)


def _installed(package: str) -> bool:
    """Whether a service is installed in this image; a service's own import errors
    still surface rather than hiding its commands."""
    return importlib.util.find_spec(package) is not None


# `agora user create-admin|rotate-keys`; the module imports only typer, the service
# itself loads when one of its commands runs.
if _installed("agora_user"):
    app.add_typer(importlib.import_module("agora_user.cli").app, name="user")

# `agora catalog reindex` and `agora seed`, the same way.
_catalog_cli: Any = None
if _installed("agora_catalog") and importlib.util.find_spec("agora_catalog.cli") is not None:
    _catalog_cli = importlib.import_module("agora_catalog.cli")
    app.add_typer(_catalog_cli.app, name="catalog")


# `agora notification preview|redeliver`, the same way.
if _installed("agora_notification") and importlib.util.find_spec("agora_notification.cli"):
    app.add_typer(importlib.import_module("agora_notification.cli").app, name="notification")

register_backup(app)  # `agora backup` and `agora restore`


@app.command()
def migrate(
    service: Annotated[
        str | None, typer.Argument(help="One service; all of them when left out")
    ] = None,
) -> None:
    """Bring service databases to the newest migration, with URLs from the environment."""
    from agora_cli import runtime

    runtime.migrate_parts(service)


@app.command()
def serve(
    service: Annotated[str, typer.Argument(help=f"One of: {', '.join(PARTS)}")],
    host: Annotated[str | None, typer.Option(help="Address to listen on")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on")] = None,
) -> None:
    """Run one service with distributed settings from the environment."""
    from agora_cli import runtime

    runtime.serve_part(service, host, port)


@app.command()
def run(
    data_dir: Annotated[Path, typer.Option(help="Where the data lives between runs")] = Path(
        ".agora"
    ),
    fresh: Annotated[bool, typer.Option(help="Wipe the data directory first")] = False,
    host: Annotated[str, typer.Option(help="Address every part listens on")] = "127.0.0.1",
    postgres_port: Annotated[
        int, typer.Option(envvar="AGORA_POSTGRES_PORT", help="Port of the embedded PostgreSQL")
    ] = 5439,
    gateway_process: Annotated[
        bool,
        typer.Option(
            envvar="AGORA_RUN_GATEWAY_PROCESS",
            help="Run the gateway, notification and payment in a second process (a "
            "second core); --no-gateway-process keeps everything in one",
        ),
    ] = True,
) -> None:
    """Run the gateway and all five services on embedded defaults: user, catalog and
    order in one process, the gateway, notification and payment in a second one (or all
    in one, with --no-gateway-process)."""
    from agora_cli import runtime

    runtime.run_all_in_one(data_dir, fresh, host, postgres_port, gateway_process)


@app.command()
def seed(  # noqa: PLR0917 - the options of `agora seed`
    demo: Annotated[
        bool,
        typer.Option(
            help="Instead: demo accounts (an admin, two vendors, a buyer), coupons and "
            "orders, made through the gateway of a running `agora run`"
        ),
    ] = False,
    gateway: Annotated[str, typer.Option(help="With --demo: the gateway")] = (
        "http://127.0.0.1:8000"
    ),
    data_dir: Annotated[Path, typer.Option(help="The data directory of `agora run`")] = Path(
        ".agora"
    ),
    products: Annotated[
        int, typer.Option(min=1, help="How many products; more for benchmarks")
    ] = 300,
    seed: Annotated[int, typer.Option(help="Random seed: the same seed, the same shop")] = 7,
    append: Annotated[
        bool, typer.Option(help="Add to a catalog that already has products")
    ] = False,
    postgres_port: Annotated[
        int, typer.Option(envvar="AGORA_POSTGRES_PORT", help="Port of the embedded PostgreSQL")
    ] = 5439,
) -> None:
    """Load a demo catalog (stores, products, stock, reviews) for `agora run`; with
    --demo, a shop to click through with accounts whose passwords are printed once."""
    if demo:
        from rich.console import Console

        from agora_cli.demo import DemoFailed, seed_demo

        console = Console()
        try:
            seed_demo(gateway, data_dir.resolve(), postgres_port, console)
        except DemoFailed as exc:
            console.print(f"[red]agora seed --demo: {exc}[/red]")
            raise typer.Exit(1) from exc
        return
    if _catalog_cli is None:
        typer.echo("agora seed: the catalog service is not installed here", err=True)
        raise typer.Exit(2)
    _catalog_cli.seed(
        data_dir=data_dir, products=products, seed=seed, append=append, postgres_port=postgres_port
    )


def main() -> None:  # pragma: no cover - console entry point
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    sys.exit(app())
