"""Products and variants: browse and detail for everyone; drafts, publishing and
variants for the store's owner (or an admin)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from sqlalchemy.ext.asyncio import AsyncSession

from agora_catalog.api.deps import ContextDep, ReaderDep, StoreWriterDep
from agora_catalog.api.schemas import (
    ImageOut,
    Money,
    ProductIn,
    ProductOut,
    ProductPage,
    ProductPatch,
    ProductSummary,
    Rating,
    VariantIn,
    VariantOut,
    VariantPatch,
)
from agora_catalog.models import Product
from agora_catalog.service import categories, product_views, products
from agora_catalog.service.access import Actor
from agora_kit.db import ReadSessionDep, SessionDep
from agora_kit.errors import problem_responses
from agora_kit.idempotency import IdempotencyDep
from agora_kit.pagination import Page, PageParamsDep, keyset_page

router = APIRouter(tags=["products"])


def rating_of(product: Product) -> Rating:
    return Rating(
        average=product_views.rating_average(product.rating_sum, product.rating_count),
        count=product.rating_count,
    )


def variant_out(view: product_views.VariantView, *, private: bool) -> VariantOut:
    variant = view.variant
    return VariantOut(
        id=variant.id,
        sku=variant.sku,
        price=Money(amount=variant.price_amount, currency=variant.currency),
        attributes=variant.attributes,
        available=max(view.available, 0),
        on_hand=view.inventory.on_hand if private and view.inventory else None,
        reserved=view.inventory.reserved if private and view.inventory else None,
    )


def product_out(view: product_views.ProductView, actor: Actor | None) -> ProductOut:
    product = view.product
    private = actor is not None and (actor.is_admin or actor.user_id == view.vendor.owner_id)
    cheapest = min(view.variants, key=lambda v: v.variant.price_amount, default=None)
    return ProductOut(
        id=product.id,
        vendor_id=product.vendor_id,
        category_id=product.category_id,
        title=product.title,
        description=product.description,
        attributes=product.attributes,
        images=[ImageOut(**image) for image in product.images],
        status=product.status,
        price_from=(
            Money(amount=cheapest.variant.price_amount, currency=cheapest.variant.currency)
            if cheapest
            else None
        ),
        rating=rating_of(product),
        variants=[variant_out(v, private=private) for v in view.variants],
        created_at=product.created_at,
        updated_at=product.updated_at,
        published_at=product.published_at,
    )


async def summaries(session: AsyncSession, page: Page[Product]) -> ProductPage:
    prices = await product_views.prices(session, [p.id for p in page.items])
    items = []
    for product in page.items:
        price = prices.get(product.id)
        items.append(
            ProductSummary(
                id=product.id,
                vendor_id=product.vendor_id,
                category_id=product.category_id,
                title=product.title,
                status=product.status,
                price_from=Money(amount=price[0], currency=price[1]) if price else None,
                image_url=product.images[0]["url"] if product.images else None,
                rating=rating_of(product),
                created_at=product.created_at,
                published_at=product.published_at,
            )
        )
    return ProductPage(items=items, next_cursor=page.next_cursor)


def _images(images: list[Any]) -> list[dict[str, Any]]:
    return [{"url": str(image.url), "alt": image.alt} for image in images]


@router.get(
    "/products",
    response_model=ProductPage,
    summary="Products for sale, newest first",
    responses=problem_responses(422),
)
async def browse(
    session: ReadSessionDep,
    _: ReaderDep,
    page: PageParamsDep,
    category: Annotated[
        uuid.UUID | None, Query(description="This category and every one below it")
    ] = None,
    vendor: Annotated[uuid.UUID | None, Query(description="One store's products")] = None,
) -> ProductPage:
    category_ids = None
    if category is not None:
        category_ids = (await categories.load_tree(session)).subtree_ids(category)
    found = await keyset_page(
        session,
        product_views.published(category_ids, vendor),
        key=[Product.published_at, Product.id],
        key_of=lambda p: (p.published_at, p.id),
        params=page,
        to_item=lambda p: p,
        direction="desc",
    )
    return await summaries(session, found)


@router.post(
    "/products",
    status_code=201,
    response_model=ProductOut,
    summary="Create a draft product in your store",
    responses=problem_responses(401, 403, 404, 422),
)
async def create_product(
    body: ProductIn,
    response: Response,
    session: SessionDep,
    actor: StoreWriterDep,
    idempotency: IdempotencyDep,
) -> ProductOut | Response:
    if idempotency.replay is not None:
        return idempotency.replay
    product = await products.create(
        session,
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
    out = product_out(await product_views.view(session, product.id, actor), actor)
    location = f"/api/v1/products/{product.id}"
    response.headers["Location"] = location
    await idempotency.store(201, out, location)
    return out


@router.get(
    "/products/{product_id}",
    response_model=ProductOut,
    summary="A product with its variants and the stock available per SKU",
    responses=problem_responses(404),
)
async def get_product(
    product_id: uuid.UUID, session: ReadSessionDep, actor: ReaderDep
) -> ProductOut:
    return product_out(await product_views.view(session, product_id, actor), actor)


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
    changes = body.model_dump(exclude_unset=True, exclude={"images"})
    # Explicit nulls mean "leave as is" for fields that cannot be empty.
    changes = {name: value for name, value in changes.items() if value is not None}
    if body.images is not None:
        changes["images"] = _images(body.images)
    await products.update(session, context.outbox, actor, product_id, changes)
    return product_out(await product_views.view(session, product_id, actor), actor)


@router.delete(
    "/products/{product_id}",
    status_code=204,
    summary="Delete a product (owner or admin); its SKUs stay taken",
    responses=problem_responses(401, 403, 404),
)
async def delete_product(
    product_id: uuid.UUID, session: SessionDep, context: ContextDep, actor: StoreWriterDep
) -> None:
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
    await products.publish(session, context.outbox, actor, product_id)
    return product_out(await product_views.view(session, product_id, actor), actor)


@router.post(
    "/products/{product_id}/unpublish",
    response_model=ProductOut,
    summary="Take a product off sale (owner or admin)",
    responses=problem_responses(401, 403, 404),
)
async def unpublish(
    product_id: uuid.UUID, session: SessionDep, context: ContextDep, actor: StoreWriterDep
) -> ProductOut:
    await products.unpublish(session, context.outbox, actor, product_id)
    return product_out(await product_views.view(session, product_id, actor), actor)


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
    if idempotency.replay is not None:
        return idempotency.replay
    view = await products.add_variant(
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
    out = variant_out(view, private=True)
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
    view = await products.update_variant(
        session,
        context.outbox,
        actor,
        product_id,
        sku,
        price_amount=body.price.amount if body.price else None,
        currency=body.price.currency if body.price else None,
        attributes=body.attributes,
    )
    return variant_out(view, private=True)


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
    await products.delete_variant(session, context.outbox, actor, product_id, sku)
