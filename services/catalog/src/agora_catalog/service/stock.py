"""Stock per SKU, set by the store: ``available = on_hand - reserved``, and on hand
never goes below what open orders reserved. Every change to what is available is
announced (``StockChanged``, and ``LowStock`` when available crosses below the store's
threshold), by the store's changes here and by the checkout's in ``reservations``;
buyers who wished a SKU that is back in stock are told (``wishlist``)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from agora_catalog.models import VENDOR_APPROVED, Inventory
from agora_catalog.repository import stock as repo
from agora_catalog.repository import vendors as vendor_repo
from agora_catalog.service.access import Actor
from agora_catalog.service.errors import NotYourProduct, StockBelowReserved, VendorNotApproved
from agora_catalog.service.wishlist import tell_back_in_stock
from agora_contracts.catalog import LowStock, StockChanged
from agora_kit import audit
from agora_kit.errors import NotFound
from agora_kit.events.outbox import Outbox


async def announce_stock(
    session: AsyncSession, outbox: Outbox, changes: Sequence[tuple[Inventory, int]]
) -> None:
    """A StockChanged per SKU whose ``available`` count moved (from ``before``, the
    count before the change), and LowStock when it crossed below the store's
    threshold. A reservation's commit takes its units off on hand and off reserved at
    once: what is available stays, and nothing is announced (InventoryCommitted says
    it happened)."""
    changes = [
        (inventory, before) for inventory, before in changes if inventory.available != before
    ]
    if not changes:
        return
    vendor_ids = {inventory.vendor_id for inventory, _ in changes}
    thresholds = await vendor_repo.low_stock_thresholds(session, vendor_ids)
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
    await tell_back_in_stock(session, outbox, changes)


async def stock_of(
    session: AsyncSession, actor: Actor, sku: str, *, lock: bool = False
) -> Inventory:
    """The SKU's stock, if ``actor`` manages its store; to change it (``lock``), the
    store must be approved."""
    inventory = await repo.find_inventory(session, sku, lock=lock)
    if inventory is None:
        raise NotFound(f"No SKU {sku!r}.")
    if actor.is_admin:
        return inventory
    vendor = await vendor_repo.get_vendor(session, inventory.vendor_id)
    if vendor is None or vendor.owner_id != actor.user_id:
        raise NotYourProduct("This SKU belongs to another store.")
    if lock and vendor.status != VENDOR_APPROVED:
        raise VendorNotApproved(f"Your store is {vendor.status}.")
    return inventory


async def set_on_hand(
    session: AsyncSession, outbox: Outbox, actor: Actor, sku: str, on_hand: int
) -> Inventory:
    inventory = await stock_of(session, actor, sku, lock=True)
    if on_hand < inventory.reserved:
        raise StockBelowReserved(
            f"{inventory.reserved} unit(s) of {sku} are reserved by open orders; "
            f"on_hand cannot go below that."
        )
    before = inventory.available
    if on_hand == inventory.on_hand:
        return inventory
    audit_before = {"on_hand": inventory.on_hand}
    inventory.on_hand = on_hand
    inventory.updated_at = datetime.now(UTC)
    await session.flush()
    await announce_stock(session, outbox, [(inventory, before)])
    await audit.record(
        session,
        outbox,
        action="stock.set",
        resource_type="sku",
        resource_id=sku,
        before=audit_before,
        after={"on_hand": on_hand},
    )
    return inventory


def put_back(
    rows: Mapping[str, Inventory], units: Mapping[str, int], now: datetime, *, sold: bool
) -> list[tuple[Inventory, int]]:
    """Units per SKU back on sale: back on hand when they were ``sold``, else no
    longer reserved. Each row changed, with what it had available before (for
    ``announce_stock``)."""
    changes = []
    for sku, count in units.items():
        row = rows.get(sku)
        if row is None:  # pragma: no cover - every SKU named has a row, never deleted
            continue
        changes.append((row, row.available))
        if sold:
            row.on_hand += count
        else:
            row.reserved -= count
        row.updated_at = now
    return changes


async def restock(session: AsyncSession, outbox: Outbox, lines: Iterable[tuple[str, int]]) -> None:
    """Returned units (SKU, units) the store took back for sale go back on hand
    (ADR 0116), those of a SKU on two lines added up. A SKU whose variant was deleted
    since gets them too (its stock row stays, as every stock row does), though it is
    not for sale."""
    units = repo.units_per_sku(lines)
    rows = await repo.lock_inventory(session, units)
    changes = put_back(rows, units, datetime.now(UTC), sold=True)
    await session.flush()
    await announce_stock(session, outbox, changes)
