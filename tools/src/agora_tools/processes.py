"""Stopping a child process the way a service manager would: SIGTERM, so it drains
and exits cleanly, then SIGKILL when it has not exited in time. For the benchmarks and
the tests that start ``agora run`` or a server of their own."""

from __future__ import annotations

import signal
import subprocess


def stop(process: subprocess.Popen[bytes] | None, timeout: float = 60) -> None:
    """SIGTERM ``process`` and wait ``timeout`` seconds for it, then kill it; nothing to
    do when there is no process or it has exited already."""
    if process is None or process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
