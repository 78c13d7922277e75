from __future__ import annotations

from pydantic_settings import SettingsConfigDict

from agora_kit.settings import ServiceSettings


class Settings(ServiceSettings):
    """The catalog service's settings, from ``AGORA_CATALOG_*`` (shared ones from ``AGORA_*``)."""

    model_config = SettingsConfigDict(env_prefix="AGORA_CATALOG_", extra="ignore")

    service_name: str = "catalog"
    port: int = 8002
    database_url: str = "postgresql+asyncpg://postgres@127.0.0.1:5439/agora_catalog"
