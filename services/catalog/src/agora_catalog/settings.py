"""The catalog service's settings: its port and database, the search backend, and the
reservations' and low-stock defaults."""

from __future__ import annotations

from typing import Literal

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from agora_kit.settings import ServiceSettings

SearchBackendName = Literal["postgres", "elasticsearch"]


class Settings(ServiceSettings):
    """The catalog service's settings, from ``AGORA_CATALOG_*`` (shared ones from ``AGORA_*``)."""

    model_config = SettingsConfigDict(env_prefix="AGORA_CATALOG_", extra="ignore")

    service_name: str = "catalog"
    port: int = 8002
    database_url: str = "postgresql+asyncpg://postgres@127.0.0.1:5439/agora_catalog"

    # Search: PostgreSQL full-text in the catalog's own database (the embedded
    # default), or Elasticsearch (distributed mode).
    search_backend: SearchBackendName = "postgres"
    elasticsearch_url: str = "http://127.0.0.1:9200"
    # The alias searches go through; each rebuild creates a new index behind it.
    elasticsearch_index: str = "agora-catalog-products"

    # How long stock stays reserved for an order that neither confirms nor cancels,
    # when the order does not say (OrderPlaced.reservation_ttl_seconds).
    reservation_ttl_seconds: int = Field(default=900, gt=0)
    # How often expired reservations are looked for and released.
    reservation_sweep_seconds: float = Field(default=5.0, gt=0)
    # A new store's low-stock threshold; each store may change its own.
    low_stock_threshold: int = Field(default=5, ge=0)
