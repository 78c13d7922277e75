"""Types every service's events and APIs share, whichever service owns the event."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class Money(BaseModel):
    """An amount in minor units (cents) of an ISO 4217 currency."""

    model_config = ConfigDict(frozen=True)

    amount: int = Field(ge=0, description="Minor units: 1999 is 19.99")
    currency: str = Field(min_length=3, max_length=3, description="ISO 4217, upper case")
