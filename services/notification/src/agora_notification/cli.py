"""``agora notification ...``: operator commands of the notification service.

- ``preview TEMPLATE --to FILE [--locale de] [--name NAME]``: render a template with
  sample data and write the mail to FILE: a whole ``.eml`` (open it in any mail
  program), or only the HTML or text part when FILE ends in ``.html`` or ``.txt``.
  Needs no database.
- ``redeliver [--data-dir DIR]``: queue every dead delivery once more.

Only typer and the standard library are imported here: ``agora`` loads this module to
list its commands, and the service's modules load when a command runs.
"""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(
    help="The notification service: template previews, dead deliveries.",
    no_args_is_help=True,
    add_completion=False,
)

DATABASE = "agora_notification"


@app.command()
def preview(
    template: Annotated[str, typer.Argument(help="A template, such as order_confirmed")],
    to: Annotated[Path, typer.Option("--to", help="File to write: .eml, .html or .txt")],
    locale: Annotated[str, typer.Option(help="Locale for dates and money (en, de, pt-BR)")] = "en",
    name: Annotated[str, typer.Option(help="The recipient's name")] = "Ada Lovelace",
    email: Annotated[str, typer.Option(help="The recipient's address")] = "ada@example.com",
) -> None:
    """Render a template with sample data and write the mail to a file."""
    import uuid

    from agora_notification.adapters.email import build_message
    from agora_notification.domain import KINDS, LOCKED
    from agora_notification.samples import SAMPLES
    from agora_notification.service.context import NotificationContext
    from agora_notification.service.notify import Story, render
    from agora_notification.settings import Settings

    if template not in KINDS:
        raise typer.BadParameter(
            f"{template!r} is not one of: {', '.join(sorted(KINDS))}", param_hint="TEMPLATE"
        )
    settings = Settings()
    context = NotificationContext.build(settings, senders={})
    kind = KINDS[template]
    user_id = uuid.uuid4()
    unsubscribe_url = (
        None
        if (kind.category, "email") in LOCKED
        else context.unsubscribe_url(user_id, kind.category, "email")
    )
    story = Story(user_id=user_id, kind=template, dedupe_key="preview", context=SAMPLES[template])
    rendered = render(context, story, name=name, locale=locale, unsubscribe_url=unsubscribe_url)
    suffix = to.suffix.lower()
    if suffix == ".html":
        content = rendered.html
    elif suffix == ".txt":
        content = f"Subject: {rendered.subject}\n\n{rendered.text}"
    else:
        content = build_message(
            settings,
            rendered,
            to=email,
            name=name,
            kind=template,
            notification_id=str(user_id),
            unsubscribe_url=unsubscribe_url,
        )
    to.parent.mkdir(parents=True, exist_ok=True)
    to.write_text(content, encoding="utf-8", newline="")
    typer.echo(f"Wrote {template} ({rendered.subject!r}) to {to}")


def _database_url(
    data_dir: Path | None, postgres_port: int
) -> contextlib.AbstractContextManager[str]:
    from agora_kit.embedded_attach import service_database_url

    return service_database_url(data_dir, DATABASE, port=postgres_port)


async def _requeue(url: str) -> int:
    from datetime import UTC, datetime

    from agora_kit.db import Database
    from agora_notification.repository import deliveries as delivery_repo

    database = Database(url, pool_size=2, application_name="agora-notification-cli")
    try:
        async with database.transaction() as session:
            return await delivery_repo.requeue_dead(session, datetime.now(UTC))
    finally:
        await database.dispose()


@app.command()
def redeliver(
    data_dir: Annotated[
        Path | None,
        typer.Option(
            help="Data directory of `agora run` (default: AGORA_NOTIFICATION_DATABASE_URL)"
        ),
    ] = None,
    postgres_port: Annotated[
        int, typer.Option(envvar="AGORA_POSTGRES_PORT", help="Port of the embedded PostgreSQL")
    ] = 5439,
) -> None:
    """Queue every dead delivery for one more attempt (after fixing what failed)."""
    with _database_url(data_dir, postgres_port) as url:
        count = asyncio.run(_requeue(url))
    typer.echo(f"Queued {count} dead deliveries again.")
