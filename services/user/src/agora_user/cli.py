"""``agora user ...``: operator commands of the user service.

- ``create-admin --email EMAIL``: the first admin (or admin rights for an existing
  account). The password comes from ``AGORA_ADMIN_PASSWORD`` or a prompt; there is no
  default password.
- ``rotate-keys [--now]``: a new signing key; the old one keeps verifying until the
  tokens it signed have expired.

Both act on the user database of ``AGORA_USER_DATABASE_URL`` or, with ``--data-dir``,
on the embedded PostgreSQL of ``agora run`` in that directory (attached to while
``agora run`` runs, started and stopped around the command otherwise).

Only typer and the standard library are imported here: ``agora`` loads this module
to list its commands, and the service's modules load when a command runs.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from agora_user.service.context import UserContext

T = TypeVar("T")

app = typer.Typer(
    help="The user service: the first admin, signing-key rotation.",
    no_args_is_help=True,
    add_completion=False,
)

DATABASE = "agora_user"

DataDir = Annotated[
    Path | None,
    typer.Option(
        help="Data directory of `agora run`: use its embedded PostgreSQL "
        "(default: AGORA_USER_DATABASE_URL)"
    ),
]
PostgresPort = Annotated[
    int,
    typer.Option(
        envvar="AGORA_POSTGRES_PORT",
        help="Port for the embedded PostgreSQL when this command starts it",
    ),
]


def _database_url(
    data_dir: Path | None, postgres_port: int
) -> contextlib.AbstractContextManager[str]:
    from agora_kit.embedded_attach import service_database_url

    return service_database_url(data_dir, DATABASE, port=postgres_port)


async def _in_transaction(url: str, work: Callable[[UserContext, AsyncSession], Awaitable[T]]) -> T:
    """Run ``work(context, session)`` in one transaction of the user database, with the
    service's settings from the environment (its secret key decrypts the signing keys)."""
    from agora_kit.db import Database
    from agora_kit.events.outbox import Outbox
    from agora_user.service.context import UserContext
    from agora_user.settings import Settings

    database = Database(url, pool_size=2, application_name="agora-user-cli")
    try:
        context = UserContext.build(
            Settings(database_url=url), database, Outbox(source="/agora/user")
        )
        async with database.transaction() as session:
            return await work(context, session)
    finally:
        await database.dispose()


def _fail(message: str) -> typer.Exit:
    typer.secho(message, fg=typer.colors.RED, err=True)
    return typer.Exit(1)


@app.command("create-admin")
def create_admin(
    email: Annotated[str, typer.Option(help="The admin's e-mail address")],
    full_name: Annotated[str, typer.Option(help="The admin's name")] = "Administrator",
    data_dir: DataDir = None,
    postgres_port: PostgresPort = 5439,
) -> None:
    """Create an admin (password from AGORA_ADMIN_PASSWORD or a prompt)."""
    from agora_kit.auth import ROLE_ADMIN, ROLE_CUSTOMER
    from agora_kit.errors import ProblemError
    from agora_user.repository import users as user_repo
    from agora_user.service import accounts, admin
    from agora_user.service.emails import normalise_email

    try:
        address = normalise_email(email)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--email") from None

    with _database_url(data_dir, postgres_port) as url:

        async def promote(context: UserContext, session: AsyncSession) -> bool:
            user = await user_repo.get_by_email(session, address, for_update=True)
            if user is None:
                return False
            await admin.set_roles(context, session, user, {*user.roles, ROLE_ADMIN})
            return True

        if asyncio.run(_in_transaction(url, promote)):
            typer.echo(f"{address} already had an account; it is an admin now.")
            return

        password = os.environ.get("AGORA_ADMIN_PASSWORD") or typer.prompt(
            f"Password for {address}", hide_input=True, confirmation_prompt=True
        )

        async def create(context: UserContext, session: AsyncSession) -> str:
            user = await accounts.register(
                context,
                session,
                email=address,
                password=password,
                full_name=full_name,
                roles=(ROLE_CUSTOMER, ROLE_ADMIN),
                email_verified=True,
            )
            return str(user.id)

        try:
            user_id = asyncio.run(_in_transaction(url, create))
        except ProblemError as exc:
            raise _fail(f"Not created: {exc.detail or exc.title}") from None
    typer.echo(f"Created admin {address} ({user_id}).")


@app.command("announce-roles")
def announce_roles(data_dir: DataDir = None, postgres_port: PostgresPort = 5439) -> None:
    """Send the roles of every vendor and admin to the fleet again (`roles_announced`),
    so services that started keeping roles after they were given learn of them; the
    running user service's relay sends them."""
    from agora_user.service import admin

    with _database_url(data_dir, postgres_port) as url:
        count = asyncio.run(_in_transaction(url, admin.announce_roles))
    typer.echo(f"Announced the roles of {count} account{'' if count == 1 else 's'}.")


@app.command("rotate-keys")
def rotate_keys(
    now: Annotated[
        bool,
        typer.Option(
            "--now",
            help="Sign with the new key at once (after a leak). Without it the key is "
            "published first and signs once every verifier has had time to fetch it.",
        ),
    ] = False,
    data_dir: DataDir = None,
    postgres_port: PostgresPort = 5439,
) -> None:
    """Add a new signing key; tokens of the old one stay valid until they expire."""
    from agora_user.models import SigningKey

    with _database_url(data_dir, postgres_port) as url:

        async def rotate(context: UserContext, session: AsyncSession) -> SigningKey:
            return await context.keys.rotate(session, immediately=now)

        key = asyncio.run(_in_transaction(url, rotate))
    typer.echo(
        f"New signing key {key.kid}: published now, signs from "
        f"{key.activates_at.isoformat(timespec='seconds')}."
    )
