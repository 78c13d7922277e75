from __future__ import annotations

from pydantic_settings import SettingsConfigDict

from agora_kit.settings import ServiceSettings


class Settings(ServiceSettings):
    """The order service's settings, from ``AGORA_ORDER_*`` (shared ones from ``AGORA_*``)."""

    model_config = SettingsConfigDict(env_prefix="AGORA_ORDER_", extra="ignore")

    service_name: str = "order"
    port: int = 8003
    database_url: str = "postgresql+asyncpg://postgres@127.0.0.1:5439/agora_order"
