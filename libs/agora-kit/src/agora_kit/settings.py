"""Settings from the environment (pydantic-settings).

Shared settings live under ``AGORA_`` in :class:`CommonSettings`; each service has a
``Settings`` class of its own, a subclass of :class:`ServiceSettings` with the prefix
``AGORA_<SERVICE>_``, that holds a ``common`` instance.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

Environment = Literal["development", "test", "production"]
TransportKind = Literal["inprocess", "kafka"]


class CommonSettings(BaseSettings):
    """What every part of the fleet shares, read from ``AGORA_*``."""

    model_config = SettingsConfigDict(env_prefix="AGORA_", extra="ignore")

    environment: Environment = "development"
    log_level: str = "INFO"
    log_json: bool = True

    event_transport: TransportKind = "inprocess"
    # The in-process transport keeps its log in this database (all-in-one mode).
    events_database_url: str = "postgresql+asyncpg://postgres@127.0.0.1:5439/agora_events"
    kafka_bootstrap_servers: str = "127.0.0.1:9092"

    jwks_url: str = "http://127.0.0.1:8001/.well-known/jwks.json"
    jwt_issuer: str = "agora"
    jwt_audience: str = "agora"

    # Largest request body a service accepts, in bytes; larger ones get 413.
    max_body_bytes: int = 1_048_576


class ServiceSettings(BaseSettings):
    """Base of one service's settings; subclasses set ``env_prefix``."""

    model_config = SettingsConfigDict(extra="ignore")

    service_name: str = "service"
    host: str = "127.0.0.1"
    port: int = 8000
    database_url: str = "postgresql+asyncpg://postgres@127.0.0.1:5439/agora"
    database_pool_size: int = 10
    # How often the outbox relay looks for rows when nothing woke it up.
    outbox_poll_seconds: float = 0.5
    # Attempts before a consumed event whose handler keeps failing is dead-lettered.
    event_max_attempts: int = 5
    event_retry_base_seconds: float = 0.2
    secret_key: SecretStr = SecretStr("development-only-secret-key-change-me")

    common: CommonSettings = Field(default_factory=CommonSettings)

    @model_validator(mode="after")
    def _refuse_placeholder_secrets(self) -> ServiceSettings:
        if self.common.environment == "production" and "change-me" in (
            self.secret_key.get_secret_value()
        ):
            raise ValueError(
                f"AGORA_{self.service_name.upper()}_SECRET_KEY must be set to a real secret "
                "in production"
            )
        return self
