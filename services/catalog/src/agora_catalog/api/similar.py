"""Similar products: the products for sale nearest one in meaning, by the embeddings of
their text (ADR 0123). Public and cached like the other product reads."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from agora_catalog.api.deps import ReaderDep
from agora_catalog.api.schemas import ProductSummary
from agora_catalog.service import embeddings
from agora_kit.db import ReadSessionDep
from agora_kit.errors import problem_responses

router = APIRouter(tags=["products"])


class SimilarItem(ProductSummary):
    similarity: float = Field(
        description="Cosine similarity of the two products' text embeddings, -1 to 1"
    )


class SimilarOut(BaseModel):
    items: list[SimilarItem]


@router.get(
    "/products/{product_id}/similar",
    response_model=SimilarOut,
    summary="Products similar to this one, by meaning",
    responses=problem_responses(404, 422),
)
async def get_similar(
    product_id: uuid.UUID,
    session: ReadSessionDep,
    _: ReaderDep,
    limit: Annotated[
        int, Query(ge=1, le=embeddings.MAX_LIMIT, description="How many products at most")
    ] = embeddings.DEFAULT_LIMIT,
) -> SimilarOut:
    """The products for sale whose text (title, category, attributes, description) is
    nearest in meaning to this one's, nearest first, itself left out. Empty until the
    product's embedding is made (seconds after it is published or edited). 404 for a
    product that is not for sale."""
    rows = await embeddings.similar(session, product_id, limit)
    return SimilarOut(
        items=[
            SimilarItem(
                **ProductSummary.fields_of(row.product, row.price),
                similarity=round(row.similarity, 4),
            )
            for row in rows
        ]
    )
