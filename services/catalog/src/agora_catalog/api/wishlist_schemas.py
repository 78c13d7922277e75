"""Request and response bodies of the wishlist."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, Field

from agora_catalog.api.schemas import Sku
from agora_catalog.models import Wish
from agora_kit.pagination import Page

WISH_IN = {
    "examples": [
        {"product_id": "3f2b8a9e-5d41-4c8e-9a7b-2e1f0c6d4b13", "sku": "MUG-BLUE-350"},
        {"product_id": "3f2b8a9e-5d41-4c8e-9a7b-2e1f0c6d4b13"},
    ]
}


class WishIn(BaseModel, json_schema_extra=WISH_IN):
    product_id: uuid.UUID
    sku: Sku | None = Field(
        default=None,
        description="One variant of the product; leave it out to wish the product as a "
        "whole (told about any of its variants)",
    )


class WishOut(BaseModel):
    id: uuid.UUID
    product_id: uuid.UUID
    sku: str | None = Field(description="The variant wished, or null for the whole product")
    title: str = Field(description="The product's title")
    added_at: datetime

    @classmethod
    def of(cls, wish: Wish, title: str) -> WishOut:
        return cls(
            id=wish.id,
            product_id=wish.product_id,
            sku=wish.sku,
            title=title,
            added_at=wish.created_at,
        )


class WishPage(BaseModel):
    items: list[WishOut]
    next_cursor: str | None = None

    @classmethod
    def of(cls, page: Page[tuple[Wish, str]]) -> WishPage:
        return cls(
            items=[WishOut.of(wish, title) for wish, title in page.items],
            next_cursor=page.next_cursor,
        )
