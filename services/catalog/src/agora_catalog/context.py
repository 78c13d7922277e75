"""What the catalog's routes, handlers and tasks share beyond the chassis: its
settings, its search backend and (bound once the app exists) its outbox."""

from __future__ import annotations

from dataclasses import dataclass, field

from fastapi import Request

from agora_catalog.search.base import SearchBackend
from agora_catalog.search.indexer import Indexer
from agora_catalog.settings import Settings
from agora_kit.events.outbox import Outbox


@dataclass
class CatalogContext:
    settings: Settings
    search: SearchBackend
    indexer: Indexer = field(init=False)
    _outbox: Outbox | None = None

    def __post_init__(self) -> None:
        self.indexer = Indexer(self.search)

    def bind(self, outbox: Outbox) -> None:
        self._outbox = outbox

    @property
    def outbox(self) -> Outbox:
        if self._outbox is None:
            raise RuntimeError("the catalog context is not bound to the app's outbox yet")
        return self._outbox


def get_context(request: Request) -> CatalogContext:
    context: CatalogContext = request.app.state.catalog
    return context
