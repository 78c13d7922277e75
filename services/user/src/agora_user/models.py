"""The user service's tables. Its outbox, inbox and dead-letter tables come from
``agora_kit.events.tables`` and share its database and migrations."""

from __future__ import annotations

from sqlalchemy.orm import DeclarativeBase

from agora_kit.db import new_metadata


class Base(DeclarativeBase):
    metadata = new_metadata()
