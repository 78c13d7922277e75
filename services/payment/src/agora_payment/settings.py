"""The payment service's settings: its provider, payouts, fraud rules and Stripe's webhook
secret, with the production checks."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import SettingsConfigDict

from agora_kit.settings import PLACEHOLDER_MARK, ServiceSettings


class Settings(ServiceSettings):
    """The payment service's settings, from ``AGORA_PAYMENT_*`` (shared ones from ``AGORA_*``)."""

    model_config = SettingsConfigDict(env_prefix="AGORA_PAYMENT_", extra="ignore")

    service_name: str = "payment"
    port: int = 8004
    database_url: str = "postgresql+asyncpg://postgres@127.0.0.1:5439/agora_payment"

    # The embedded default behaves like Stripe's test mode for the pm_card_* methods;
    # "stripe" talks to Stripe (or stripe-mock, localstripe) at stripe_api_base.
    provider: Literal["sandbox", "stripe"] = "sandbox"
    stripe_api_key: SecretStr = SecretStr("")
    stripe_api_base: str | None = None
    # Seconds to wait for each answer of Stripe (the library's default is 80); a call
    # that still fails after its retries answers 503 (ADR 0111).
    stripe_timeout_seconds: float = Field(default=10.0, gt=0)
    # Retries of a Stripe call that failed on the network, with its idempotency key.
    stripe_max_network_retries: int = Field(default=1, ge=0, le=5)

    # The platform's fee on each vendor's share, in basis points (1000 is 10%).
    platform_fee_bps: int = Field(default=1000, ge=0, le=10000)
    # A shipped vendor's payout is held until the parcel is delivered or this long
    # after shipment, whichever comes first (ADR 0045); the sweep looks for payouts
    # whose hold is over this often.
    payout_hold_seconds: float = Field(default=7 * 24 * 3600, ge=0)
    payout_sweep_seconds: float = Field(default=60, gt=0)

    # Stripe Connect onboarding (ADR 0104): the country of the vendors' Express accounts,
    # where Stripe sends a vendor back after onboarding (return) or when its link expired
    # (refresh: ask for a new one), and the API's public address, where the sandbox's
    # onboarding links point.
    connect_country: str = Field(default="US", pattern=r"^[A-Z]{2}$")
    connect_return_url: str = "http://127.0.0.1:8000/console/vendor/payouts?onboarding=done"
    connect_refresh_url: str = "http://127.0.0.1:8000/console/vendor/payouts?onboarding=refresh"
    public_api_url: str = "http://127.0.0.1:8000"

    # Fraud rules: a buyer with this many declined payments in the last hour is
    # refused without asking the provider; a payment above the amount is refused.
    fraud_max_declines_per_hour: int = Field(default=5, gt=0)
    fraud_max_amount: int = Field(default=1_000_000, gt=0)

    # Stripe's webhook signing secret (whsec_...): Stripe-Signature is checked with it.
    stripe_webhook_secret: SecretStr = SecretStr(f"whsec_development_{PLACEHOLDER_MARK}")
    # A webhook signed longer ago than this is refused (replay protection), as Stripe's
    # own libraries do by default.
    stripe_webhook_tolerance_seconds: int = Field(default=300, gt=0)

    @model_validator(mode="after")
    def _refuse_unsafe_production(self) -> Settings:
        if self.common.environment != "production":
            return self
        secret = self.stripe_webhook_secret.get_secret_value().strip()
        if not secret or PLACEHOLDER_MARK in secret:
            raise ValueError("AGORA_PAYMENT_STRIPE_WEBHOOK_SECRET must be set in production")
        if self.provider == "sandbox":
            # The sandbox "charges" pm_card_visa without moving money.
            raise ValueError("AGORA_PAYMENT_PROVIDER must be 'stripe' in production, not 'sandbox'")
        return self
