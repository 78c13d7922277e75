"""Customers also bought: the products most often in the same confirmed orders as one
(ADR 0122). Public and cached like the other product reads."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from agora_catalog.api.deps import ReaderDep
from agora_catalog.api.schemas import ProductSummary
from agora_catalog.service import also_bought
from agora_kit.db import ReadSessionDep
from agora_kit.errors import problem_responses

router = APIRouter(tags=["products"])


class AlsoBoughtItem(ProductSummary):
    bought_together: int = Field(description="How many confirmed orders held both products")


class AlsoBoughtOut(BaseModel):
    items: list[AlsoBoughtItem]


@router.get(
    "/products/{product_id}/also-bought",
    response_model=AlsoBoughtOut,
    summary="Products customers also bought with this one",
    responses=problem_responses(404, 422),
)
async def get_also_bought(
    product_id: uuid.UUID,
    session: ReadSessionDep,
    _: ReaderDep,
    limit: Annotated[
        int, Query(ge=1, le=also_bought.MAX_LIMIT, description="How many products at most")
    ] = also_bought.DEFAULT_LIMIT,
) -> AlsoBoughtOut:
    """The products for sale most often in the same confirmed orders as this one: most
    orders first, then the most recently bought together. 404 for a product that is not
    for sale."""
    rows = await also_bought.listing(session, product_id, limit)
    return AlsoBoughtOut(
        items=[
            AlsoBoughtItem(
                **ProductSummary.fields_of(row.product, row.price), bought_together=row.orders
            )
            for row in rows
        ]
    )
