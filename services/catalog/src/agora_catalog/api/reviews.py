"""Reviews of a product, by verified buyers."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response

from agora_catalog.api.deps import ContextDep, PersonDep, ReaderDep
from agora_catalog.api.review_schemas import ReviewIn, ReviewOut, ReviewPage
from agora_catalog.service import reviews
from agora_kit.db import ReadSessionDep, SessionDep
from agora_kit.errors import problem_responses
from agora_kit.idempotency import IdempotencyDep
from agora_kit.pagination import PageParamsDep

router = APIRouter(tags=["reviews"])


@router.post(
    "/products/{product_id}/reviews",
    status_code=201,
    response_model=ReviewOut,
    summary="Review a product you bought (one review per product)",
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def post_review(
    product_id: uuid.UUID,
    *,
    body: ReviewIn,
    session: SessionDep,
    context: ContextDep,
    actor: PersonDep,
    idempotency: IdempotencyDep,
) -> ReviewOut | Response:
    """Review a product the caller bought: a rating from 1 to 5, a title and a body. One
    review per buyer and product (409); others get 403."""
    if idempotency.replay is not None:
        return idempotency.replay
    review = await reviews.post(
        session,
        context.outbox,
        actor,
        product_id,
        rating=body.rating,
        title=body.title,
        body=body.body,
    )
    out = ReviewOut.of(review)
    await idempotency.store(201, out)
    return out


@router.get(
    "/products/{product_id}/reviews",
    response_model=ReviewPage,
    summary="A product's reviews, newest first, with its rating",
    responses=problem_responses(404, 422),
)
async def list_reviews(
    product_id: uuid.UUID, session: ReadSessionDep, _: ReaderDep, page: PageParamsDep
) -> ReviewPage:
    """A product's reviews, newest first, cursor-paginated, with the product's average
    rating and the count per star."""
    product, found = await reviews.page(session, product_id, page)
    return ReviewPage.of(product, found)
