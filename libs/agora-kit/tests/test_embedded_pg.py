"""The embedded server's addresses: loopback TCP for everyone, its Unix socket for
``agora run``'s own clients."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from agora_kit.embedded_pg import EmbeddedPostgres
from agora_kit.testing.fixtures import free_port


@pytest.fixture(scope="module")
def server() -> Iterator[EmbeddedPostgres]:
    # A short path of its own: pytest's temporary directories can be too deep for a
    # socket, which is the other case below.
    data_dir = Path(tempfile.mkdtemp(prefix="agora-pg-"))
    pg = EmbeddedPostgres(data_dir, port=free_port())
    pg.start()
    try:
        yield pg
    finally:
        pg.stop()
        shutil.rmtree(data_dir, ignore_errors=True)


async def address_of(url: str) -> str | None:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            return (await conn.execute(text("SELECT inet_server_addr()::text"))).scalar()
    finally:
        await engine.dispose()


async def test_local_clients_reach_the_server_on_its_unix_socket(server: EmbeddedPostgres) -> None:
    url = server.local_url("postgres")
    assert str(server.pgdata) in url
    # No server address: the connection is not over TCP.
    assert await address_of(url) is None
    assert await address_of(server.url("postgres")) == "127.0.0.1/32"


def test_a_data_directory_too_deep_for_a_socket_gets_the_tcp_address(tmp_path: Path) -> None:
    deep = tmp_path / ("d" * 60) / ("e" * 60)
    pg = EmbeddedPostgres(deep, port=5999)
    assert pg.local_url("agora_order") == pg.url("agora_order")
    assert pg.url("agora_order") == "postgresql+asyncpg://postgres@127.0.0.1:5999/agora_order"


def test_the_socket_directory_is_read_back_whatever_its_characters() -> None:
    # Short enough for a socket wherever the tests run; nothing is made there.
    pg = EmbeddedPostgres(Path("/srv/agora a+b%41&d"), port=5999)
    assert make_url(pg.local_url("agora_order")).query["host"] == str(pg.pgdata)
