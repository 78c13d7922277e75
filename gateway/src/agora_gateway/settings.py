from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from agora_kit.settings import CommonSettings


class Settings(BaseSettings):
    """The gateway's settings, from ``AGORA_GATEWAY_*`` (shared ones from ``AGORA_*``)."""

    model_config = SettingsConfigDict(env_prefix="AGORA_GATEWAY_", extra="ignore")

    service_name: str = "gateway"
    host: str = "127.0.0.1"
    port: int = 8000
    user_url: str = "http://127.0.0.1:8001"
    catalog_url: str = "http://127.0.0.1:8002"
    order_url: str = "http://127.0.0.1:8003"
    payment_url: str = "http://127.0.0.1:8004"
    notification_url: str = "http://127.0.0.1:8005"

    common: CommonSettings = Field(default_factory=CommonSettings)

    def upstreams(self) -> dict[str, str]:
        return {
            "user": self.user_url,
            "catalog": self.catalog_url,
            "order": self.order_url,
            "payment": self.payment_url,
            "notification": self.notification_url,
        }
