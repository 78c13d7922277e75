"""The notification service's settings (``AGORA_NOTIFICATION_*``)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import SettingsConfigDict

from agora_kit.settings import ServiceSettings

EmailBackend = Literal["smtp", "file"]
SmtpSecurity = Literal["none", "starttls", "tls"]


class Settings(ServiceSettings):
    """The notification service's settings, from ``AGORA_NOTIFICATION_*``
    (shared ones from ``AGORA_*``)."""

    model_config = SettingsConfigDict(env_prefix="AGORA_NOTIFICATION_", extra="ignore")

    service_name: str = "notification"
    port: int = 8005
    database_url: str = "postgresql+asyncpg://postgres@127.0.0.1:5439/agora_notification"

    # What the mails call the shop, and where their links go: the frontend for pages
    # (verify, reset, orders), the public API (the gateway) for one-click unsubscribe.
    shop_name: str = "Agora"
    frontend_url: str = "http://127.0.0.1:3000"
    public_api_url: str = "http://127.0.0.1:8000"
    default_locale: str = "en"

    # E-mail: SMTP (distributed mode) or .eml files in mail_dir (all-in-one mode).
    email_backend: EmailBackend = "smtp"
    mail_dir: Path = Path(".agora/mail")
    mail_from: str = "Agora <no-reply@agora.local>"
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 1025
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_security: SmtpSecurity = "none"
    smtp_timeout_seconds: float = Field(default=15.0, gt=0)

    # SMS and push go through provider adapters; "logging" (the default) writes them
    # to the log (ADR 0117).
    sms_provider: Literal["logging", "twilio"] = "logging"
    push_provider: Literal["logging", "fcm", "apns"] = "logging"
    # A provider's request, connection to last byte read.
    provider_timeout_seconds: float = Field(default=10.0, gt=0)
    # Twilio: the account, its auth token, and the sender (an E.164 number or a
    # Messaging Service SID, MG...); the API's base URL only changes for tests.
    twilio_account_sid: str | None = None
    twilio_auth_token: SecretStr | None = None
    twilio_from: str | None = None
    twilio_base_url: str = "https://api.twilio.com"
    # FCM HTTP v1: a service account's JSON key (its project unless fcm_project_id).
    fcm_service_account_file: Path | None = None
    fcm_project_id: str | None = None
    fcm_base_url: str = "https://fcm.googleapis.com"
    # APNs with token-based authentication: the .p8 key, its id, the team id and the
    # app's bundle id; api.sandbox.push.apple.com for development builds.
    apns_key_file: Path | None = None
    apns_key_id: str | None = None
    apns_team_id: str | None = None
    apns_topic: str | None = None
    apns_base_url: str = "https://api.push.apple.com"

    # Delivery: attempts per message before it is dead-lettered, exponential backoff
    # from the base (with jitter) up to the cap, and how many sends run at once.
    delivery_max_attempts: int = Field(default=8, ge=1)
    delivery_retry_base_seconds: float = Field(default=5.0, gt=0)
    delivery_retry_max_seconds: float = Field(default=3600.0, gt=0)
    delivery_workers: int = Field(default=4, ge=1, le=32)
    delivery_poll_seconds: float = Field(default=1.0, gt=0)

    # The live feed's WebSocket.
    ws_heartbeat_seconds: float = Field(default=25.0, gt=0)
    ws_auth_timeout_seconds: float = Field(default=5.0, gt=0)
    # Open live-feed sockets: per user (a browser's tabs and devices), and in total per
    # process, sockets still waiting for their token included (each holds memory).
    ws_max_connections_per_user: int = Field(default=10, ge=1)
    ws_max_connections: int = Field(default=10_000, ge=1)
    ws_queue_size: int = Field(default=100, ge=1)
    # Conversations (ADR 0119): messages one person may post per minute, and where the
    # images an attachment names may live (the catalog's MEDIA_URL or S3_PUBLIC_URL).
    messages_per_minute: int = Field(default=20, ge=1)
    attachment_url_prefixes: list[str] = Field(default_factory=lambda: ["/media/"])

    # Outbound webhooks (ADR 0091). A failed delivery waits a random time up to
    # base * 2**(attempt-1) seconds (exponential backoff with full jitter)...
    webhook_retry_base_seconds: float = Field(default=10.0, gt=0)
    # ...never more than this between two attempts...
    webhook_retry_max_seconds: float = Field(default=6 * 3600.0, gt=0)
    # ...and is given up (failed) once this long has passed since its first attempt.
    webhook_retry_window_seconds: float = Field(default=3 * 86400.0, gt=0)
    # An endpoint failing this many deliveries in a row is disabled and its owner told.
    webhook_disable_after_failures: int = Field(default=50, ge=1)
    # After a rotation the old secret still signs (a second signature) this long.
    webhook_secret_overlap_seconds: float = Field(default=86400.0, ge=0)
    # One delivery attempt, connection to last byte read.
    webhook_timeout_seconds: float = Field(default=10.0, gt=0)
    # How much of a receiver's answer is read (and thrown away).
    webhook_response_max_bytes: int = Field(default=64 * 1024, ge=0)
    # Deliveries sent at once by each replica.
    webhook_workers: int = Field(default=4, ge=1, le=32)
    # How often the delivery worker looks for due retries when nothing woke it.
    webhook_poll_seconds: float = Field(default=1.0, gt=0)
    # Endpoints one account may have.
    webhook_max_endpoints_per_owner: int = Field(default=20, ge=1)
    # Endpoints on loopback, private, link-local or other non-public addresses. Only
    # for development and tests: production refuses to start with it on.
    webhook_allow_private_addresses: bool = False

    # Unsubscribe links stay valid this long (RFC 8058 asks for a long time).
    unsubscribe_token_max_age_days: int = Field(default=365, ge=1)

    @model_validator(mode="after")
    def _refuse_placeholder_mail_token_key(self) -> Settings:
        # It seals (user) or opens (notification) the tokens in mail events.
        self.check_mail_token_key()
        self._check_providers()
        if self.webhook_allow_private_addresses and self.common.environment == "production":
            raise ValueError(
                "AGORA_NOTIFICATION_WEBHOOK_ALLOW_PRIVATE_ADDRESSES must be off in production"
            )
        return self

    def _check_providers(self) -> None:
        """A chosen provider must have its credentials: refuse to start without."""
        needed = {
            "twilio": ("twilio_account_sid", "twilio_auth_token", "twilio_from"),
            "fcm": ("fcm_service_account_file",),
            "apns": ("apns_key_file", "apns_key_id", "apns_team_id", "apns_topic"),
        }
        for channel, provider in (("sms", self.sms_provider), ("push", self.push_provider)):
            missing = [f for f in needed.get(provider, ()) if getattr(self, f) is None]
            if missing:
                names = ", ".join(f"AGORA_NOTIFICATION_{f.upper()}" for f in missing)
                raise ValueError(f"the {channel} provider {provider} needs {names}")
