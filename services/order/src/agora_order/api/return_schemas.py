"""The bodies of returns' routes (ADR 0116)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from agora_contracts.common import Money
from agora_order.api.schemas import Quantity, SkuCode, _storable
from agora_order.service.returns import ReturnView

Reason = Annotated[str, StringConstraints(min_length=1, max_length=1000), AfterValidator(_storable)]
ReturnStatus = Literal["requested", "approved", "rejected", "received", "refunded"]


class ReturnLineIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sku: SkuCode
    quantity: Quantity


class ReturnIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"lines": [{"sku": "TSHIRT-M", "quantity": 1}], "reason": "Too small"}]
        },
    )

    lines: list[ReturnLineIn] = Field(min_length=1, max_length=100)
    reason: Reason


class ApproveIn(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"restock": True}]})

    restock: bool = Field(description="Put the units back on sale once received")


class RejectIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"reason": "Worn and washed"}]}
    )

    reason: Reason


class ReturnLineOut(BaseModel):
    sku: str
    quantity: int


class ReturnOut(BaseModel):
    id: UUID
    order_id: UUID
    sub_order_id: UUID
    vendor_id: UUID
    status: ReturnStatus
    lines: list[ReturnLineOut]
    reason: str
    restock: bool | None = Field(description="The store's choice on approval; null before")
    reject_reason: str | None
    refund: Money | None = Field(description="Fixed when the store receives the parcel")
    requested_at: datetime
    updated_at: datetime


def return_out(view: ReturnView) -> ReturnOut:
    ret = view.ret
    refund = (
        None
        if ret.refund_amount is None
        else Money(amount=ret.refund_amount, currency=ret.currency)
    )
    return ReturnOut(
        id=ret.id,
        order_id=ret.order_id,
        sub_order_id=ret.sub_order_id,
        vendor_id=ret.vendor_id,
        status=ret.status,
        lines=[ReturnLineOut(sku=line.sku, quantity=line.quantity) for line in view.lines],
        reason=ret.reason,
        restock=ret.restock,
        reject_reason=ret.reject_reason,
        refund=refund,
        requested_at=ret.requested_at,
        updated_at=ret.updated_at,
    )
