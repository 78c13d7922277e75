"""``agora run``'s second process: the gateway, the notification service and the payment
service, so that the fleet uses two cores instead of one (ADR 0084, ADR 0129).

It is started first: its imports and start-up overlap PostgreSQL's and the
migrations. Its services wait for the word (a line on its standard input) that their
databases are migrated. Restarted when it dies; if it keeps exiting by itself just
after it starts (the gateway's port is taken), the whole run stops, as when any part of
the first process fails to start.
"""

from __future__ import annotations

import asyncio
import ctypes
import logging
import signal
import subprocess
import sys
import time
from collections.abc import Sequence

import uvicorn

logger = logging.getLogger("agora.cli")

# What runs there: the gateway does little work of its own (it waits on the services);
# notification and payment are about a third of a checkout's work in the services'
# loop, none of it in the request that places the order.
PARTS = ("gateway", "notification", "payment")

# How the second process is started: the parts it serves are its arguments.
ENTRY = "from agora_cli.runtime import serve_second_process; serve_second_process()"


def _die_with_parent() -> None:  # pragma: no cover - runs in the forked child
    """Linux: the child gets SIGTERM when ``agora run`` dies, even by SIGKILL."""
    if _LIBC is not None:
        _LIBC.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


_LIBC = ctypes.CDLL(None, use_errno=True) if sys.platform == "linux" else None


class SecondProcess:
    START_ATTEMPTS = 5
    START_SECONDS = 20.0  # an exit by itself sooner than this is a failed start

    def __init__(self, environment: dict[str, str], parts: Sequence[str] = PARTS) -> None:
        self.environment = environment
        self.parts = tuple(parts)
        self.process: subprocess.Popen[bytes] | None = None
        self.healthy = True
        self.started_at = 0.0
        self.migrated = False

    def start(self) -> None:
        self.started_at = time.monotonic()
        self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and entry
            [sys.executable, "-c", ENTRY, *self.parts],
            env=self.environment,
            stdin=subprocess.PIPE,
            preexec_fn=_die_with_parent if _LIBC is not None else None,  # noqa: PLW1509
        )
        if self.migrated:
            self._tell_migrated()

    def databases_migrated(self) -> None:
        """The word its services wait for."""
        self.migrated = True
        self._tell_migrated()

    def _tell_migrated(self) -> None:
        assert self.process is not None
        assert self.process.stdin is not None
        try:
            self.process.stdin.write(b"migrated\n")
            self.process.stdin.flush()
        except OSError:
            pass  # it died meanwhile: ``supervise`` starts it again, and tells it then

    async def supervise(self, servers: Sequence[uvicorn.Server]) -> None:
        failed_starts = 0
        while True:
            await asyncio.sleep(0.2)
            assert self.process is not None
            code = self.process.poll()
            if code is None:
                continue
            if any(server.should_exit for server in servers):
                return  # the run is stopping: the second process stopped with it
            lived = time.monotonic() - self.started_at
            if code >= 0 and lived < self.START_SECONDS:
                # It gave up by itself at start: its port is taken, perhaps for a moment
                # yet by the gateway of a run killed just before this one.
                failed_starts += 1
                if failed_starts >= self.START_ATTEMPTS:
                    logger.error(
                        "the second process (%s) exited at start (code %s); stopping",
                        ", ".join(self.parts),
                        code,
                    )
                    self.healthy = False
                    for server in servers:
                        server.should_exit = True
                    return
            else:
                failed_starts = 0
            logger.error(
                "the second process (%s) exited (code %s); starting it again",
                ", ".join(self.parts),
                code,
            )
            await asyncio.sleep(1.0)
            if any(server.should_exit for server in servers):
                return
            self.start()

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
