"""The signed-in buyer's wishlist: products (or one of their SKUs) they want, told
when one is back in stock or cheaper."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response

from agora_catalog.api.deps import PersonDep
from agora_catalog.api.wishlist_schemas import WishIn, WishOut, WishPage
from agora_catalog.service import wishlist
from agora_kit.db import ReadSessionDep, SessionDep
from agora_kit.errors import problem_responses
from agora_kit.pagination import PageParamsDep

router = APIRouter(tags=["wishlist"])


@router.get(
    "/wishlist",
    response_model=WishPage,
    summary="Your wishlist, newest first",
    responses=problem_responses(401, 403, 422),
)
async def list_wishlist(session: ReadSessionDep, actor: PersonDep, page: PageParamsDep) -> WishPage:
    """The signed-in buyer's wishlist, newest first, cursor-paginated."""
    return WishPage.of(await wishlist.page(session, actor.user_id, page))


@router.post(
    "/wishlist",
    status_code=201,
    response_model=WishOut,
    summary="Add a product, or one of its variants, to your wishlist",
    responses={
        **problem_responses(401, 403, 422),
        200: {"model": WishOut, "description": "Already on the wishlist"},
    },
)
async def add_to_wishlist(
    body: WishIn, response: Response, session: SessionDep, actor: PersonDep
) -> WishOut:
    """Add a product for sale (or one of its variants, `sku`) to the wishlist: 201. It is
    already there: 200 with the same item, so retrying is safe. You are told (in the
    app and by e-mail, as your preferences say) when it is back in stock or cheaper.
    An unknown product or variant is 422."""
    wish, title, created = await wishlist.add(session, actor.user_id, body.product_id, body.sku)
    if not created:
        response.status_code = 200
    return WishOut.of(wish, title)


@router.delete(
    "/wishlist/{item_id}",
    status_code=204,
    response_class=Response,
    summary="Remove an item from your wishlist",
    responses=problem_responses(401, 403, 404),
)
async def remove_from_wishlist(item_id: uuid.UUID, session: SessionDep, actor: PersonDep) -> None:
    """Remove an item (by its `id`) from the wishlist; 404 if it is not on yours."""
    await wishlist.remove(session, actor.user_id, item_id)
