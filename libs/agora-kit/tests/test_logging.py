"""Logs are JSON lines that tie each line to its service, request and trace."""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from fastapi import APIRouter, FastAPI
from opentelemetry.sdk.trace import TracerProvider

from agora_kit.app import create_base_app
from agora_kit.logging import (
    JsonFormatter,
    configure_logging,
    log_format,
    request_id_var,
    service_var,
)
from agora_kit.metrics import ServiceMetrics

HEX = set("0123456789abcdef")


class JsonLines:
    """What a JsonFormatter handler on the root logger wrote, one dict per line."""

    def __init__(self, stream: io.StringIO) -> None:
        self.stream = stream

    def all(self) -> list[dict[str, Any]]:
        lines = self.stream.getvalue().splitlines()
        return [json.loads(line) for line in lines]

    def of(self, logger: str) -> list[dict[str, Any]]:
        return [line for line in self.all() if line["logger"] == logger]


@pytest.fixture
def json_lines() -> Iterator[JsonLines]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        yield JsonLines(stream)
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


def test_a_line_is_one_json_object_with_context_and_extras(json_lines: JsonLines) -> None:
    service_token = service_var.set("orders")
    request_token = request_id_var.set("req-1")
    try:
        logging.getLogger("agora.test").warning(
            "order %s placed", "o-1", extra={"order_id": "o-1", "items": 3}
        )
    finally:
        request_id_var.reset(request_token)
        service_var.reset(service_token)
    [line] = json_lines.all()
    assert line["message"] == "order o-1 placed"
    assert line["level"] == "warning"
    assert line["logger"] == "agora.test"
    assert line["service"] == "orders"
    assert line["request_id"] == "req-1"
    assert line["trace_id"] is None
    assert line["order_id"] == "o-1"
    assert line["items"] == 3
    assert line["time"].endswith("+00:00")


def test_outside_a_request_the_context_fields_are_null(json_lines: JsonLines) -> None:
    logging.getLogger("agora.test").info("idle")
    [line] = json_lines.all()
    assert line["service"] is None
    assert line["request_id"] is None


def test_trace_id_is_the_active_span_s(json_lines: JsonLines) -> None:
    tracer = TracerProvider().get_tracer("test")
    with tracer.start_as_current_span("work") as span:
        logging.getLogger("agora.test").info("inside")
        trace_id = span.get_span_context().trace_id
    logging.getLogger("agora.test").info("outside")
    inside, outside = json_lines.all()
    assert len(inside["trace_id"]) == 32
    assert set(inside["trace_id"]) <= HEX
    assert int(inside["trace_id"], 16) == trace_id
    assert outside["trace_id"] is None


def test_an_exception_stays_on_one_line(json_lines: JsonLines) -> None:
    try:
        raise ValueError("bad\nthing")
    except ValueError:
        logging.getLogger("agora.test").exception("failed")
    assert len(json_lines.stream.getvalue().splitlines()) == 1
    [line] = json_lines.all()
    assert "ValueError: bad" in line["exception"]
    assert "Traceback" in line["exception"]


def test_extras_that_are_not_json_are_written_as_text(json_lines: JsonLines) -> None:
    logging.getLogger("agora.test").info("odd", extra={"thing": object(), "when": {1, 2}})
    [line] = json_lines.all()
    assert isinstance(line["thing"], str)
    assert isinstance(line["when"], str)


router = APIRouter()


@router.get("/hello")
async def hello() -> dict[str, str]:
    logging.getLogger("agora.test.route").info("saying hello")
    return {"hello": "world"}


@router.get("/broken")
async def broken() -> None:
    raise RuntimeError("bug in the route")


@asynccontextmanager
async def no_lifespan(app: FastAPI) -> AsyncIterator[None]:
    yield


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    app = create_base_app(
        "logsvc",
        title="logs",
        description="test",
        version="0",
        metrics=ServiceMetrics("logsvc"),
        max_body_bytes=1024,
        readiness_checks={},
        lifespan=no_lifespan,
        routers=[router],
    )
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
        yield c


async def test_a_request_logs_an_access_line_with_its_request_id(
    client: httpx.AsyncClient, json_lines: JsonLines
) -> None:
    response = await client.get("/hello")
    request_id = response.headers["x-request-id"]
    [route_line] = json_lines.of("agora.test.route")
    [access] = json_lines.of("agora.access")
    for line in (route_line, access):
        assert line["request_id"] == request_id
        assert line["service"] == "logsvc"
        assert len(line["trace_id"]) == 32
    assert route_line["trace_id"] == access["trace_id"]
    assert access["http_method"] == "GET"
    assert access["http_path"] == "/hello"
    assert access["http_status"] == 200
    assert access["duration_ms"] >= 0


async def test_a_caller_request_id_reaches_the_log(
    client: httpx.AsyncClient, json_lines: JsonLines
) -> None:
    await client.get("/nowhere", headers={"X-Request-ID": "edge-7"})
    [access] = json_lines.of("agora.access")
    assert access["request_id"] == "edge-7"
    assert access["http_status"] == 404


async def test_an_unhandled_error_is_logged_once_with_its_request_id(
    client: httpx.AsyncClient, json_lines: JsonLines
) -> None:
    response = await client.get("/broken")
    assert response.status_code == 500
    request_id = response.headers["x-request-id"]
    [error] = [line for line in json_lines.all() if "exception" in line]
    assert error["level"] == "error"
    assert error["request_id"] == request_id
    assert "bug in the route" in error["exception"]
    [access] = json_lines.of("agora.access")
    assert access["http_status"] == 500
    assert access["request_id"] == request_id


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_format_is_readable_at_a_terminal_and_json_elsewhere() -> None:
    assert log_format("auto", True, Terminal()) == "console"
    assert log_format("auto", True, io.StringIO()) == "json"
    assert log_format("auto", False, io.StringIO()) == "plain"
    assert log_format("json", True, Terminal()) == "json"
    assert log_format("console", True, io.StringIO()) == "console"


@pytest.fixture
def console_log() -> Iterator[io.StringIO]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    stream = io.StringIO()
    configure_logging("INFO", style="console", stream=stream)
    try:
        yield stream
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)


async def test_at_a_terminal_a_request_is_one_line_a_person_reads(
    client: httpx.AsyncClient, console_log: io.StringIO
) -> None:
    await client.get("/hello")
    text = "\n".join(line.rstrip() for line in console_log.getvalue().splitlines())
    [route_line] = [line for line in text.splitlines() if "saying hello" in line]
    [access] = [line for line in text.splitlines() if "GET /hello" in line]
    assert re.match(r"^\d\d:\d\d:\d\d\s+INFO\s+logsvc\s+saying hello", route_line)
    assert re.match(r"^\d\d:\d\d:\d\d\s+INFO\s+logsvc\s+GET /hello 200 \d+\.\d ms$", access)
    assert "{" not in text


def test_a_librarys_repeated_line_is_written_once_a_minute_and_ours_always() -> None:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    stream = io.StringIO()
    configure_logging("INFO", style="json", stream=stream)
    try:
        for port in range(5):
            # The same place in aiokafka, as each failed reconnect logs it.
            logging.getLogger("aiokafka").error("Unable connect to node %s", port)
            logging.getLogger("agora.events.kafka").warning("ours %s", port)
        logging.getLogger("aiokafka.consumer.fetcher").error("another place")
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
    messages = [line["message"] for line in JsonLines(stream).all()]
    assert messages == [
        "Unable connect to node 0",
        "ours 0",
        "ours 1",
        "ours 2",
        "ours 3",
        "ours 4",
        "another place",
    ]
