"""The clock the user service's rules read: UTC, shiftable by tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


class Clock:
    """UTC now, shiftable: tests move it forward to see tokens and keys expire.
    Only the user service's own rules read it; the JWT library's exp check does not."""

    def __init__(self) -> None:
        self.offset = timedelta()

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def advance(self, delta: timedelta) -> None:
        self.offset += delta
