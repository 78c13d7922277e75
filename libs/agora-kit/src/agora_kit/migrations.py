"""Alembic, one history per service: each service package holds ``migrations/`` whose
``env.py`` calls :func:`run_env` with the service's metadata.

The database URL is never read from a file; the caller passes it, so the same history
runs against the embedded server, a test database or production.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from alembic import command, context
from alembic.config import Config
from sqlalchemy import MetaData, pool
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from agora_kit.events.tables import metadata as event_metadata


def alembic_config(package: str, url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", f"{package}:migrations")
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    config.set_main_option("version_table", "alembic_version")
    return config


def upgrade(package: str, url: str, revision: str = "head") -> None:
    """Bring a service's database to ``revision``. Synchronous: call it from a thread
    when an event loop is running (``asyncio.to_thread``)."""
    command.upgrade(alembic_config(package, url), revision)


def check(package: str, url: str) -> None:
    """Raise if the models hold changes no migration describes."""
    command.check(alembic_config(package, url))


def _do_run(connection: Connection, metadata: Sequence[MetaData]) -> None:
    context.configure(
        connection=connection,
        target_metadata=list(metadata),
        compare_type=True,
        compare_server_default=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_online(url: str, metadata: Sequence[MetaData]) -> None:
    engine = create_async_engine(url, poolclass=pool.NullPool)
    async with engine.connect() as connection:
        await connection.run_sync(_do_run, metadata)
    await engine.dispose()


def run_env(service_metadata: MetaData, *shared: MetaData) -> None:
    """The body of every service's ``migrations/env.py``. ``shared`` are the chassis'
    tables the service holds beyond the event tables every service has (such as
    :data:`agora_kit.idempotency.metadata`)."""
    metadata = (service_metadata, event_metadata, *shared)
    url = context.config.get_main_option("sqlalchemy.url")
    assert url, "sqlalchemy.url must be set by the caller"
    if context.is_offline_mode():
        context.configure(url=url, target_metadata=list(metadata), literal_binds=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    asyncio.run(_run_online(url, metadata))
