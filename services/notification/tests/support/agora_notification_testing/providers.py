"""Stand-ins for the SMS and push providers in tests: real HTTP servers on free
loopback ports that keep every request (method, path, headers, body), count the
connections they came on, and answer each with the next reply of their script, so a
test checks the request exactly as the provider documents it. ``Http1Provider``
speaks HTTP/1.1 (Twilio, FCM and Google's OAuth token endpoint); ``Http2Provider``
speaks HTTP/2 by prior knowledge, as APNs speaks only HTTP/2."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import h2.config
import h2.connection
import h2.events


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Reply:
    status: int
    body: Any = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)

    def encoded(self) -> bytes:
        return json.dumps(self.body).encode()


# Chooses the reply of a request (by its path, say); None: 404.
Script = Callable[[Request], Reply | None]


class _Provider:
    def __init__(self, script: Script) -> None:
        self.script = script
        self.requests: list[Request] = []
        # How many connections clients opened: a client that keeps its connection
        # opens one for many requests.
        self.connections = 0
        self._lock = threading.Lock()

    def connected(self) -> None:
        with self._lock:
            self.connections += 1

    def answer(self, request: Request) -> Reply:
        with self._lock:
            self.requests.append(request)
        return self.script(request) or Reply(404, {"error": "no such path"})

    def to(self, path_start: str) -> list[Request]:
        return [r for r in self.requests if r.path.startswith(path_start)]


class Http1Provider(_Provider):
    def __init__(self, script: Script) -> None:
        super().__init__(script)
        provider = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def setup(self) -> None:
                super().setup()
                provider.connected()

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                headers = {k.lower(): v for k, v in self.headers.items()}
                reply = provider.answer(Request("POST", self.path, headers, body))
                payload = reply.encoded()
                self.send_response(reply.status)
                for name, value in {"Content-Type": "application/json", **reply.headers}.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


class Http2Provider(_Provider):
    """HTTP/2 over cleartext by prior knowledge (h2c), one thread per connection."""

    def __init__(self, script: Script) -> None:
        super().__init__(script)
        self._socket = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self._socket.getsockname()[1]}"
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self._socket.accept()
            except OSError:
                return
            self.connected()
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        h2c = h2.connection.H2Connection(h2.config.H2Configuration(client_side=False))
        h2c.initiate_connection()
        conn.sendall(h2c.data_to_send())
        heads: dict[int, dict[str, str]] = {}
        bodies: dict[int, bytearray] = {}
        with conn:
            while data := conn.recv(65535):
                for event in h2c.receive_data(data):
                    if isinstance(event, h2.events.RequestReceived):
                        heads[event.stream_id] = {
                            (k.decode() if isinstance(k, bytes) else k): (
                                v.decode() if isinstance(v, bytes) else v
                            )
                            for k, v in event.headers
                        }
                        bodies[event.stream_id] = bytearray()
                    elif isinstance(event, h2.events.DataReceived):
                        bodies[event.stream_id] += event.data
                        h2c.acknowledge_received_data(event.flow_controlled_length, event.stream_id)
                    elif isinstance(event, h2.events.StreamEnded):
                        self._reply(h2c, event.stream_id, heads.pop(event.stream_id), bodies)
                conn.sendall(h2c.data_to_send())

    def _reply(
        self,
        h2c: h2.connection.H2Connection,
        stream_id: int,
        head: dict[str, str],
        bodies: dict[int, bytearray],
    ) -> None:
        headers = {k: v for k, v in head.items() if not k.startswith(":")}
        request = Request(head[":method"], head[":path"], headers, bytes(bodies.pop(stream_id)))
        reply = self.answer(request)
        payload = reply.encoded() if reply.body else b""
        h2c.send_headers(
            stream_id,
            [
                (":status", str(reply.status)),
                *reply.headers.items(),
                ("content-length", str(len(payload))),
            ],
        )
        h2c.send_data(stream_id, payload, end_stream=True)

    def close(self) -> None:
        self._socket.close()
