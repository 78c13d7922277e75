"""What the order service publishes and the events it handles.

Publishes (order topic, keyed by order id): ``OrderPlaced``, ``OrderCancelled``,
``OrderConfirmed``, ``OrderRefunded``, and the saga's requests of the payment
service ``PaymentRequested`` and ``RefundRequested``.

Handles: the catalog's product snapshots and stock levels (the SKU read model), its
reservation outcomes, and the payment service's payment events (the saga).
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from agora_contracts.catalog import (
    InventoryCommitFailed,
    InventoryReleased,
    InventoryReservationFailed,
    InventoryReserved,
    ProductDeleted,
    ProductPublished,
    ProductUnpublished,
    ProductUpdated,
    StockChanged,
    VendorApplied,
    VendorApproved,
    VendorSuspended,
    VendorUpdated,
)
from agora_contracts.payment import (
    PaymentFailed,
    PaymentIntentCreated,
    PaymentRefunded,
    PaymentSucceeded,
)
from agora_kit.app import ServiceRuntime
from agora_kit.events.consumer import EventConsumer
from agora_kit.events.envelope import CloudEvent
from agora_kit.events.outbox import Outbox
from agora_order.service import readmodel, saga, vendors
from agora_order.settings import Settings


def shortage_reason(event: InventoryReservationFailed | InventoryCommitFailed) -> str:
    parts = [
        f"{line.sku} (wanted {line.requested}, {line.available} left)" for line in event.lines_short
    ]
    return "Not enough stock: " + ", ".join(parts) + "."


def register_handlers(consumer: EventConsumer, outbox: Outbox | None = None) -> None:
    """Subscribe the order service's handlers. The saga's handlers write events, so
    they need the app's outbox; without one (a bare consumer) only the read model is
    subscribed."""

    async def snapshot(
        session: AsyncSession, event: ProductPublished | ProductUpdated, envelope: CloudEvent
    ) -> None:
        await readmodel.apply_snapshot(session, event, envelope.time)

    consumer.on(ProductPublished)(snapshot)
    consumer.on(ProductUpdated)(snapshot)

    async def withdrawn(
        session: AsyncSession, event: ProductUnpublished | ProductDeleted, envelope: CloudEvent
    ) -> None:
        await readmodel.withdraw(session, event.skus, envelope.time)

    consumer.on(ProductUnpublished)(withdrawn)
    consumer.on(ProductDeleted)(withdrawn)

    @consumer.on(StockChanged)
    async def stock(session: AsyncSession, event: StockChanged, envelope: CloudEvent) -> None:
        await readmodel.apply_stock(session, event, envelope.time)

    async def vendor(
        session: AsyncSession,
        event: VendorApplied | VendorApproved | VendorSuspended | VendorUpdated,
        _: CloudEvent,
    ) -> None:
        if isinstance(event, VendorUpdated):
            active = event.status != "suspended"
        else:
            active = not isinstance(event, VendorSuspended)
        await vendors.remember(session, event.vendor_id, event.owner_id, event.name, active=active)

    consumer.on(VendorApplied)(vendor)
    consumer.on(VendorApproved)(vendor)
    consumer.on(VendorSuspended)(vendor)
    consumer.on(VendorUpdated)(vendor)

    if outbox is None:
        return
    the_outbox = outbox

    @consumer.on(InventoryReserved)
    async def reserved(session: AsyncSession, event: InventoryReserved, _: CloudEvent) -> None:
        await saga.stock_reserved(session, the_outbox, event.order_id, event.expires_at)

    @consumer.on(InventoryReservationFailed)
    async def refused(
        session: AsyncSession, event: InventoryReservationFailed, _: CloudEvent
    ) -> None:
        await saga.stock_refused(session, the_outbox, event.order_id, shortage_reason(event))

    @consumer.on(InventoryCommitFailed)
    async def unsellable(
        session: AsyncSession, event: InventoryCommitFailed, _: CloudEvent
    ) -> None:
        await saga.commit_failed(
            session,
            the_outbox,
            event.order_id,
            "Sold out before the payment arrived: " + shortage_reason(event),
        )

    @consumer.on(InventoryReleased)
    async def released(session: AsyncSession, event: InventoryReleased, _: CloudEvent) -> None:
        if event.reason == "expired":
            await saga.reservation_expired(session, the_outbox, event.order_id)

    @consumer.on(PaymentIntentCreated)
    async def intent(session: AsyncSession, event: PaymentIntentCreated, _: CloudEvent) -> None:
        await saga.intent_created(session, event.order_id, event.payment_id, event.client_secret)

    @consumer.on(PaymentSucceeded)
    async def paid(session: AsyncSession, event: PaymentSucceeded, _: CloudEvent) -> None:
        await saga.payment_succeeded(
            session,
            the_outbox,
            event.order_id,
            payment_id=event.payment_id,
            amount=event.amount.amount,
            payment_method=event.payment_method,
        )

    @consumer.on(PaymentFailed)
    async def failed(session: AsyncSession, event: PaymentFailed, _: CloudEvent) -> None:
        await saga.payment_failed(session, the_outbox, event.order_id, event.reason)

    @consumer.on(PaymentRefunded)
    async def refunded(session: AsyncSession, event: PaymentRefunded, _: CloudEvent) -> None:
        await saga.refunded(
            session,
            the_outbox,
            event.order_id,
            amount=event.amount.amount,
            total_refunded=event.total_refunded.amount if event.total_refunded else None,
            refund_id=event.refund_id,
            reason=event.reason,
        )


async def payment_timeouts(runtime: ServiceRuntime) -> None:
    """Background task: cancel orders whose payment did not arrive in time."""
    import asyncio

    settings = runtime.settings
    assert isinstance(settings, Settings)
    while True:
        async with runtime.database.transaction() as session:
            await saga.time_out_unpaid(
                session, runtime.outbox, after=timedelta(seconds=settings.payment_timeout_seconds)
            )
        await asyncio.sleep(settings.payment_sweep_seconds)
