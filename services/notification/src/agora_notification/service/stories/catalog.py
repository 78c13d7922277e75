"""The catalog's events: stores and products learned (to name them in other stories),
a store's approval told to its owner, and low stock told to the store's owner."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from agora_contracts.catalog import (
    LowStock,
    ProductAnnounced,
    ProductPublished,
    ProductUpdated,
    VendorApplied,
    VendorApproved,
    VendorSuspended,
    VendorUpdated,
)
from agora_kit.events.envelope import CloudEvent
from agora_notification.repository import refs
from agora_notification.service.context import NotificationContext
from agora_notification.service.errors import RecipientUnknown
from agora_notification.service.notify import Story, tell


async def _tell_store_owner(
    ctx: NotificationContext,
    session: AsyncSession,
    event: CloudEvent,
    owner_id: uuid.UUID,
    kind: str,
    *,
    link: str,
    context: dict[str, Any],
    data: dict[str, Any],
) -> None:
    """Tell the owner of a store ``kind``, once per event."""
    story = Story(
        user_id=owner_id,
        kind=kind,
        dedupe_key=f"{kind}:{event.id}",
        context=context,
        link=link,
        data=data,
    )
    await tell(ctx, session, story, event_id=event.id)


async def vendor_known(
    ctx: NotificationContext,
    session: AsyncSession,
    p: VendorApplied | VendorSuspended | VendorUpdated,
    event: CloudEvent,
) -> None:
    await refs.learn_vendor(session, p.vendor_id, p.owner_id, p.name, ctx.now())


async def vendor_approved(
    ctx: NotificationContext, session: AsyncSession, p: VendorApproved, event: CloudEvent
) -> None:
    await refs.learn_vendor(session, p.vendor_id, p.owner_id, p.name, ctx.now())
    store_url = ctx.frontend(f"/vendors/{p.vendor_id}")
    await _tell_store_owner(
        ctx,
        session,
        event,
        p.owner_id,
        "vendor_approved",
        link=store_url,
        context={"store_name": p.name, "store_url": store_url},
        data={"vendor_id": str(p.vendor_id)},
    )


async def product_known(
    ctx: NotificationContext,
    session: AsyncSession,
    p: ProductPublished | ProductUpdated | ProductAnnounced,
    event: CloudEvent,
) -> None:
    await refs.learn_skus(
        session, p.product_id, p.title, [variant.sku for variant in p.variants], ctx.now()
    )
    await refs.learn_product(session, p.product_id, p.vendor_id, p.title, ctx.now())


async def low_stock(
    ctx: NotificationContext, session: AsyncSession, p: LowStock, event: CloudEvent
) -> None:
    store = await refs.vendor(session, p.vendor_id)
    if store is None:
        raise RecipientUnknown(f"store {p.vendor_id} is not known yet")
    inventory_url = ctx.frontend(f"/vendor/inventory/{p.sku}")
    await _tell_store_owner(
        ctx,
        session,
        event,
        store.owner_id,
        "low_stock",
        link=inventory_url,
        context={
            "store_name": store.name,
            "sku": p.sku,
            "product_title": await refs.sku_title(session, p.sku),
            "available": p.available,
            "threshold": p.threshold,
            "inventory_url": inventory_url,
        },
        data={"sku": p.sku, "vendor_id": str(p.vendor_id), "available": p.available},
    )
