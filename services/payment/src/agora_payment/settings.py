from __future__ import annotations

from pydantic_settings import SettingsConfigDict

from agora_kit.settings import ServiceSettings


class Settings(ServiceSettings):
    """The payment service's settings, from ``AGORA_PAYMENT_*`` (shared ones from ``AGORA_*``)."""

    model_config = SettingsConfigDict(env_prefix="AGORA_PAYMENT_", extra="ignore")

    service_name: str = "payment"
    port: int = 8004
    database_url: str = "postgresql+asyncpg://postgres@127.0.0.1:5439/agora_payment"
