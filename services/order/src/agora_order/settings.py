"""The order service's settings."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic_settings import SettingsConfigDict

from agora_kit.settings import ServiceSettings
from agora_order.service.regions import tax_key_problem


class TaxRate(BaseModel):
    """One destination's tax: basis points, included in prices (VAT-style) or added on
    top (US-style)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    rate_bps: int = Field(ge=0, le=10000)
    inclusive: bool = False


class Settings(ServiceSettings):
    """The order service's settings, from ``AGORA_ORDER_*`` (shared ones from ``AGORA_*``)."""

    model_config = SettingsConfigDict(env_prefix="AGORA_ORDER_", extra="ignore")

    service_name: str = "order"
    port: int = 8003
    database_url: str = "postgresql+asyncpg://postgres@127.0.0.1:5439/agora_order"

    # The default shipping rule, for the stores with no shipping zones of their own
    # (ADR 0113): one flat charge per order for those stores' part of it, in the
    # order's minor units.
    shipping_flat_amount: int = Field(default=499, ge=0)
    # Free default shipping from this subtotal (of those stores, after discounts); 0:
    # never free.
    free_shipping_over_amount: int = Field(default=5000, ge=0)
    # Tax in basis points (825 is 8.25%) on the discounted subtotal plus shipping, added
    # on top, where no rate below applies (and in a cart shown with no country).
    tax_rate_bps: int = Field(default=0, ge=0, le=10000)
    # Rates by destination, keyed by ISO 3166-1 country (``DE``) or ISO 3166-2 region
    # (``US-CA``, more specific, wins), as JSON: {"US-CA": {"rate_bps": 725}}.
    tax_rates: dict[str, TaxRate] = Field(default_factory=dict)
    # Charge the EU's standard VAT rates shipped in agora_order/data/eu_vat.toml,
    # included in prices, to EU destinations with no configured rate: on for a
    # marketplace registered to collect EU VAT (off, the fallback rate applies).
    eu_vat: bool = False
    # The most units of one SKU a cart may hold.
    max_quantity_per_line: int = Field(default=99, gt=0)
    # Orders placed and not yet paid (pending or awaiting payment) one buyer may have
    # at once: each holds stock until paid or timed out.
    max_open_orders_per_buyer: int = Field(default=3, gt=0)
    # The most units of one SKU in one order (and so in the cart).
    max_units_per_sku: int = Field(default=10, gt=0)
    # How long the catalog holds the stock of a placed order.
    reservation_ttl_seconds: int = Field(default=900, gt=0)
    # An order still unpaid this long after placing is cancelled and its stock released.
    payment_timeout_seconds: int = Field(default=900, gt=0)
    # How long after its parcel was delivered a buyer may ask to return lines of it,
    # in days, for every store alike (ADR 0116); 0: no returns.
    return_window_days: int = Field(default=30, ge=0)
    # How often unpaid orders past their timeout are looked for.
    payment_sweep_seconds: float = Field(default=5.0, gt=0)

    @field_validator("tax_rates")
    @classmethod
    def _known_places(cls, rates: dict[str, TaxRate]) -> dict[str, TaxRate]:
        problems = [problem for key in rates if (problem := tax_key_problem(key))]
        if problems:
            raise ValueError("; ".join(problems))
        return rates
