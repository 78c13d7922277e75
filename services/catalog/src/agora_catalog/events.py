"""What the catalog service handles: the order service's checkout steps (reserve,
release and commit stock; verified buyers for reviews; the co-purchase counts behind
"customers also bought", ADR 0122), an erased account (reviews anonymised, store
closed, wishlist and purchases removed, ADR 0112), a store's KYC status from the
payment service (ADR 0104), and its own events, which keep the search index in step
with the catalog."""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from agora_catalog.service import (
    also_bought,
    personal,
    reservations,
    reviews,
    stock,
    vendors,
)
from agora_catalog.service.context import CatalogContext
from agora_contracts.catalog import (
    CategoryUpdated,
    ProductDeleted,
    ProductPublished,
    ProductRated,
    ProductUnpublished,
    ProductUpdated,
    VendorApproved,
    VendorSuspended,
    VendorUpdated,
)
from agora_contracts.events import EventPayload
from agora_contracts.order import (
    OrderCancelled,
    OrderConfirmed,
    OrderPlaced,
    OrderRefunded,
    ReturnReceived,
)
from agora_contracts.payment import ConnectAccountUpdated
from agora_contracts.user import UserDeleted
from agora_kit.app import EventHandler
from agora_kit.events.envelope import CloudEvent

logger = logging.getLogger("agora.catalog.events")

ProductEvent = (
    ProductPublished | ProductUpdated | ProductUnpublished | ProductDeleted | ProductRated
)
VendorEvent = VendorApproved | VendorSuspended | VendorUpdated


# The order service's checkout steps.


async def reserve(
    context: CatalogContext, session: AsyncSession, event: OrderPlaced, _: CloudEvent
) -> None:
    ttl = event.reservation_ttl_seconds or context.settings.reservation_ttl_seconds
    await reservations.reserve(
        session,
        context.outbox,
        order_id=event.order_id,
        buyer_id=event.buyer_id,
        lines=[reservations.Line(line.sku, line.quantity) for line in event.lines],
        ttl=timedelta(seconds=ttl),
    )


async def release(
    context: CatalogContext, session: AsyncSession, event: OrderCancelled, _: CloudEvent
) -> None:
    await reservations.release(session, context.outbox, event.order_id)
    await reviews.forget_purchases(session, event.order_id)


async def refunded(
    context: CatalogContext, session: AsyncSession, event: OrderRefunded, _: CloudEvent
) -> None:
    if event.fully_refunded:
        await reviews.forget_purchases(session, event.order_id)


async def commit(
    context: CatalogContext, session: AsyncSession, event: OrderConfirmed, _: CloudEvent
) -> None:
    await reservations.commit(
        session,
        context.outbox,
        event.order_id,
        [reservations.Line(line.sku, line.quantity) for line in event.lines],
    )
    bought = await reviews.record_purchases(
        session,
        buyer_id=event.buyer_id,
        order_id=event.order_id,
        skus=[line.sku for line in event.lines],
        product_ids=[line.product_id for line in event.lines if line.product_id],
    )
    await also_bought.record_order(session, bought)


async def returned(
    context: CatalogContext, session: AsyncSession, event: ReturnReceived, _: CloudEvent
) -> None:
    """The store has a return back; its units go on sale again when it said so."""
    if event.restock:
        await stock.restock(
            session, context.outbox, [(line.sku, line.quantity) for line in event.lines]
        )


async def user_deleted(
    context: CatalogContext, session: AsyncSession, event: UserDeleted, _: CloudEvent
) -> None:
    await personal.erase(session, context.outbox, event.user_id)


# The catalog's own events, which keep the search index in step.


async def product_changed(
    context: CatalogContext, session: AsyncSession, event: ProductEvent, _: CloudEvent
) -> None:
    await context.indexer.refresh(session, [event.product_id])
    if not isinstance(event, ProductRated):  # a rating is not part of its text
        context.embeddings_wanted.set()


async def vendor_changed(
    context: CatalogContext, session: AsyncSession, event: VendorEvent, _: CloudEvent
) -> None:
    # Approval shows the store's products again, suspension hides them all.
    await context.indexer.refresh_vendor(session, event.vendor_id)
    context.embeddings_wanted.set()


async def category_changed(
    context: CatalogContext, session: AsyncSession, event: CategoryUpdated, _: CloudEvent
) -> None:
    await context.indexer.refresh_category(session, event.category_id)
    context.embeddings_wanted.set()  # its name is part of its products' text


async def kyc_changed(
    context: CatalogContext, session: AsyncSession, event: ConnectAccountUpdated, _: CloudEvent
) -> None:
    """The store's KYC status at the payment provider, shown to its owner and admins."""
    await vendors.kyc_changed(session, event.vendor_id, event.kyc_status, event.updated_at)


HANDLED: dict[type[EventPayload], EventHandler[CatalogContext]] = {
    OrderPlaced: reserve,
    OrderCancelled: release,
    OrderRefunded: refunded,
    OrderConfirmed: commit,
    ReturnReceived: returned,
    UserDeleted: user_deleted,
    ProductPublished: product_changed,
    ProductUpdated: product_changed,
    ProductUnpublished: product_changed,
    ProductDeleted: product_changed,
    ProductRated: product_changed,
    VendorApproved: vendor_changed,
    VendorSuspended: vendor_changed,
    VendorUpdated: vendor_changed,
    CategoryUpdated: category_changed,
    ConnectAccountUpdated: kyc_changed,
}
