"""Products and variants: browse and detail for everyone; drafts, publishing and
variants for the store's owner (or an admin)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response

from agora_catalog.api.currencies import show_page, show_product
from agora_catalog.api.deps import ContextDep, PublicReadDep, StoreWriterDep
from agora_catalog.api.schemas import (
    ProductIn,
    ProductOut,
    ProductPage,
    ProductPatch,
    VariantIn,
    VariantOut,
    VariantPatch,
)
from agora_catalog.service import product_views, products, variants
from agora_kit.db import SessionDep
from agora_kit.errors import problem_responses
from agora_kit.idempotency import IdempotencyDep
from agora_kit.pagination import PageParamsDep

router = APIRouter(tags=["products"])


def _images(images: list[Any]) -> list[dict[str, Any]]:
    return [{"url": str(image.url), "alt": image.alt} for image in images]


@router.get(
    "/products",
    response_model=ProductPage,
    summary="Products for sale, newest first",
    responses=problem_responses(422),
)
async def browse(
    page: PageParamsDep,
    read: PublicReadDep,
    category: Annotated[
        uuid.UUID | None, Query(description="This category and every one below it")
    ] = None,
    vendor: Annotated[uuid.UUID | None, Query(description="One store's products")] = None,
) -> ProductPage:
    """Published products, newest first, cursor-paginated; filter by `category` (and its
    subcategories) or `vendor`. With `currency`, each price is also shown converted to
    it (`display_price_from`); an unknown currency is 422 `unknown-currency`."""
    async with read.session() as session:
        listing = await product_views.browse(session, page, category_id=category, vendor_id=vendor)
        return show_page(ProductPage.of(listing), read.shown)


@router.post(
    "/products",
    status_code=201,
    response_model=ProductOut,
    summary="Create a draft product in your store",
    responses=problem_responses(401, 403, 404, 422),
)
async def create_product(
    body: ProductIn,
    *,
    response: Response,
    session: SessionDep,
    actor: StoreWriterDep,
    idempotency: IdempotencyDep,
    context: ContextDep,
) -> ProductOut | Response:
    """Create a product in the caller's store as a `draft`; it goes on sale when
    published with at least one variant. The caller's store must be approved."""
    if idempotency.replay is not None:
        return idempotency.replay
    product = await products.create(
        session,
        context.outbox,
        actor,
        products.NewProduct(
            title=body.title,
            description=body.description,
            category_id=body.category_id,
            attributes=body.attributes,
            images=_images(body.images),
        ),
        vendor_id=body.vendor_id,
    )
    out = ProductOut.of(await product_views.view(session, product.id, actor, context.media), actor)
    location = f"/api/v1/products/{product.id}"
    response.headers["Location"] = location
    await idempotency.store(201, out, location)
    return out


@router.get(
    "/products/{product_id}",
    response_model=ProductOut,
    summary="A product with its variants and the stock available per SKU",
    responses=problem_responses(404, 422),
)
async def get_product(product_id: uuid.UUID, read: PublicReadDep) -> ProductOut:
    """A product with its variants and the stock available per SKU. Drafts and
    unpublished products are visible only to their vendor and admins (404 to others).
    With `currency`, each price is also shown converted to it (`display_price`,
    `display_price_from`: amount, currency, rate and the rates' date); an unknown
    currency is 422 `unknown-currency`. Checkout charges the product's own currency."""
    async with read.session() as session:
        view = await product_views.view(session, product_id, read.actor, read.context.media)
        return show_product(ProductOut.of(view, read.actor), read.shown)


@router.patch(
    "/products/{product_id}",
    response_model=ProductOut,
    summary="Change a product (owner or admin)",
    responses=problem_responses(401, 403, 404, 422),
)
async def patch_product(
    product_id: uuid.UUID,
    body: ProductPatch,
    session: SessionDep,
    context: ContextDep,
    actor: StoreWriterDep,
) -> ProductOut:
    """Change a product's title, description, category, attributes or images. Only the
    fields sent change. The owning vendor or an admin."""
    changes = body.model_dump(exclude_unset=True, exclude={"images"})
    # Explicit nulls mean "leave as is" for fields that cannot be empty.
    changes = {name: value for name, value in changes.items() if value is not None}
    if body.images is not None:
        changes["images"] = _images(body.images)
    await products.update(session, context.outbox, actor, product_id, changes)
    return ProductOut.of(await product_views.view(session, product_id, actor, context.media), actor)


@router.delete(
    "/products/{product_id}",
    status_code=204,
    summary="Delete a product (owner or admin); its SKUs stay taken",
    responses=problem_responses(401, 403, 404),
)
async def delete_product(
    product_id: uuid.UUID, session: SessionDep, context: ContextDep, actor: StoreWriterDep
) -> None:
    """Delete a product and its variants; their SKUs stay taken, so past orders keep
    naming one SKU. The owning vendor or an admin."""
    await products.delete(session, context.outbox, actor, product_id)


@router.post(
    "/products/{product_id}/publish",
    response_model=ProductOut,
    summary="Put a product on sale (owner or admin)",
    responses=problem_responses(401, 403, 404, 409),
)
async def publish(
    product_id: uuid.UUID, session: SessionDep, context: ContextDep, actor: StoreWriterDep
) -> ProductOut:
    """Put a product on sale: it appears in listings and search. Needs at least one
    variant. The owning vendor or an admin."""
    await products.publish(session, context.outbox, actor, product_id)
    return ProductOut.of(await product_views.view(session, product_id, actor, context.media), actor)


@router.post(
    "/products/{product_id}/unpublish",
    response_model=ProductOut,
    summary="Take a product off sale (owner or admin)",
    responses=problem_responses(401, 403, 404),
)
async def unpublish(
    product_id: uuid.UUID, session: SessionDep, context: ContextDep, actor: StoreWriterDep
) -> ProductOut:
    """Take a product off sale: it leaves listings and search; orders already placed are
    unaffected. The owning vendor or an admin."""
    await products.unpublish(session, context.outbox, actor, product_id)
    return ProductOut.of(await product_views.view(session, product_id, actor, context.media), actor)


@router.post(
    "/products/{product_id}/variants",
    status_code=201,
    response_model=VariantOut,
    summary="Add a sellable SKU with its price and stock (owner or admin)",
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def add_variant(
    product_id: uuid.UUID,
    *,
    body: VariantIn,
    session: SessionDep,
    context: ContextDep,
    actor: StoreWriterDep,
    idempotency: IdempotencyDep,
) -> VariantOut | Response:
    """Add a sellable SKU to a product, with its price, attributes and initial stock.
    SKUs are unique across the catalog (409). The owning vendor or an admin."""
    if idempotency.replay is not None:
        return idempotency.replay
    view = await variants.add(
        session,
        context.outbox,
        actor,
        product_id,
        sku=body.sku,
        price_amount=body.price.amount,
        currency=body.price.currency,
        attributes=body.attributes,
        stock=body.stock,
    )
    out = VariantOut.of(view, private=True)
    await idempotency.store(201, out)
    return out


@router.patch(
    "/products/{product_id}/variants/{sku}",
    response_model=VariantOut,
    summary="Change a variant's price or attributes (owner or admin)",
    responses=problem_responses(401, 403, 404, 422),
)
async def patch_variant(
    product_id: uuid.UUID,
    sku: str,
    *,
    body: VariantPatch,
    session: SessionDep,
    context: ContextDep,
    actor: StoreWriterDep,
) -> VariantOut:
    """Change a variant's price or attributes. Carts show the new price at once; orders
    keep the price they were placed at."""
    view = await variants.update(
        session,
        context.outbox,
        actor,
        product_id,
        sku,
        price_amount=body.price.amount if body.price else None,
        currency=body.price.currency if body.price else None,
        attributes=body.attributes,
    )
    return VariantOut.of(view, private=True)


@router.delete(
    "/products/{product_id}/variants/{sku}",
    status_code=204,
    summary="Stop selling a variant (owner or admin); its SKU stays taken",
    responses=problem_responses(401, 403, 404, 409),
)
async def delete_variant(
    product_id: uuid.UUID,
    sku: str,
    session: SessionDep,
    context: ContextDep,
    actor: StoreWriterDep,
) -> None:
    """Stop selling a variant. Its SKU stays taken; a product's last variant cannot be
    deleted (409). The owning vendor or an admin."""
    await variants.delete(session, context.outbox, actor, product_id, sku)
