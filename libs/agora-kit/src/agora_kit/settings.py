"""Settings from the environment (pydantic-settings).

Shared settings live under ``AGORA_`` in :class:`CommonSettings`; each service has a
``Settings`` class of its own, a subclass of :class:`ServiceSettings` with the prefix
``AGORA_<SERVICE>_``, that holds a ``common`` instance.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from agora_kit.sealing import Sealer

Environment = Literal["development", "test", "production"]
TransportKind = Literal["inprocess", "kafka"]
EventLoop = Literal["uvloop", "asyncio"]


class CommonSettings(BaseSettings):
    """What every part of the fleet shares, read from ``AGORA_*``."""

    model_config = SettingsConfigDict(env_prefix="AGORA_", extra="ignore")

    environment: Environment = "development"
    log_level: str = "INFO"
    log_json: bool = True
    # auto: human-readable lines at a terminal, JSON elsewhere; json or console forces.
    log_format: Literal["auto", "json", "console"] = "auto"
    # The event loop a server process runs on (ADR 0126); asyncio's own to compare.
    event_loop: EventLoop = "uvloop"

    event_transport: TransportKind = "inprocess"
    # The in-process transport keeps its log in this database (all-in-one mode).
    events_database_url: str = "postgresql+asyncpg://postgres@127.0.0.1:5439/agora_events"
    # Days that log keeps messages every consumer group has read past (ADR 0094).
    event_log_retention_days: float = 7.0
    # How often it deletes those older, and erased users' messages once read past.
    event_log_trim_seconds: float = 3600.0
    kafka_bootstrap_servers: str = "127.0.0.1:9092"
    # Partitions of the topics Agora creates: the most consumer replicas per service.
    kafka_partitions: int = 6
    kafka_replication_factor: int = 1

    jwks_url: str = "http://127.0.0.1:8001/.well-known/jwks.json"
    jwt_issuer: str = "agora"
    jwt_audience: str = "agora"
    # How far apart the clocks of Agora's parts may be (ADR 0107): a token is taken up
    # to this long before its iat/nbf; exp stays nearly strict (30 s).
    jwt_clock_skew_seconds: int = Field(default=180, ge=0, le=600)

    # Seals reset and verification tokens in events, from the user service to the
    # notification service (agora_kit.sealing); both refuse the default in production.
    mail_token_key: SecretStr = SecretStr("development-only-mail-token-key-change-me")
    # Keys tokens may still be sealed under while the key is rotated (a JSON list): they
    # open, nothing is sealed under them (agora_kit.sealing).
    mail_token_previous_keys: list[SecretStr] = Field(default_factory=list)

    # What the gateway shows a service (the X-Agora-Service-Token header) to have its
    # client-address header believed and to call /internal routes; every part shares
    # it, and production refuses the default (agora_kit.serving).
    service_token: SecretStr = SecretStr("development-only-service-token-change-me")

    # Largest request body a service accepts, in bytes; larger ones get 413.
    max_body_bytes: int = 1_048_576

    # The exchange rates prices are shown in other currencies with (ADR 0118): a JSON
    # table {base, date, rates} or the European Central Bank's daily CSV, read again
    # when it changes. Unset: the table shipped with Agora (its date is in the answers).
    currency_rates_file: Path | None = None


# The default secret carries this mark so that production can recognise it.
PLACEHOLDER_MARK = "change-me"
# Shorter than this is guessable, or a value cut short on its way into the environment.
MIN_SECRET_LENGTH = 32


def check_service_token(common: CommonSettings) -> None:
    """Production refuses the default service credential (every part calls this)."""
    token = common.service_token.get_secret_value()
    weak = PLACEHOLDER_MARK in token or len(token) < MIN_SECRET_LENGTH
    if common.environment == "production" and weak:
        raise ValueError(
            f"AGORA_SERVICE_TOKEN must be set to a real secret of at least "
            f"{MIN_SECRET_LENGTH} characters in production"
        )


class ServiceSettings(BaseSettings):
    """Base of one service's settings; subclasses set ``env_prefix``."""

    model_config = SettingsConfigDict(extra="ignore")

    service_name: str = "service"
    host: str = "127.0.0.1"
    port: int = 8000
    database_url: str = "postgresql+asyncpg://postgres@127.0.0.1:5439/agora"
    # The most connections a replica opens to its database; a request finding them all
    # busy waits for one. Those unused for database_pool_idle_seconds close (ADR 0114).
    database_pool_size: int = 20
    database_pool_idle_seconds: float = 60.0
    # Test each pooled connection with a round trip before use; off, a dead connection
    # costs the one request that meets it a 503 to retry (ADR 0083).
    database_pre_ping: bool = False
    # Seconds to open a connection to the database before answering 503 (ADR 0111).
    database_connect_timeout_seconds: float = Field(default=5.0, gt=0)
    # Seconds for one statement's answer before answering 503 (ADR 0111): asyncpg's
    # command timeout, on the client, so a slow network is bounded too.
    database_command_timeout_seconds: float = Field(default=10.0, gt=0)
    # Seconds to wait for a free pooled connection when every one is busy (ADR 0111).
    database_pool_timeout_seconds: float = Field(default=5.0, gt=0)
    # Proxies whose X-Forwarded-For is believed (comma-separated): the gateway. Only
    # with the service credential too (AGORA_SERVICE_TOKEN), never on the address alone.
    trusted_proxies: str = "127.0.0.1"
    # How often the outbox relay looks for rows when nothing woke it up.
    outbox_poll_seconds: float = 0.5
    # Days a published outbox row is kept, for inspection and replays (ADR 0094).
    outbox_retention_days: float = 7.0
    # Days a handled event's inbox row is kept: longer than any redelivery of it (the
    # in-process log's and Kafka's retention), or a late copy is handled again.
    inbox_retention_days: float = 30.0
    # Attempts before a consumed event whose handler keeps failing is dead-lettered.
    event_max_attempts: int = 5
    event_retry_base_seconds: float = 0.2
    secret_key: SecretStr = SecretStr(f"development-only-secret-key-{PLACEHOLDER_MARK}")

    common: CommonSettings = Field(default_factory=CommonSettings)

    @model_validator(mode="after")
    def _refuse_placeholder_secrets(self) -> ServiceSettings:
        secret = self.secret_key.get_secret_value()
        weak = PLACEHOLDER_MARK in secret or len(secret) < MIN_SECRET_LENGTH
        if self.common.environment == "production" and weak:
            variable = f"{self.model_config.get('env_prefix', '')}SECRET_KEY"
            raise ValueError(
                f"{variable} must be set to a real secret of at least {MIN_SECRET_LENGTH} "
                "characters in production"
            )
        check_service_token(self.common)
        return self

    def mail_sealer(self) -> Sealer:
        """The sealer of mail tokens: the key, and the previous keys it still opens."""
        common = self.common
        return Sealer(
            common.mail_token_key.get_secret_value(),
            [old.get_secret_value() for old in common.mail_token_previous_keys],
        )

    def check_mail_token_key(self) -> None:
        """For the services that seal or open mail tokens: call from a validator."""
        key = self.common.mail_token_key.get_secret_value()
        weak = PLACEHOLDER_MARK in key or len(key) < MIN_SECRET_LENGTH
        if self.common.environment == "production" and weak:
            raise ValueError(
                f"AGORA_MAIL_TOKEN_KEY must be set to a real secret of at least "
                f"{MIN_SECRET_LENGTH} characters in production"
            )
