"""What every server shares: where downloads are cached, where a server keeps its state
and its log, how it is started in the background, probed and stopped. How the tools a
server needs are fetched or built (apt, the JDK, Maven, Go) is in
:mod:`agora_tools.infra.toolchains`.

Downloads and builds go to ``$AGORA_INFRA_CACHE`` (default ``~/.cache/agora-infra``),
outside the repository, so a second run takes seconds. Runtime state goes to
``$AGORA_INFRA_HOME`` (default ``<repo>/.agora/infra``): one folder per server, every
log in ``logs/``. Every server listens on 127.0.0.1 only.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import pwd
import signal
import socket
import subprocess
import sys
import time
from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import ClassVar

import httpx

HOST = "127.0.0.1"
# tools/src/agora_tools/infra/base.py -> the repository root
REPO_ROOT = Path(__file__).resolve().parents[4]
# Servers that refuse to run as root (Elasticsearch) run as this system user.
SERVICE_USER = "agora-infra"


class ProvisionError(RuntimeError):
    """A server could not be fetched, built or started; the message says why."""


def cache_dir() -> Path:
    return Path(os.environ.get("AGORA_INFRA_CACHE") or Path.home() / ".cache" / "agora-infra")


def home_dir() -> Path:
    return Path(os.environ.get("AGORA_INFRA_HOME") or REPO_ROOT / ".agora" / "infra")


def env_port(name: str, default: int) -> int:
    """``AGORA_INFRA_<NAME>_PORT`` or the default, so two checkouts can run side by side."""
    return int(os.environ.get(f"AGORA_INFRA_{name}_PORT", default))


def say(message: str) -> None:
    # Plain lines on stderr: readable in a terminal and in CI logs alike.
    print(f"agora-infra: {message}", file=sys.stderr, flush=True)


def run(
    args: list[str],
    *,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float = 1800,
    user: str | None = None,
) -> str:
    """Run a command to completion; on failure raise with the end of its output."""
    try:
        result = subprocess.run(  # noqa: S603 - fixed tools, no shell
            args,
            cwd=cwd,
            env=dict(env) if env is not None else None,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
            user=user,
        )
    except FileNotFoundError as exc:
        raise ProvisionError(f"{args[0]} is not installed") from exc
    except subprocess.TimeoutExpired as exc:
        raise ProvisionError(f"{' '.join(args[:3])} ... timed out after {timeout:.0f}s") from exc
    if result.returncode != 0:
        output = (result.stderr.strip() + "\n" + result.stdout.strip()).strip()
        tail = "\n".join(output.splitlines()[-25:])
        raise ProvisionError(f"{' '.join(args[:4])} ... failed ({result.returncode}):\n{tail}")
    return result.stdout


def port_open(port: int, host: str = HOST, timeout: float = 0.5) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def http_ok(url: str, *, headers: Mapping[str, str] | None = None, timeout: float = 2.0) -> bool:
    try:
        return httpx.get(url, headers=headers, timeout=timeout).status_code == 200
    except httpx.HTTPError:
        return False


@contextlib.contextmanager
def file_lock(path: Path) -> Iterator[None]:
    """Serialise provisioning of one server across processes (two pytest sessions, or a
    CLI call during a test run) so they never start it twice."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def ensure_service_user() -> str:
    """A system user for servers that refuse root; created once."""
    try:
        pwd.getpwnam(SERVICE_USER)
    except KeyError:
        run(
            [
                "useradd",
                "--system",
                "--no-create-home",
                "--shell",
                "/usr/sbin/nologin",
                SERVICE_USER,
            ]
        )
    return SERVICE_USER


def chown_tree(path: Path, user: str) -> None:
    entry = pwd.getpwnam(user)
    for item in [path, *path.rglob("*")]:
        os.lchown(item, entry.pw_uid, entry.pw_gid)


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    # A zombie has exited; it only waits for its parent to reap it.
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def _leads_session(pid: int) -> bool:
    # Servers are started as session leaders; a recycled pid almost never is one.
    try:
        return os.getsid(pid) == pid
    except OSError:
        return False


# Processes this Python process started, so stopping them also reaps them.
_children: dict[int, subprocess.Popen[bytes]] = {}


class Server(ABC):
    """One server: subclasses say how to install, configure, start and probe it."""

    name: ClassVar[str]
    version: ClassVar[str] = ""
    # Seconds to wait for readiness after the process started.
    start_timeout: ClassVar[float] = 120.0

    def __init__(self) -> None:
        self.cache = cache_dir() / self.name
        self.home = home_dir() / self.name
        self.log_file = home_dir() / "logs" / f"{self.name}.log"
        self.pid_file = self.home / "pid"

    # What a subclass provides.

    @abstractmethod
    def install(self) -> None:
        """Fetch or build what the server needs, once; quick when already cached."""

    @abstractmethod
    def command(self) -> list[str]:
        """The foreground command that runs the server."""

    @abstractmethod
    def ready(self) -> bool:
        """Whether the server answers its own protocol."""

    @abstractmethod
    def endpoints(self) -> dict[str, str]:
        """Where it listens, for ``status`` and for the fixtures."""

    def prepare(self) -> None:
        """Write configuration and initialise data before a start."""
        return  # most servers take their settings on the command line

    def environment(self) -> dict[str, str]:
        return dict(os.environ)

    def run_as(self) -> str | None:
        return None

    # The shared lifecycle.

    def pid(self) -> int | None:
        """The pid of the server this tool started, if it is still alive."""
        try:
            pid = int(self.pid_file.read_text().strip())
        except (OSError, ValueError):
            return None
        return pid if _alive(pid) and _leads_session(pid) else None

    def up(self) -> bool:
        """Start the server unless it already answers; True when this call started it."""
        with file_lock(home_dir() / "locks" / f"{self.name}.lock"):
            if self.ready():
                return False
            if self.pid() is not None:
                # Ours, but not answering yet (still booting): wait for it.
                self._wait_ready(None)
                return False
            started = time.monotonic()
            self.install()
            self.home.mkdir(parents=True, exist_ok=True)
            self.log_file.parent.mkdir(parents=True, exist_ok=True)
            self.prepare()
            self._spawn()
            self._wait_ready(started)
            return True

    def _spawn(self) -> None:
        command = self.command()
        with self.log_file.open("ab") as log:
            stamp = time.strftime("%Y-%m-%d %H:%M:%S")
            # A Java classpath is thousands of characters: the header names its size.
            shown = " ".join(
                arg if len(arg) < 300 else f"<{arg.count(':') + 1} paths>" for arg in command
            )
            log.write(f"\n=== {stamp} agora-infra starts: {shown}\n".encode())
            log.flush()
            user = self.run_as()
            if user is not None:
                # The server's own user must be able to append to its log.
                os.chown(self.log_file, pwd.getpwnam(user).pw_uid, -1)
            process = subprocess.Popen(  # noqa: S603 - fixed binaries, no shell
                command,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=self.home,
                env=self.environment(),
                user=user,
                # Its own session: Ctrl-C in the caller's terminal does not reach it,
                # and stopping signals its whole process group.
                start_new_session=True,
            )
        _children[process.pid] = process
        self.pid_file.write_text(f"{process.pid}\n")

    def _wait_ready(self, started: float | None) -> None:
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self.ready():
                if started is not None:
                    say(f"{self.name} ready in {time.monotonic() - started:.1f}s")
                return
            if self.pid() is None:
                raise ProvisionError(f"{self.name} exited while starting:\n{self.log_tail()}")
            time.sleep(0.3)
        raise ProvisionError(
            f"{self.name} not ready after {self.start_timeout:.0f}s:\n{self.log_tail()}"
        )

    def down(self) -> bool:
        """Stop the server this tool started; True when there was one to stop."""
        with file_lock(home_dir() / "locks" / f"{self.name}.lock"):
            pid = self.pid()
            if pid is None:
                self.pid_file.unlink(missing_ok=True)
                return False
            self._signal(pid, signal.SIGTERM)
            deadline = time.monotonic() + 30
            while _alive(pid) and time.monotonic() < deadline:
                self._reap(pid)
                time.sleep(0.2)
            if _alive(pid):
                self._signal(pid, signal.SIGKILL)
            self._reap(pid, block=True)
            self.pid_file.unlink(missing_ok=True)
            return True

    @staticmethod
    def _signal(pid: int, sig: signal.Signals) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, sig)

    @staticmethod
    def _reap(pid: int, *, block: bool = False) -> None:
        process = _children.get(pid)
        if process is None:
            return
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=10 if block else 0)
            _children.pop(pid, None)

    def status(self) -> str:
        pid = self.pid()
        answering = self.ready()
        where = " ".join(f"{key}={value}" for key, value in self.endpoints().items())
        label = f"{self.name} {self.version}" if self.version else self.name
        if pid is not None:
            state = "running" if answering else "starting (not answering yet)"
            return f"{label}: {state}, pid {pid}, {where}"
        if answering:
            return f"{label}: running (not started by agora-infra), {where}"
        return f"{label}: stopped"

    def log_tail(self, lines: int = 30) -> str:
        try:
            text = self.log_file.read_text(errors="replace")
        except OSError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])
