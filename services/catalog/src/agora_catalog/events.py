"""What the catalog service publishes and the events it handles."""

from __future__ import annotations

from agora_kit.events.consumer import EventConsumer


def register_handlers(consumer: EventConsumer) -> None:
    """Subscribe the catalog service's event handlers (none yet)."""
