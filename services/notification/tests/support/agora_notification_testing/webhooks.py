"""A webhook receiver for tests: a real HTTP server on a free loopback port, which
answers each delivery with the next status of its script (then 204; ``ENDLESS`` is a
200 whose body does not end), and keeps what it received, to be verified as a
subscriber would, with the ``standardwebhooks`` library."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from standardwebhooks import Webhook

ENDLESS = -1


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> dict[str, Any]:
        parsed: dict[str, Any] = json.loads(self.body)
        return parsed

    def verify(self, secret: str) -> dict[str, Any]:
        """The body, once ``standardwebhooks`` has verified its signature with
        ``secret`` (it raises otherwise)."""
        verified: dict[str, Any] = Webhook(secret).verify(self.body, self.headers)
        return verified


class Receiver:
    def __init__(self, script: list[int] | None = None) -> None:
        self.script = list(script or [])
        self.received: list[Received] = []
        self.answered: list[int] = []
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                with receiver._lock:
                    receiver.received.append(
                        Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
                    )
                    status = receiver.script.pop(0) if receiver.script else 204
                    receiver.answered.append(status)
                if status == ENDLESS:
                    self._endless()
                    return
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def _endless(self) -> None:
                # HTTP/1.0: the body ends when the connection does, here not for 30 s
                # unless the client hangs up.
                self.send_response(200)
                self.end_headers()
                until = time.monotonic() + 30
                try:
                    while time.monotonic() < until:
                        self.wfile.write(b"x" * 1024)
                        time.sleep(0.001)
                except OSError:
                    pass

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}/hooks"

    def of_type(self, event_type: str) -> list[Received]:
        with self._lock:
            return [r for r in self.received if r.json.get("type") == event_type]


@contextmanager
def receiver(script: list[int] | None = None) -> Iterator[Receiver]:
    """A running receiver, stopped on exit."""
    the_receiver = Receiver(script)
    thread = threading.Thread(target=the_receiver.server.serve_forever, daemon=True)
    thread.start()
    try:
        yield the_receiver
    finally:
        the_receiver.server.shutdown()
        the_receiver.server.server_close()
        thread.join(timeout=5)
