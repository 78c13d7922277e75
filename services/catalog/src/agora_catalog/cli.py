"""The catalog's commands, mounted by the ``agora`` command: ``agora catalog reindex``
and ``agora seed``. Heavy imports wait until a command runs."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

app = typer.Typer(help="The catalog service: search index and demo data.", no_args_is_help=True)
console = Console(stderr=True)
logger = logging.getLogger("agora.catalog.cli")

DATABASE = "agora_catalog"

DataDir = Annotated[
    Path | None,
    typer.Option(
        help="The data directory of `agora run` (its embedded PostgreSQL is started or "
        "attached); without it, the settings come from the environment",
    ),
]
PostgresPort = Annotated[
    int, typer.Option(envvar="AGORA_POSTGRES_PORT", help="Port of the embedded PostgreSQL")
]


class Progress:
    """A progress bar in a terminal; plain lines otherwise (CI, logs)."""

    def __init__(self, what: str, total: int) -> None:
        self.what = what
        self.total = total
        self.done = 0
        self._next_line = 0.0
        self._bar: Callable[[int], None] | None = None
        self._stack = contextlib.ExitStack()

    def __enter__(self) -> Progress:
        if console.is_terminal:
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                TextColumn,
                TimeRemainingColumn,
            )
            from rich.progress import Progress as Bar

            bar = self._stack.enter_context(
                Bar(
                    TextColumn("{task.description}"),
                    BarColumn(),
                    MofNCompleteColumn(),
                    TimeRemainingColumn(),
                    console=console,
                )
            )
            task = bar.add_task(self.what, total=self.total or None)
            self._bar = lambda n: bar.advance(task, n)
        else:
            console.print(f"{self.what}: 0/{self.total}")
        return self

    def __call__(self, n: int) -> None:
        self.done += n
        if self._bar is not None:
            self._bar(n)
            return
        # A line per tenth of the work, and the last one.
        share = self.done / self.total if self.total else 1.0
        if share >= self._next_line or self.done >= self.total:
            console.print(f"{self.what}: {self.done}/{self.total}")
            self._next_line = share + 0.1

    def __exit__(self, *exc: object) -> None:
        self._stack.close()


def _database_url(
    data_dir: Path | None, postgres_port: int
) -> contextlib.AbstractContextManager[str]:
    """The catalog database: of the embedded server of ``data_dir`` (started, or
    attached when `agora run` already runs it), migrated; or the environment's."""
    from agora_kit.embedded_attach import service_database_url

    return service_database_url(
        data_dir, DATABASE, port=postgres_port, migrate_environment=True, say=console.print
    )


async def _reindex(url: str) -> int:
    from agora_catalog.adapters.search.factory import build_search_backend
    from agora_catalog.service.indexing import Indexer
    from agora_catalog.service.search_documents import count_searchable
    from agora_catalog.settings import Settings
    from agora_kit.db import Database

    settings = Settings(database_url=url)
    database = Database(url, pool_size=4, application_name="agora-catalog-reindex")
    backend = build_search_backend(settings)
    try:
        await backend.start()
        total = await count_searchable(database)
        with Progress(f"Indexing ({backend.name})", total) as progress:
            return await Indexer(backend).rebuild(database, progress)
    finally:
        await backend.close()
        await database.dispose()


@app.command()
def reindex(data_dir: DataDir = None, postgres_port: PostgresPort = 5439) -> None:
    """Rebuild the search index from the catalog (searches switch to it when complete)."""
    from agora_kit.logging import configure_logging
    from agora_kit.settings import CommonSettings

    configure_logging(CommonSettings().log_level, json_lines=not console.is_terminal)
    with _database_url(data_dir, postgres_port) as url:
        count = asyncio.run(_reindex(url))
    console.print(f"[green]Indexed[/green] {count} products")


async def _seed(url: str, products: int, seed_value: int, append: bool) -> None:
    from agora_catalog.adapters.search.postgres import PostgresSearch
    from agora_catalog.seed import catalog_size, seed_catalog
    from agora_catalog.service.embeddings import embed_pending
    from agora_catalog.service.indexing import Indexer
    from agora_catalog.service.search_documents import count_searchable
    from agora_kit.db import Database
    from agora_kit.events.outbox import Outbox

    database = Database(url, pool_size=4, application_name="agora-seed")
    search = PostgresSearch(url, pool_size=4)
    try:
        existing = await catalog_size(database)
        if existing and not append:
            console.print(
                f"The catalog already holds {existing} products; nothing seeded. Pass "
                "--append to add more, or start over with `agora run --fresh`."
            )
            return
        with Progress("Seeding products", products) as progress:
            report = await seed_catalog(
                database,
                Outbox(source="/agora/catalog"),
                products=products,
                seed=seed_value,
                progress=progress,
            )
        console.print(
            f"[green]Seeded[/green] {report.products} products ({report.variants} SKUs, "
            f"{report.reviews} reviews) from {report.vendors} stores in "
            f"{report.categories} new categories"
        )
        # Search works at once; the events written alongside reach the rest of the
        # fleet (and refresh the same documents) when it runs.
        with Progress("Indexing", await count_searchable(database)) as progress:
            await Indexer(search).rebuild(database, progress)
        # And by meaning (ADR 0123): the vectors the embedding worker would make once
        # the shop runs, made now, so a seeded shop starts as one that ran does.
        with Progress("Embedding", await count_searchable(database)) as progress:
            while done := await embed_pending(database, batch=64):
                progress(done)
    finally:
        await search.close()
        await database.dispose()


def seed(
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
    postgres_port: PostgresPort = 5439,
) -> None:
    """Load a demo catalog (stores, products, stock, reviews) for `agora run`."""
    from agora_kit.logging import configure_logging
    from agora_kit.settings import CommonSettings

    configure_logging(CommonSettings().log_level, json_lines=not console.is_terminal)
    with _database_url(data_dir, postgres_port) as url:
        asyncio.run(_seed(url, products, seed, append))


app.command(name="seed")(seed)


async def _announce(url: str) -> int:
    from agora_catalog.service.products import announce_for_sale
    from agora_kit.db import Database
    from agora_kit.events.outbox import Outbox

    database = Database(url, pool_size=2, application_name="agora-catalog-announce")
    try:
        return await announce_for_sale(database, Outbox(source="/agora/catalog"))
    finally:
        await database.dispose()


@app.command()
def announce(data_dir: DataDir = None, postgres_port: PostgresPort = 5439) -> None:
    """Send every product for sale to the fleet again (`product.announced`), so services
    that started keeping products after they were published learn of them; the running
    catalog's relay sends them."""
    with _database_url(data_dir, postgres_port) as url:
        count = asyncio.run(_announce(url))
    console.print(f"[green]Announced[/green] {count} products")
