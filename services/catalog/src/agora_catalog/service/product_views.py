"""Products as readers see them: one product with its variants and stock, and the
pages of products a listing shows with their lowest prices. Reads only; ``products``
and ``variants`` hold the changes a store makes. The queries, built once for the
hottest read, are in :mod:`agora_catalog.repository.product_views`."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from agora_catalog.adapters.media.base import MediaStore
from agora_catalog.domain.products import ProductView
from agora_catalog.models import Product
from agora_catalog.repository import categories as category_repo
from agora_catalog.repository import product_views as repo
from agora_catalog.repository import vendors as vendor_repo
from agora_catalog.service import images
from agora_catalog.service.access import Actor
from agora_kit.errors import NotFound
from agora_kit.pagination import Page, PageParams

__all__ = ["Listing", "browse", "own_products", "view"]


@dataclass(frozen=True)
class Listing:
    """A page of products, with the lowest price (amount, currency) of each that has a
    live variant."""

    page: Page[Product]
    prices: dict[uuid.UUID, tuple[int, str]]


async def view(
    session: AsyncSession, product_id: uuid.UUID, actor: Actor | None, media: MediaStore
) -> ProductView:
    """The product as ``actor`` may see it, with its variants and uploaded images
    (``images.visible``: 404 to whom may not see it)."""
    product, vendor, uploads = await images.visible(session, actor, product_id)
    return ProductView(
        product,
        vendor,
        await repo.variants_of(session, product.id),
        [images.links(image, media) for image in uploads],
    )


async def _listing(session: AsyncSession, page: Page[Product]) -> Listing:
    return Listing(page, await repo.lowest_prices(session, [p.id for p in page.items]))


async def browse(
    session: AsyncSession,
    params: PageParams,
    *,
    category_id: uuid.UUID | None,
    vendor_id: uuid.UUID | None,
) -> Listing:
    """Products for sale, newest first: in this category and every one below it, of
    this store."""
    category_ids = None
    if category_id is not None:
        category_ids = (await category_repo.load_tree(session)).subtree_ids(category_id)
    page = await repo.published_page(
        session, params, category_ids=category_ids, vendor_id=vendor_id
    )
    return await _listing(session, page)


async def own_products(
    session: AsyncSession, actor: Actor, params: PageParams, *, status: str | None
) -> Listing:
    """The caller's own store's products, drafts included, newest first."""
    vendor = await vendor_repo.vendor_of_owner(session, actor.user_id)
    if vendor is None:
        raise NotFound("You have no store.")
    page = await repo.store_page(session, params, vendor_id=vendor.id, status=status)
    return await _listing(session, page)
