"""Deprecated routes, from configuration (ADR 0088): the gateway tells callers with the
``Deprecation`` header (RFC 9745) from when a route is deprecated, the ``Sunset``
header (RFC 8594) from when it stops answering, and ``Link`` to its successor and to a
page about it; after the sunset it answers 410 Gone. The merged API document marks the
same operations ``deprecated``.

Routes are named as the other per-route settings name them, ``[METHOD ]PATH`` with
``*`` for one segment and ``**`` for any rest.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any

from pydantic import AwareDatetime, BaseModel, model_validator
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from agora_gateway.routes import RuleTable
from agora_kit.middleware import send_problem


class Deprecation(BaseModel):
    """One deprecated route: since when, until when it answers, what replaces it."""

    deprecated_at: AwareDatetime
    sunset_at: AwareDatetime | None = None
    successor: str | None = None  # the URL or path of what replaces it
    info: str | None = None  # a page that explains the deprecation

    @model_validator(mode="after")
    def _sunset_after_deprecation(self) -> Deprecation:
        if self.sunset_at is not None and self.sunset_at <= self.deprecated_at:
            raise ValueError("sunset_at must come after deprecated_at")
        return self

    def headers(self) -> list[tuple[bytes, bytes]]:
        found = [(b"deprecation", f"@{int(self.deprecated_at.timestamp())}".encode())]
        if self.sunset_at is not None:
            found.append((b"sunset", _http_date(self.sunset_at).encode()))
        links = []
        if self.successor:
            links.append(f'<{self.successor}>; rel="successor-version"')
        if self.info:
            links.append(f'<{self.info}>; rel="deprecation"')
        if links:
            found.append((b"link", ", ".join(links).encode()))
        return found

    def note(self) -> str:
        """The sentence the API document adds to the operation's description."""
        text = f"Deprecated since {self.deprecated_at.date().isoformat()}"
        if self.sunset_at is not None:
            text += f"; it answers 410 Gone from {self.sunset_at.date().isoformat()}"
        if self.successor:
            text += f"; use `{self.successor}` instead"
        return text + "."


def _http_date(moment: datetime) -> str:
    return format_datetime(moment.astimezone(UTC), usegmt=True)


def deprecation_table(rules: Mapping[str, Deprecation]) -> RuleTable[Deprecation]:
    return RuleTable.most_specific_first(rules)


def mark_deprecated(
    operation: dict[str, Any], method: str, path: str, table: RuleTable[Deprecation]
) -> None:
    """Mark ``operation`` of the API document as deprecated when the table says so."""
    rule = table.lookup(method.upper(), path)
    if rule is None:
        return
    operation["deprecated"] = True
    description = operation.get("description") or ""
    operation["description"] = (description + "\n\n" if description else "") + rule.value.note()


class DeprecationMiddleware:
    """Adds the deprecation headers to every answer of a deprecated route, and answers
    410 Gone once its sunset has passed."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        rules: Mapping[str, Deprecation],
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.app = app
        self.table = deprecation_table(rules)
        self.clock = clock
        self.enabled = bool(rules)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not self.enabled or scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rule = self.table.lookup(scope["method"], scope["path"])
        if rule is None:
            await self.app(scope, receive, send)
            return
        deprecation = rule.value
        extra = deprecation.headers()

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        sunset = deprecation.sunset_at
        if sunset is not None and self.clock() >= sunset.timestamp():
            await send_problem(
                send_with_headers,
                410,
                detail=f"This endpoint was retired on {_http_date(sunset)}.",
                instance=scope["path"][:200],
            )
            return
        await self.app(scope, receive, send_with_headers)
