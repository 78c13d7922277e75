"""What the catalog service handles: the order service's checkout steps (reserve,
release and commit stock; verified buyers for reviews), and its own events, which
keep the search index in step with the catalog."""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from agora_catalog.context import CatalogContext
from agora_catalog.service import inventory, reviews
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
from agora_contracts.order import OrderCancelled, OrderConfirmed, OrderPlaced, OrderRefunded
from agora_kit.events.consumer import EventConsumer
from agora_kit.events.envelope import CloudEvent

logger = logging.getLogger("agora.catalog.events")

ProductEvent = (
    ProductPublished | ProductUpdated | ProductUnpublished | ProductDeleted | ProductRated
)
VendorEvent = VendorApproved | VendorSuspended | VendorUpdated


def register_handlers(consumer: EventConsumer, context: CatalogContext | None = None) -> None:
    """Subscribe the catalog's handlers. Without a context (a bare consumer, as in the
    chassis' own tests) there is nothing to subscribe."""
    if context is None:
        return
    _register_checkout(consumer, context)
    _register_indexing(consumer, context)


def _register_checkout(consumer: EventConsumer, context: CatalogContext) -> None:
    @consumer.on(OrderPlaced)
    async def reserve(session: AsyncSession, event: OrderPlaced, _: CloudEvent) -> None:
        ttl = event.reservation_ttl_seconds or context.settings.reservation_ttl_seconds
        await inventory.reserve(
            session,
            context.outbox,
            order_id=event.order_id,
            buyer_id=event.buyer_id,
            lines=[inventory.Line(line.sku, line.quantity) for line in event.lines],
            ttl=timedelta(seconds=ttl),
        )

    @consumer.on(OrderCancelled)
    async def release(session: AsyncSession, event: OrderCancelled, _: CloudEvent) -> None:
        await inventory.release(session, context.outbox, event.order_id)
        await reviews.forget_purchases(session, event.order_id)

    @consumer.on(OrderRefunded)
    async def refunded(session: AsyncSession, event: OrderRefunded, _: CloudEvent) -> None:
        if event.fully_refunded:
            await reviews.forget_purchases(session, event.order_id)

    @consumer.on(OrderConfirmed)
    async def commit(session: AsyncSession, event: OrderConfirmed, _: CloudEvent) -> None:
        await inventory.commit(
            session,
            context.outbox,
            event.order_id,
            [inventory.Line(line.sku, line.quantity) for line in event.lines],
        )
        await reviews.record_purchases(
            session,
            buyer_id=event.buyer_id,
            order_id=event.order_id,
            skus=[line.sku for line in event.lines],
            product_ids=[line.product_id for line in event.lines if line.product_id],
        )


def _register_indexing(consumer: EventConsumer, context: CatalogContext) -> None:
    indexer = context.indexer

    async def product_changed(session: AsyncSession, event: ProductEvent, _: CloudEvent) -> None:
        await indexer.refresh(session, [event.product_id])

    consumer.on(ProductPublished)(product_changed)
    consumer.on(ProductUpdated)(product_changed)
    consumer.on(ProductUnpublished)(product_changed)
    consumer.on(ProductDeleted)(product_changed)
    consumer.on(ProductRated)(product_changed)

    async def vendor_changed(session: AsyncSession, event: VendorEvent, _: CloudEvent) -> None:
        # Approval shows the store's products again, suspension hides them all.
        await indexer.refresh_vendor(session, event.vendor_id)

    consumer.on(VendorApproved)(vendor_changed)
    consumer.on(VendorSuspended)(vendor_changed)
    consumer.on(VendorUpdated)(vendor_changed)

    @consumer.on(CategoryUpdated)
    async def category_changed(
        session: AsyncSession, event: CategoryUpdated, _: CloudEvent
    ) -> None:
        await indexer.refresh_category(session, event.category_id)
