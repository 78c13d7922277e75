from __future__ import annotations

from pydantic_settings import SettingsConfigDict

from agora_kit.settings import ServiceSettings


class Settings(ServiceSettings):
    """The user service's settings, from ``AGORA_USER_*`` (shared ones from ``AGORA_*``)."""

    model_config = SettingsConfigDict(env_prefix="AGORA_USER_", extra="ignore")

    service_name: str = "user"
    port: int = 8001
    database_url: str = "postgresql+asyncpg://postgres@127.0.0.1:5439/agora_user"
