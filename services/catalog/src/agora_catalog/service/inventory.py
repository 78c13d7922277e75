"""Stock per SKU, and the reservations of the checkout saga.

``available = on_hand - reserved``. A reservation takes every line of an order or none
of them. Every path that changes stock locks the inventory rows it touches with
``SELECT ... FOR UPDATE`` in one order (by SKU), after the reservation row if it
has one, so concurrent checkouts serialise on the SKUs they share and never deadlock;
the table's check constraint (``reserved <= on_hand``) refuses an oversell whatever
happens above it. Reservations are keyed by order id: a repeated request for an order
does nothing, and a cancellation that overtakes its order leaves a mark so the late
request reserves nothing.
"""

from __future__ import annotations

import logging
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from agora_catalog.models import (
    PRODUCT_PUBLISHED,
    RESERVATION_ACTIVE,
    RESERVATION_COMMITTED,
    RESERVATION_EXPIRED,
    RESERVATION_FAILED,
    RESERVATION_RELEASED,
    VENDOR_APPROVED,
    Inventory,
    Product,
    Reservation,
    ReservationLine,
    Variant,
    Vendor,
)
from agora_catalog.service.access import Actor
from agora_catalog.service.errors import NotYourProduct, StockBelowReserved, VendorNotApproved
from agora_contracts.catalog import (
    InventoryCommitFailed,
    InventoryCommitted,
    InventoryReleased,
    InventoryReservationFailed,
    InventoryReserved,
    LowStock,
    ReservedLine,
    ShortLine,
    StockChanged,
)
from agora_kit.errors import NotFound
from agora_kit.events.outbox import Outbox

logger = logging.getLogger("agora.catalog.inventory")


@dataclass(frozen=True)
class Line:
    sku: str
    quantity: int


@dataclass(frozen=True)
class ReserveOutcome:
    """``reserved`` all lines, or ``lines_short``; ``duplicate`` when the order had
    already been handled (nothing was done)."""

    reserved: bool
    lines_short: list[ShortLine]
    duplicate: bool = False


def _wanted(lines: Iterable[Line]) -> dict[str, int]:
    """Quantities per SKU, in lock order; an order may name a SKU on two lines."""
    wanted: dict[str, int] = defaultdict(int)
    for line in lines:
        wanted[line.sku] += line.quantity
    return dict(sorted(wanted.items()))


async def _lock(session: AsyncSession, skus: Iterable[str]) -> dict[str, Inventory]:
    ordered = sorted(set(skus))
    if not ordered:
        return {}
    rows = await session.scalars(
        select(Inventory)
        .where(Inventory.sku.in_(ordered))
        .order_by(Inventory.sku)
        .with_for_update()
        # Fresh values, never the session's cached ones: they were read before the lock.
        .execution_options(populate_existing=True)
    )
    return {row.sku: row for row in rows}


async def _sellable(session: AsyncSession, skus: Iterable[str]) -> set[str]:
    """SKUs that are for sale now: variant live, product published, store approved."""
    rows = await session.scalars(
        select(Variant.sku)
        .join(Product, Product.id == Variant.product_id)
        .join(Vendor, Vendor.id == Product.vendor_id)
        .where(
            Variant.sku.in_(list(skus)),
            Variant.deleted_at.is_(None),
            Product.status == PRODUCT_PUBLISHED,
            Product.deleted_at.is_(None),
            Vendor.status == VENDOR_APPROVED,
        )
    )
    return set(rows)


async def _announce_stock(
    session: AsyncSession, outbox: Outbox, changes: Sequence[tuple[Inventory, int]]
) -> None:
    """A StockChanged per SKU, and LowStock when ``available`` crossed below the
    store's threshold (from ``before``, the available count before the change)."""
    if not changes:
        return
    vendor_ids = {inventory.vendor_id for inventory, _ in changes}
    rows = await session.execute(
        select(Vendor.id, Vendor.low_stock_threshold).where(Vendor.id.in_(vendor_ids))
    )
    thresholds = dict(rows.tuples().all())
    for inventory, before in changes:
        await outbox.add(
            session,
            StockChanged(
                sku=inventory.sku,
                product_id=inventory.product_id,
                vendor_id=inventory.vendor_id,
                on_hand=inventory.on_hand,
                reserved=inventory.reserved,
                available=inventory.available,
            ),
            key=inventory.sku,
        )
        threshold = thresholds.get(inventory.vendor_id, 0)
        if before >= threshold > inventory.available:
            await outbox.add(
                session,
                LowStock(
                    sku=inventory.sku,
                    vendor_id=inventory.vendor_id,
                    product_id=inventory.product_id,
                    available=inventory.available,
                    threshold=threshold,
                ),
                key=inventory.sku,
            )


# --- Stock levels, set by the store


async def stock(session: AsyncSession, actor: Actor, sku: str, *, lock: bool = False) -> Inventory:
    stmt = select(Inventory).where(Inventory.sku == sku)
    if lock:
        stmt = stmt.with_for_update()
    inventory = await session.scalar(stmt)
    if inventory is None:
        raise NotFound(f"No SKU {sku!r}.")
    if actor.is_admin:
        return inventory
    vendor = await session.get(Vendor, inventory.vendor_id)
    if vendor is None or vendor.owner_id != actor.user_id:
        raise NotYourProduct("This SKU belongs to another store.")
    if lock and vendor.status != VENDOR_APPROVED:
        raise VendorNotApproved(f"Your store is {vendor.status}.")
    return inventory


async def set_on_hand(
    session: AsyncSession, outbox: Outbox, actor: Actor, sku: str, on_hand: int
) -> Inventory:
    inventory = await stock(session, actor, sku, lock=True)
    if on_hand < inventory.reserved:
        raise StockBelowReserved(
            f"{inventory.reserved} unit(s) of {sku} are reserved by open orders; "
            f"on_hand cannot go below that."
        )
    before = inventory.available
    if on_hand == inventory.on_hand:
        return inventory
    inventory.on_hand = on_hand
    inventory.updated_at = datetime.now(UTC)
    await session.flush()
    await _announce_stock(session, outbox, [(inventory, before)])
    return inventory


# --- The checkout saga's reservations


def _reserved_lines(wanted: dict[str, int], stock_rows: dict[str, Inventory]) -> list[ReservedLine]:
    return [
        ReservedLine(
            sku=sku,
            quantity=quantity,
            vendor_id=stock_rows[sku].vendor_id if sku in stock_rows else None,
            product_id=stock_rows[sku].product_id if sku in stock_rows else None,
        )
        for sku, quantity in wanted.items()
    ]


async def reserve(
    session: AsyncSession,
    outbox: Outbox,
    *,
    order_id: uuid.UUID,
    buyer_id: uuid.UUID | None,
    lines: Sequence[Line],
    ttl: timedelta,
    now: datetime | None = None,
) -> ReserveOutcome:
    now = now or datetime.now(UTC)
    # The reservation row first: a second request for the same order waits on it,
    # then finds it and does nothing.
    created = await session.execute(
        pg_insert(Reservation)
        .values(
            order_id=order_id,
            buyer_id=buyer_id,
            status=RESERVATION_ACTIVE,
            expires_at=now + ttl,
        )
        .on_conflict_do_nothing()
        .returning(Reservation.order_id)
    )
    if created.first() is None:
        return ReserveOutcome(reserved=False, lines_short=[], duplicate=True)
    reservation = await session.get(Reservation, order_id)
    assert reservation is not None

    wanted = _wanted(lines)
    stock_rows = await _lock(session, wanted)
    sellable = await _sellable(session, wanted)
    short = []
    for sku, quantity in wanted.items():
        row = stock_rows.get(sku)
        available = row.available if row is not None and sku in sellable else 0
        if available < quantity:
            short.append(ShortLine(sku=sku, requested=quantity, available=max(available, 0)))
    if short:
        reservation.status = RESERVATION_FAILED
        reservation.expires_at = None
        await session.flush()
        await outbox.add(
            session,
            InventoryReservationFailed(order_id=order_id, lines_short=short),
            key=str(order_id),
        )
        return ReserveOutcome(reserved=False, lines_short=short)

    changes = []
    for sku, quantity in wanted.items():
        row = stock_rows[sku]
        changes.append((row, row.available))
        row.reserved += quantity
        row.updated_at = now
    session.add_all(
        ReservationLine(order_id=order_id, sku=sku, quantity=quantity)
        for sku, quantity in wanted.items()
    )
    await session.flush()
    await outbox.add(
        session,
        InventoryReserved(
            order_id=order_id,
            lines=_reserved_lines(wanted, stock_rows),
            expires_at=now + ttl,
        ),
        key=str(order_id),
    )
    await _announce_stock(session, outbox, changes)
    return ReserveOutcome(reserved=True, lines_short=[])


async def _lines_of(session: AsyncSession, order_ids: Sequence[uuid.UUID]) -> list[ReservationLine]:
    return list(
        await session.scalars(
            select(ReservationLine)
            .where(ReservationLine.order_id.in_(order_ids))
            .order_by(ReservationLine.order_id, ReservationLine.sku)
        )
    )


async def _locked_reservation(session: AsyncSession, order_id: uuid.UUID) -> Reservation | None:
    reservation: Reservation | None = await session.scalar(
        select(Reservation)
        .where(Reservation.order_id == order_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return reservation


async def release(session: AsyncSession, outbox: Outbox, order_id: uuid.UUID) -> bool:
    """The order was cancelled: put its stock back on sale (reserved stock, or sold
    stock of a confirmed order not yet shipped). True when stock moved."""
    reservation = await _locked_reservation(session, order_id)
    if reservation is None:
        # The cancellation overtook the order: remember it, so the late request
        # reserves nothing.
        await session.execute(
            pg_insert(Reservation)
            .values(order_id=order_id, status=RESERVATION_RELEASED)
            .on_conflict_do_nothing()
        )
        return False
    if reservation.status not in (RESERVATION_ACTIVE, RESERVATION_COMMITTED):
        return False
    was_sold = reservation.status == RESERVATION_COMMITTED
    lines = await _lines_of(session, [order_id])
    stock_rows = await _lock(session, (line.sku for line in lines))
    now = datetime.now(UTC)
    changes = []
    for line in lines:
        row = stock_rows.get(line.sku)
        if row is None:  # pragma: no cover - inventory rows are never deleted
            continue
        changes.append((row, row.available))
        if was_sold:
            row.on_hand += line.quantity
        else:
            row.reserved -= line.quantity
        row.updated_at = now
    reservation.status = RESERVATION_RELEASED
    reservation.updated_at = now
    await session.flush()
    await outbox.add(
        session,
        InventoryReleased(
            order_id=order_id,
            lines=_released_lines(lines, stock_rows),
            reason="cancelled",
        ),
        key=str(order_id),
    )
    await _announce_stock(session, outbox, changes)
    return True


def _released_lines(
    lines: Sequence[ReservationLine], stock_rows: dict[str, Inventory]
) -> list[ReservedLine]:
    return [
        ReservedLine(
            sku=line.sku,
            quantity=line.quantity,
            vendor_id=stock_rows[line.sku].vendor_id if line.sku in stock_rows else None,
            product_id=stock_rows[line.sku].product_id if line.sku in stock_rows else None,
        )
        for line in lines
    ]


async def commit(
    session: AsyncSession, outbox: Outbox, order_id: uuid.UUID, lines: Sequence[Line]
) -> bool:
    """The order was paid: its reserved stock is sold (on_hand and reserved go down).
    If the reservation had expired meanwhile, the stock is taken now if it is still
    there, else ``InventoryCommitFailed`` tells the order service. True when sold."""
    reservation = await _locked_reservation(session, order_id)
    if reservation is not None and reservation.status == RESERVATION_COMMITTED:
        return False
    if reservation is not None and reservation.status == RESERVATION_RELEASED:
        logger.warning("order %s was confirmed after it was cancelled; stock stays", order_id)
        return False
    now = datetime.now(UTC)
    if reservation is not None and reservation.status == RESERVATION_ACTIVE:
        reserved = await _lines_of(session, [order_id])
        stock_rows = await _lock(session, (line.sku for line in reserved))
        changes = []
        for line in reserved:
            row = stock_rows[line.sku]
            changes.append((row, row.available))
            row.on_hand -= line.quantity
            row.reserved -= line.quantity
            row.updated_at = now
        reservation.status = RESERVATION_COMMITTED
        reservation.expires_at = None
        reservation.updated_at = now
        await session.flush()
        await outbox.add(
            session,
            InventoryCommitted(order_id=order_id, lines=_released_lines(reserved, stock_rows)),
            key=str(order_id),
        )
        await _announce_stock(session, outbox, changes)
        return True
    return await _late_commit(
        session, outbox, order_id, reservation=reservation, lines=lines, now=now
    )


async def _late_commit(
    session: AsyncSession,
    outbox: Outbox,
    order_id: uuid.UUID,
    *,
    reservation: Reservation | None,
    lines: Sequence[Line],
    now: datetime,
) -> bool:
    """A confirmation with no live reservation (it expired, or was never seen): sell
    what is still available, all lines or none."""
    wanted = _wanted(lines)
    stock_rows = await _lock(session, wanted)
    short = [
        ShortLine(
            sku=sku,
            requested=quantity,
            available=stock_rows[sku].available if sku in stock_rows else 0,
        )
        for sku, quantity in wanted.items()
        if sku not in stock_rows or stock_rows[sku].available < quantity
    ]
    if short:
        await outbox.add(
            session,
            InventoryCommitFailed(order_id=order_id, lines_short=short),
            key=str(order_id),
        )
        return False
    if reservation is None:
        reservation = Reservation(order_id=order_id, status=RESERVATION_COMMITTED)
        session.add(reservation)
    else:
        await session.execute(delete(ReservationLine).where(ReservationLine.order_id == order_id))
    reservation.status = RESERVATION_COMMITTED
    reservation.expires_at = None
    reservation.updated_at = now
    await session.flush()
    changes = []
    for sku, quantity in wanted.items():
        row = stock_rows[sku]
        changes.append((row, row.available))
        row.on_hand -= quantity
        row.updated_at = now
    session.add_all(
        ReservationLine(order_id=order_id, sku=sku, quantity=quantity)
        for sku, quantity in wanted.items()
    )
    await session.flush()
    await outbox.add(
        session,
        InventoryCommitted(order_id=order_id, lines=_reserved_lines(wanted, stock_rows)),
        key=str(order_id),
    )
    await _announce_stock(session, outbox, changes)
    return True


async def expire_due(
    session: AsyncSession, outbox: Outbox, *, now: datetime | None = None, batch: int = 100
) -> int:
    """Release reservations whose deadline passed; returns how many. Replicas sweeping
    at once skip each other's rows (SKIP LOCKED)."""
    now = now or datetime.now(UTC)
    due = list(
        await session.scalars(
            select(Reservation)
            .where(Reservation.status == RESERVATION_ACTIVE, Reservation.expires_at <= now)
            .order_by(Reservation.expires_at)
            .limit(batch)
            .with_for_update(skip_locked=True)
        )
    )
    if not due:
        return 0
    lines = await _lines_of(session, [r.order_id for r in due])
    stock_rows = await _lock(session, (line.sku for line in lines))
    before = {sku: row.available for sku, row in stock_rows.items()}
    by_order: dict[uuid.UUID, list[ReservationLine]] = defaultdict(list)
    for line in lines:
        by_order[line.order_id].append(line)
        row = stock_rows[line.sku]
        row.reserved -= line.quantity
        row.updated_at = now
    for reservation in due:
        reservation.status = RESERVATION_EXPIRED
        reservation.updated_at = now
    await session.flush()
    for reservation in due:
        await outbox.add(
            session,
            InventoryReleased(
                order_id=reservation.order_id,
                lines=_released_lines(by_order[reservation.order_id], stock_rows),
                reason="expired",
            ),
            key=str(reservation.order_id),
        )
    await _announce_stock(session, outbox, [(row, before[sku]) for sku, row in stock_rows.items()])
    return len(due)
