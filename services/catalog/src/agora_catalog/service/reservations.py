"""The checkout saga's reservations of stock, keyed by order id.

A reservation takes every line of an order or none of them. Every path that changes
stock locks the inventory rows it touches with ``SELECT ... FOR UPDATE`` in one order
(by SKU), after the reservation row if it has one, so concurrent checkouts serialise on
the SKUs they share and never deadlock; the table's check constraint
(``reserved <= on_hand``) refuses an oversell whatever happens above it. A repeated
request for an order does nothing, and a cancellation that overtakes its order leaves a
mark so the late request reserves nothing.
"""

from __future__ import annotations

import logging
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from agora_catalog.models import (
    RESERVATION_ACTIVE,
    RESERVATION_COMMITTED,
    RESERVATION_EXPIRED,
    RESERVATION_FAILED,
    RESERVATION_RELEASED,
    Inventory,
    Reservation,
    ReservationLine,
)
from agora_catalog.repository import reservations as repo
from agora_catalog.repository.stock import lock_inventory, sellable_skus, units_per_sku
from agora_catalog.service.stock import announce_stock, put_back
from agora_contracts.catalog import (
    InventoryCommitFailed,
    InventoryCommitted,
    InventoryReleased,
    InventoryReservationFailed,
    InventoryReserved,
    ReservedLine,
    ShortLine,
)
from agora_kit.events.outbox import Outbox

logger = logging.getLogger("agora.catalog.reservations")


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


async def _publish(
    session: AsyncSession,
    outbox: Outbox,
    event: InventoryReserved | InventoryReleased | InventoryCommitted,
    changes: Sequence[tuple[Inventory, int]],
) -> None:
    """Flushes the stock changes, then puts ``event`` (keyed by its order) and the stock
    announcements of ``changes`` (each row with what it had available before) in the
    outbox."""
    await session.flush()
    await outbox.add(session, event, key=str(event.order_id))
    await announce_stock(session, outbox, changes)


def _mark_committed(reservation: Reservation, now: datetime) -> None:
    reservation.status = RESERVATION_COMMITTED
    reservation.expires_at = None
    reservation.updated_at = now


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
    reservation = await repo.create_active(
        session, order_id, buyer_id=buyer_id, expires_at=now + ttl
    )
    if reservation is None:
        return ReserveOutcome(reserved=False, lines_short=[], duplicate=True)

    wanted = units_per_sku((line.sku, line.quantity) for line in lines)
    stock_rows = await lock_inventory(session, wanted)
    sellable = await sellable_skus(session, wanted)
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
    reserved = InventoryReserved(
        order_id=order_id, lines=_reserved_lines(wanted, stock_rows), expires_at=now + ttl
    )
    await _publish(session, outbox, reserved, changes)
    return ReserveOutcome(reserved=True, lines_short=[])


async def release(session: AsyncSession, outbox: Outbox, order_id: uuid.UUID) -> bool:
    """The order was cancelled: put its stock back on sale (reserved stock, or sold
    stock of a confirmed order not yet shipped). True when stock moved."""
    reservation = await repo.lock_reservation(session, order_id)
    if reservation is None:
        # The cancellation overtook the order: remember it, so the late request
        # reserves nothing.
        await repo.mark_released(session, order_id)
        return False
    if reservation.status not in (RESERVATION_ACTIVE, RESERVATION_COMMITTED):
        return False
    was_sold = reservation.status == RESERVATION_COMMITTED
    lines = await repo.lines_of(session, [order_id])
    stock_rows = await lock_inventory(session, (line.sku for line in lines))
    now = datetime.now(UTC)
    units = {line.sku: line.quantity for line in lines}
    changes = put_back(stock_rows, units, now, sold=was_sold)
    reservation.status = RESERVATION_RELEASED
    reservation.updated_at = now
    released = InventoryReleased(
        order_id=order_id, lines=_released_lines(lines, stock_rows), reason="cancelled"
    )
    await _publish(session, outbox, released, changes)
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
    reservation = await repo.lock_reservation(session, order_id)
    if reservation is not None and reservation.status == RESERVATION_COMMITTED:
        return False
    if reservation is not None and reservation.status == RESERVATION_RELEASED:
        logger.warning("order %s was confirmed after it was cancelled; stock stays", order_id)
        return False
    now = datetime.now(UTC)
    if reservation is not None and reservation.status == RESERVATION_ACTIVE:
        reserved = await repo.lines_of(session, [order_id])
        stock_rows = await lock_inventory(session, (line.sku for line in reserved))
        changes = []
        for line in reserved:
            row = stock_rows[line.sku]
            changes.append((row, row.available))
            row.on_hand -= line.quantity
            row.reserved -= line.quantity
            row.updated_at = now
        _mark_committed(reservation, now)
        sold = InventoryCommitted(order_id=order_id, lines=_released_lines(reserved, stock_rows))
        await _publish(session, outbox, sold, changes)
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
    wanted = units_per_sku((line.sku, line.quantity) for line in lines)
    stock_rows = await lock_inventory(session, wanted)
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
        await repo.delete_lines(session, order_id)
    _mark_committed(reservation, now)
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
    sold = InventoryCommitted(order_id=order_id, lines=_reserved_lines(wanted, stock_rows))
    await _publish(session, outbox, sold, changes)
    return True


async def expire_due(
    session: AsyncSession, outbox: Outbox, *, now: datetime | None = None, batch: int = 100
) -> int:
    """Release reservations whose deadline passed; returns how many. Replicas sweeping
    at once skip each other's rows (SKIP LOCKED)."""
    now = now or datetime.now(UTC)
    due = await repo.lock_due(session, now=now, batch=batch)
    if not due:
        return 0
    lines = await repo.lines_of(session, [r.order_id for r in due])
    stock_rows = await lock_inventory(session, (line.sku for line in lines))
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
    await announce_stock(session, outbox, [(row, before[sku]) for sku, row in stock_rows.items()])
    return len(due)
