"""What the catalog's routes, handlers and tasks share beyond a session: its settings,
database, the chassis's outbox, its search backend and the indexer that keeps it in
step, and its image store that keeps it in
step, and the exchange rates prices are shown in other currencies with (ADR 0085,
0118). Built once the chassis's runtime exists, at ``app.state.context``."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from agora_catalog.adapters.media.base import MediaStore
from agora_catalog.adapters.search.base import SearchBackend
from agora_catalog.service.indexing import Indexer
from agora_catalog.settings import Settings
from agora_kit.app import ServiceRuntime
from agora_kit.currency import FileRates, RatesProvider
from agora_kit.db import Database
from agora_kit.events.outbox import Outbox


@dataclass
class CatalogContext:
    settings: Settings
    database: Database
    outbox: Outbox
    search: SearchBackend
    media: MediaStore
    rates: RatesProvider
    indexer: Indexer = field(init=False)
    # Set after an upload commits: the thumbnail worker looks at once.
    thumbnails_wanted: asyncio.Event = field(init=False, default_factory=asyncio.Event)
    # Set when a product's text or its being for sale may have changed (the catalog's
    # own product, store and category events): the embedding worker looks at once.
    embeddings_wanted: asyncio.Event = field(init=False, default_factory=asyncio.Event)
    # One image decoded at a time in this process (an upload's cleaning, a thumbnail
    # run): a 50 megapixel image takes 300 MB while it is worked on (ADR 0103).
    image_work: asyncio.Semaphore = field(init=False, default_factory=lambda: asyncio.Semaphore(1))

    def __post_init__(self) -> None:
        self.indexer = Indexer(self.search)

    @classmethod
    def of(
        cls, runtime: ServiceRuntime, settings: Settings, search: SearchBackend, media: MediaStore
    ) -> CatalogContext:
        return cls(
            settings=settings,
            database=runtime.database,
            outbox=runtime.outbox,
            search=search,
            media=media,
            rates=FileRates(settings.common.currency_rates_file),
        )
