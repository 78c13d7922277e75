"""The GDPR export and erasure of one person's data in the catalog (ADR 0112).

Erasure keeps each review's rating, title and text (the product's average and what
other buyers read stay true) but no longer ties it to the person: its author becomes
a random id that no account has. The store of a vendor is closed (suspended, so its
products leave the shop and search, and ``VendorSuspended`` tells the other services);
its name and products stay, as the business records other parties' orders name. The
wishlist, the verified purchases, the stored answers of the person's Idempotency-Keys
and the published events in its outbox that name the person go. Running it again
changes nothing more."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from agora_catalog.models import VENDOR_SUSPENDED
from agora_catalog.repository import personal as repo
from agora_catalog.service import vendors, wishlist
from agora_kit.events.outbox import Outbox
from agora_kit.personal import forget_person

CLOSED_REASON = "The owner's account was erased."


async def export(session: AsyncSession, user_id: uuid.UUID) -> dict[str, Any]:
    store = await vendors.vendor_of_owner(session, user_id)
    return {
        "store": None
        if store is None
        else {
            "id": store.id,
            "name": store.name,
            "slug": store.slug,
            "description": store.description,
            "status": store.status,
            "created_at": store.created_at,
        },
        "reviews": [
            {
                "id": r.id,
                "product_id": r.product_id,
                "rating": r.rating,
                "title": r.title,
                "body": r.body,
                "created_at": r.created_at,
            }
            for r in await repo.reviews_of(session, user_id)
        ],
        "wishlist": [
            {"id": w.id, "product_id": w.product_id, "sku": w.sku, "added_at": w.created_at}
            for w in await repo.wishes_of(session, user_id)
        ],
        "purchases": [
            {"product_id": p.product_id, "order_id": p.order_id, "confirmed_at": p.confirmed_at}
            for p in await repo.purchases_of(session, user_id)
        ],
    }


async def erase(session: AsyncSession, outbox: Outbox, user_id: uuid.UUID) -> None:
    await repo.anonymise_reviews(session, user_id)
    await repo.forget_purchases(session, user_id)
    await wishlist.forget_user(session, user_id)
    store = await vendors.vendor_of_owner(session, user_id)
    if store is not None:  # closing a closed store changes nothing
        await vendors.decide(session, outbox, store.id, VENDOR_SUSPENDED, reason=CLOSED_REASON)
    await forget_person(session, user_id)
    await session.flush()
