"""The catalog's wishlist alerts: the buyer who wished an item is told it is back in
stock or cheaper, in the feed and by e-mail as their ``orders`` preferences allow."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from agora_contracts.catalog import WishedItemBackInStock, WishedItemPriceDropped
from agora_kit.events.envelope import CloudEvent
from agora_notification.service.context import NotificationContext
from agora_notification.service.notify import Story, tell


async def _tell(
    ctx: NotificationContext,
    p: WishedItemBackInStock | WishedItemPriceDropped,
    session: AsyncSession,
    event: CloudEvent,
    kind: str,
    **context: object,
) -> None:
    product_url = ctx.frontend(f"/products/{p.product_id}")
    story = Story(
        user_id=p.user_id,
        kind=kind,
        dedupe_key=f"{kind}:{event.id}",
        context={
            "product_title": p.title,
            "sku": p.sku,
            "price": p.price.model_dump(),
            "product_url": product_url,
            **context,
        },
        link=product_url,
        data={"product_id": str(p.product_id), "sku": p.sku, "price": p.price.model_dump()},
    )
    await tell(ctx, session, story, event_id=event.id)


async def back_in_stock(
    ctx: NotificationContext,
    session: AsyncSession,
    p: WishedItemBackInStock,
    event: CloudEvent,
) -> None:
    await _tell(ctx, p, session, event, "wishlist_back_in_stock", available=p.available)


async def price_dropped(
    ctx: NotificationContext,
    session: AsyncSession,
    p: WishedItemPriceDropped,
    event: CloudEvent,
) -> None:
    await _tell(
        ctx,
        p,
        session,
        event,
        "wishlist_price_drop",
        previous_price=p.previous_price.model_dump(),
    )
