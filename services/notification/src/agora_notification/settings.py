from __future__ import annotations

from pydantic_settings import SettingsConfigDict

from agora_kit.settings import ServiceSettings


class Settings(ServiceSettings):
    """The notification service's settings, from ``AGORA_NOTIFICATION_*``
    (shared ones from ``AGORA_*``)."""

    model_config = SettingsConfigDict(env_prefix="AGORA_NOTIFICATION_", extra="ignore")

    service_name: str = "notification"
    port: int = 8005
    database_url: str = "postgresql+asyncpg://postgres@127.0.0.1:5439/agora_notification"
