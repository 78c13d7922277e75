"""Bodies of the stores' shipping zones and of the cart's per-store costs (ADR 0113)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from agora_order.api import examples
from agora_order.api.schemas import Short
from agora_order.models import ShippingZone
from agora_order.service.regions import is_country
from agora_order.service.shipping import Band, bands_problem
from agora_order.service.zones import ZoneSpec

MinorUnits = Annotated[int, Field(ge=0, le=10**12)]


def _country(code: str) -> str:
    if not is_country(code):
        raise ValueError(f"{code!r} is not an ISO 3166-1 alpha-2 country code")
    return code


Country = Annotated[
    str, Field(min_length=2, max_length=2, pattern=r"^[A-Z]{2}$"), AfterValidator(_country)
]


class BandIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    up_to: int | None = Field(
        default=None,
        ge=0,
        le=10**12,
        description="Upper limit, inclusive: grams (weight) or minor units (subtotal);"
        " none (null) on the last band for no limit",
    )
    amount: MinorUnits


class RateIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["flat", "weight", "subtotal"]
    amount: MinorUnits | None = Field(default=None, description="The flat rate's amount")
    bands: list[BandIn] = Field(default_factory=list, max_length=50)

    @model_validator(mode="after")
    def _well_formed(self) -> RateIn:
        problem = bands_problem(
            self.kind, self.amount, [Band(band.up_to, band.amount) for band in self.bands]
        )
        if problem:
            raise ValueError(problem)
        return self


class ShippingZoneIn(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra=examples.SHIPPING_ZONE_IN)

    vendor_id: UUID | None = Field(
        default=None, description="The store, when the caller owns more than one"
    )
    name: Short
    currency: str = Field(
        pattern=r"^[A-Z]{3}$", description="ISO 4217; the zone prices carts in it"
    )
    countries: list[Country] = Field(min_length=1, max_length=250)
    rate: RateIn
    free_over: MinorUnits | None = Field(
        default=None, description="Free shipping from this subtotal after discounts"
    )

    @model_validator(mode="after")
    def _distinct(self) -> ShippingZoneIn:
        if len(set(self.countries)) != len(self.countries):
            raise ValueError("countries must not repeat")
        return self

    def spec(self) -> ZoneSpec:
        return ZoneSpec(
            name=self.name,
            currency=self.currency,
            countries=list(self.countries),
            kind=self.rate.kind,
            amount=self.rate.amount,
            bands=[Band(band.up_to, band.amount) for band in self.rate.bands],
            free_over=self.free_over,
            vendor_id=self.vendor_id,
        )


class BandOut(BaseModel):
    up_to: int | None
    amount: int


class RateOut(BaseModel):
    kind: str
    amount: int | None
    bands: list[BandOut]


class ShippingZoneOut(BaseModel):
    id: UUID
    vendor_id: UUID
    name: str
    currency: str
    countries: list[str]
    rate: RateOut
    free_over: int | None
    created_at: datetime
    updated_at: datetime


def zone_out(zone: ShippingZone) -> ShippingZoneOut:
    return ShippingZoneOut(
        id=zone.id,
        vendor_id=zone.vendor_id,
        name=zone.name,
        currency=zone.currency,
        countries=list(zone.countries),
        rate=RateOut(
            kind=zone.rate_kind,
            amount=zone.flat_amount,
            bands=[BandOut(up_to=b.get("up_to"), amount=int(b["amount"])) for b in zone.bands],
        ),
        free_over=zone.free_over_amount,
        created_at=zone.created_at,
        updated_at=zone.updated_at,
    )
