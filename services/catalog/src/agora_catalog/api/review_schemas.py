"""Request and response bodies of the catalog's reviews."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

from agora_catalog.api import examples
from agora_catalog.api.schemas import Rating, Title
from agora_catalog.models import Product, Review
from agora_kit.pagination import Page


class ReviewIn(BaseModel, json_schema_extra=examples.REVIEW_IN):
    rating: int = Field(ge=1, le=5)
    title: Title
    body: Annotated[str, StringConstraints(max_length=5000)] = ""


class ReviewOut(BaseModel):
    id: uuid.UUID
    product_id: uuid.UUID
    author_id: uuid.UUID
    rating: int
    title: str
    body: str
    created_at: datetime

    @classmethod
    def of(cls, review: Review) -> ReviewOut:
        return cls(
            id=review.id,
            product_id=review.product_id,
            author_id=review.author_id,
            rating=review.rating,
            title=review.title,
            body=review.body,
            created_at=review.created_at,
        )


class ReviewPage(BaseModel):
    items: list[ReviewOut]
    next_cursor: str | None = None
    rating: Rating

    @classmethod
    def of(cls, product: Product, page: Page[Review]) -> ReviewPage:
        return cls(
            items=[ReviewOut.of(r) for r in page.items],
            next_cursor=page.next_cursor,
            rating=Rating.of(product),
        )
