"""What an operator does to a running Agora's databases directly: make the first
admin (``agora user create-admin``), read a table, find a payment's intent at the
provider, find the tables still naming a person. The chaos audit, and the deploy and
end-to-end tests playing operator or Stripe, use it.

``url(name)`` is the fleet's database on the provisioned PostgreSQL, or, inside
``databases_of``, another Agora's (``agora run``'s embedded one); every function also
takes another URL."""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import subprocess
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from agora_tools import fleet, journeys
from agora_tools.infra.postgres import Postgres

# Not scanned for a person (ADR 0112): the inbox holds event ids only, dead letters wait
# for an operator, and the migration version names no one. The outbox is scanned.
NOT_PERSONAL = ("inbox", "dead_letter", "alembic_version")

# Set by ``databases_of``: where the databases are when they are not the fleet's.
_ELSEWHERE: list[Callable[[str], str]] = []


def url(name: str) -> str:
    """The URL of the fleet's database ``name`` (``agora_order``, ...), or within
    ``databases_of`` of the other Agora's."""
    if _ELSEWHERE:
        return _ELSEWHERE[-1](name)
    return Postgres().url(name)


@contextlib.contextmanager
def databases_of(locate: Callable[[str], str]) -> Iterator[None]:
    """``url`` answers ``locate(name)`` meanwhile, in every thread: the chaos audit,
    which reads ``url``, then audits another Agora (``agora run``)."""
    _ELSEWHERE.append(locate)
    try:
        yield
    finally:
        _ELSEWHERE.remove(locate)


async def rows(database_url: str, query: str, **params: Any) -> list[dict[str, Any]]:
    engine = create_async_engine(database_url)
    try:
        async with engine.connect() as connection:
            result = await connection.execute(text(query), params)
            return [dict(row._mapping) for row in result]
    finally:
        await engine.dispose()


async def tables_naming(database_url: str, needles: Sequence[str]) -> list[str]:
    """Every table of the database (but ``NOT_PERSONAL``) with a row holding one of
    ``needles``, the row read whole as text (every column, JSON included): one
    connection, one ``EXISTS`` per table."""
    if not needles:
        raise ValueError("no needle to look for")
    where = " OR ".join(f"t::text ILIKE :n{i}" for i in range(len(needles)))
    params = {f"n{i}": f"%{needle}%" for i, needle in enumerate(needles)}
    engine = create_async_engine(database_url)
    try:
        async with engine.connect() as connection:
            tables = await connection.scalars(
                text(
                    "SELECT table_name FROM information_schema.tables"
                    " WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
                    " ORDER BY table_name"
                )
            )
            found: list[str] = []
            for table in tables.all():
                if table in NOT_PERSONAL:
                    continue
                # The table's name is the catalogue's own; the needles are bound.
                query = f'SELECT EXISTS (SELECT 1 FROM "{table}" t WHERE {where})'  # noqa: S608
                if await connection.scalar(text(query), params):
                    found.append(str(table))
            return found
    finally:
        await engine.dispose()


def create_admin(user_database_url: str | None = None) -> journeys.Customer:
    """A new admin, made as an operator makes the first one; log it in to use it."""
    env = fleet.part_environment("user", Postgres())
    env["AGORA_USER_DATABASE_URL"] = user_database_url or url("agora_user")
    return _create_admin([], env)


def create_admin_in_run(data_dir: Path, env: dict[str, str]) -> journeys.Customer:
    """The same, in the database of ``agora run --data-dir data_dir``."""
    return _create_admin(["--data-dir", str(data_dir)], env)


def _create_admin(arguments: list[str], env: dict[str, str]) -> journeys.Customer:
    email = f"admin-{secrets.token_hex(6)}@example.com"
    done = subprocess.run(  # noqa: S603 - our own CLI
        [
            str(Path(sys.executable).parent / "agora"),
            *("user", "create-admin", "--email", email, *arguments),
        ],
        env={**env, "AGORA_ADMIN_PASSWORD": journeys.PASSWORD},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if done.returncode != 0:
        raise journeys.JourneyFailed(f"create-admin: {done.stderr}{done.stdout}")
    return journeys.Customer(email=email, user_id="")


def intent_id(payment_id: str, payment_database_url: str | None = None) -> str:
    """The provider's id of a payment's intent, which Stripe's events name."""
    found = asyncio.run(
        rows(
            payment_database_url or url("agora_payment"),
            "SELECT provider_intent_id FROM payments WHERE id = CAST(:id AS uuid)",
            id=payment_id,
        )
    )
    return str(found[0]["provider_intent_id"])
