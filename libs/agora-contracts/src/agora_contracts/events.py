"""The base of every event payload, and the registry that maps a CloudEvents ``type``
to its payload class.

An event's ``type`` is ``agora.<service>.<aggregate>.<what happened>.v<N>`` and its
topic ``agora.<service>.<aggregate>.v1``: one topic per aggregate, keyed by the
aggregate id so one entity's events stay in order. A breaking change to a payload is
a new class with a new type version, published beside the old one until no consumer
needs it.
"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict

_REGISTRY: dict[str, type[EventPayload]] = {}


def topic_name(service: str, aggregate: str, version: int = 1) -> str:
    return f"agora.{service}.{aggregate}.v{version}"


class EventPayload(BaseModel):
    """Subclass with ``event_type`` and ``topic`` set; subclasses register themselves."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    event_type: ClassVar[str]
    topic: ClassVar[str]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        event_type = cls.__dict__.get("event_type")
        if event_type is None:
            return
        existing = _REGISTRY.get(event_type)
        if existing is not None and existing.__qualname__ != cls.__qualname__:
            raise TypeError(f"event type {event_type} is declared twice")
        _REGISTRY[event_type] = cls


def payload_class(event_type: str) -> type[EventPayload] | None:
    return _REGISTRY.get(event_type)


def registered_events() -> dict[str, type[EventPayload]]:
    return dict(_REGISTRY)


def asyncapi_document(title: str = "Agora events", version: str = "1.0.0") -> dict[str, Any]:
    """An AsyncAPI 3 document of every registered event, one channel per topic."""
    channels: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    for event_type, cls in sorted(_REGISTRY.items()):
        name = event_type.replace(".", "_")
        messages[name] = {
            "name": event_type,
            "contentType": "application/json",
            "payload": cls.model_json_schema(),
        }
        channel = channels.setdefault(
            cls.topic.replace(".", "_"), {"address": cls.topic, "messages": {}}
        )
        channel["messages"][name] = {"$ref": f"#/components/messages/{name}"}
    return {
        "asyncapi": "3.0.0",
        "info": {"title": title, "version": version},
        "channels": channels,
        "components": {"messages": messages},
    }
