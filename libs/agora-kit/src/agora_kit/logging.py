"""JSON-lines logging carrying ``request_id``, ``trace_id`` and ``service``.

The three fields come from context variables, so a line logged anywhere while a
request or an event is handled carries them, also in all-in-one mode where every
service shares one process.

At a terminal the lines are for a person instead (``console``: Rich's handler, one
line per request with its part, method, path, status and duration); JSON stays the
default everywhere else. ``AGORA_LOG_FORMAT=json|console`` forces either.
"""

from __future__ import annotations

import json
import logging
import sys
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any, Literal, TextIO

from opentelemetry import trace

request_id_var: ContextVar[str | None] = ContextVar("agora_request_id", default=None)
service_var: ContextVar[str | None] = ContextVar("agora_service", default=None)

# Attributes every LogRecord has; anything else passed with ``extra=`` is emitted.
_RESERVED = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "taskName"}


def current_trace_id() -> str | None:
    ctx = trace.get_current_span().get_span_context()
    return format(ctx.trace_id, "032x") if ctx.is_valid else None


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            "service": service_var.get(),
            "request_id": request_id_var.get(),
            "trace_id": current_trace_id(),
        }
        for key, value in record.__dict__.items():
            if key not in _RESERVED and key not in line:
                line[key] = value
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str)


class PlainFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        service = service_var.get() or "-"
        return f"{record.levelname:<7} {service:<12} {record.getMessage()}" + (
            "\n" + self.formatException(record.exc_info) if record.exc_info else ""
        )


class ConsoleFormatter(logging.Formatter):
    """The message of a line for Rich's handler, which adds the time and level: the
    part first; a request's access line as ``GET /path 200 12.3 ms``."""

    def format(self, record: logging.LogRecord) -> str:
        service = service_var.get() or record.name.removeprefix("agora.")
        status = getattr(record, "http_status", None)
        if status is not None:
            message = (
                f"{record.http_method} {record.http_path} {status} "  # type: ignore[attr-defined]
                f"{record.duration_ms:.1f} ms"  # type: ignore[attr-defined]
            )
        else:
            message = record.getMessage()
        return f"{service:<12} {message}"


LogFormat = Literal["json", "plain", "console"]


def log_format(chosen: str, json_lines: bool, stream: TextIO | None = None) -> LogFormat:
    """What ``AGORA_LOG_FORMAT`` (``auto``, ``json``, ``console``) means here: ``auto``
    is ``console`` at a terminal, else JSON (plain text with ``AGORA_LOG_JSON=false``)."""
    if chosen in ("json", "console"):
        return chosen  # type: ignore[return-value]
    if (stream or sys.stderr).isatty():
        return "console"
    return "json" if json_lines else "plain"


class OncePerPlace(logging.Filter):
    """Lets a line of a library's through once per ``seconds`` per place it is logged
    from. aiokafka logs every failed reconnect of every client, several a second while
    a broker is away (ADR 0110): the first says it, the next thousand say nothing new.
    Agora's own lines are never held back."""

    def __init__(self, prefixes: tuple[str, ...] = ("aiokafka",), seconds: float = 60.0) -> None:
        super().__init__()
        self.prefixes = prefixes
        self.seconds = seconds
        self._last: dict[tuple[str, int], float] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        if not record.name.startswith(self.prefixes):
            return True
        place = (record.name, record.lineno)
        last = self._last.get(place)
        if last is not None and record.created - last < self.seconds:
            return False
        self._last[place] = record.created
        return True


def configure_logging(
    level: str = "INFO",
    *,
    json_lines: bool = True,
    style: LogFormat | None = None,
    stream: TextIO | None = None,
) -> None:
    """Log to ``stream`` (stderr) as ``style``, or JSON lines (plain with
    ``json_lines=False``) when no style is given."""
    out = stream or sys.stderr
    style = style or ("json" if json_lines else "plain")
    handler: logging.Handler
    if style == "console":
        from rich.console import Console
        from rich.logging import RichHandler

        handler = RichHandler(
            console=Console(file=out, soft_wrap=True),
            show_path=False,
            markup=False,
            rich_tracebacks=True,
            log_time_format="%H:%M:%S",
            omit_repeated_times=False,
        )
        handler.setFormatter(ConsoleFormatter())
    else:
        handler = logging.StreamHandler(out)
        handler.setFormatter(JsonFormatter() if style == "json" else PlainFormatter())
    handler.addFilter(OncePerPlace())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # uvicorn's access log repeats what our middleware logs, with less context.
    logging.getLogger("uvicorn.access").disabled = True
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
