"""What each event means for the people concerned: contact data learned, projections
updated, and the :class:`~agora_notification.service.notify.Story` told.

Every story has a ``dedupe_key``: the inbox already drops a redelivered event, and the
key also keeps one business fact from being told twice when it is announced again
under another event id (an order is confirmed once, whatever the producer does).
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from agora_contracts.catalog import (
    LowStock,
    ProductPublished,
    ProductUpdated,
    VendorApplied,
    VendorApproved,
    VendorSuspended,
    VendorUpdated,
)
from agora_contracts.order import (
    OrderCancelled,
    OrderConfirmed,
    OrderDelivered,
    OrderLine,
    OrderPlaced,
    OrderRefunded,
    OrderShipped,
)
from agora_contracts.payment import PaymentFailed
from agora_contracts.user import (
    EmailVerificationRequested,
    EmailVerified,
    PasswordChanged,
    PasswordResetRequested,
    SecondFactorLocked,
    UserDeleted,
    UserRegistered,
)
from agora_kit.events.envelope import CloudEvent
from agora_notification.repository import contacts as contact_repo
from agora_notification.repository import refs
from agora_notification.service.context import NotificationContext
from agora_notification.service.notify import Story, tell

logger = logging.getLogger("agora.notification.stories")


class RecipientUnknown(RuntimeError):
    """Whom to tell is not known yet (an event of another topic that names them has
    not been handled). Raising lets the consumer retry, then dead-letter it for replay."""


def _phone(event: CloudEvent) -> str | None:
    # The user service's contracts carry no phone number yet; when its events add
    # one (E.164), it is learned without a new contract version here.
    phone = event.data.get("phone")
    return phone[:32] if isinstance(phone, str) and phone else None


def _short(value: uuid.UUID) -> str:
    return str(value).split("-")[0].upper()


# --- Users ---------------------------------------------------------------------------


async def user_registered(
    ctx: NotificationContext, session: AsyncSession, p: UserRegistered, event: CloudEvent
) -> None:
    await contact_repo.learn(
        session,
        p.user_id,
        ctx.now(),
        email=p.email,
        full_name=p.full_name,
        locale=p.locale,
        phone=_phone(event),
        email_verified=p.email_verified,
    )
    # An unverified address gets the verification mail, which welcomes them too; one
    # mail at sign-up, not two. The feed says welcome either way.
    await tell(
        ctx,
        session,
        Story(
            user_id=p.user_id,
            kind="welcome",
            dedupe_key="welcome",
            link=ctx.frontend("/"),
            email=p.email,
            name=p.full_name,
            locale=p.locale,
            channels=None if p.email_verified else ("push",),
        ),
        event_id=event.id,
    )


async def email_verification_requested(
    ctx: NotificationContext,
    session: AsyncSession,
    p: EmailVerificationRequested,
    event: CloudEvent,
) -> None:
    await contact_repo.learn(
        session, p.user_id, ctx.now(), email=p.email, full_name=p.full_name, locale=p.locale
    )
    await tell(
        ctx,
        session,
        Story(
            user_id=p.user_id,
            kind="verify_email",
            # Every request is a new link (the previous one stops working).
            dedupe_key=f"verify_email:{event.id}",
            context={
                "email": p.email,
                "verify_url": ctx.frontend("/verify-email", token=ctx.sealer.open(p.sealed_token)),
                "expires_at": p.expires_at.isoformat(),
            },
            data={"email": p.email},
            email=p.email,
            name=p.full_name,
            locale=p.locale,
        ),
        event_id=event.id,
    )


async def email_verified(
    ctx: NotificationContext, session: AsyncSession, p: EmailVerified, event: CloudEvent
) -> None:
    await contact_repo.mark_verified(session, p.user_id, p.email)


async def password_reset_requested(
    ctx: NotificationContext,
    session: AsyncSession,
    p: PasswordResetRequested,
    event: CloudEvent,
) -> None:
    await contact_repo.learn(
        session, p.user_id, ctx.now(), email=p.email, full_name=p.full_name, locale=p.locale
    )
    await tell(
        ctx,
        session,
        Story(
            user_id=p.user_id,
            kind="password_reset",
            dedupe_key=f"password_reset:{event.id}",
            context={
                "reset_url": ctx.frontend("/reset-password", token=ctx.sealer.open(p.sealed_token)),
                "expires_at": p.expires_at.isoformat(),
            },
            email=p.email,
            name=p.full_name,
            locale=p.locale,
        ),
        event_id=event.id,
    )


async def password_changed(
    ctx: NotificationContext, session: AsyncSession, p: PasswordChanged, event: CloudEvent
) -> None:
    await contact_repo.learn(
        session, p.user_id, ctx.now(), email=p.email, full_name=p.full_name, locale=p.locale
    )
    await tell(
        ctx,
        session,
        Story(
            user_id=p.user_id,
            kind="password_changed",
            dedupe_key=f"password_changed:{event.id}",
            context={
                "changed_at": p.changed_at.isoformat(),
                "forgot_url": ctx.frontend("/forgot-password"),
            },
            link=ctx.frontend("/account/security"),
            email=p.email,
            name=p.full_name,
            locale=p.locale,
        ),
        event_id=event.id,
    )


async def second_factor_locked(
    ctx: NotificationContext, session: AsyncSession, p: SecondFactorLocked, event: CloudEvent
) -> None:
    await contact_repo.learn(
        session, p.user_id, ctx.now(), email=p.email, full_name=p.full_name, locale=p.locale
    )
    await tell(
        ctx,
        session,
        Story(
            user_id=p.user_id,
            kind="second_factor_locked",
            dedupe_key=f"second_factor_locked:{event.id}",
            context={
                "failures": p.failures,
                "locked_until": p.locked_until.isoformat(),
                "forgot_url": ctx.frontend("/forgot-password"),
            },
            link=ctx.frontend("/account/security"),
            email=p.email,
            name=p.full_name,
            locale=p.locale,
        ),
        event_id=event.id,
    )


async def user_deleted(
    ctx: NotificationContext, session: AsyncSession, p: UserDeleted, event: CloudEvent
) -> None:
    await contact_repo.erase(session, p.user_id, ctx.now())


# --- Catalog -------------------------------------------------------------------------


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
    await tell(
        ctx,
        session,
        Story(
            user_id=p.owner_id,
            kind="vendor_approved",
            dedupe_key=f"vendor_approved:{event.id}",
            context={"store_name": p.name, "store_url": store_url},
            link=store_url,
            data={"vendor_id": str(p.vendor_id)},
        ),
        event_id=event.id,
    )


async def product_known(
    ctx: NotificationContext,
    session: AsyncSession,
    p: ProductPublished | ProductUpdated,
    event: CloudEvent,
) -> None:
    await refs.learn_skus(
        session, p.product_id, p.title, [variant.sku for variant in p.variants], ctx.now()
    )


async def low_stock(
    ctx: NotificationContext, session: AsyncSession, p: LowStock, event: CloudEvent
) -> None:
    store = await refs.vendor(session, p.vendor_id)
    if store is None:
        raise RecipientUnknown(f"store {p.vendor_id} is not known yet")
    inventory_url = ctx.frontend(f"/vendor/inventory/{p.sku}")
    await tell(
        ctx,
        session,
        Story(
            user_id=store.owner_id,
            kind="low_stock",
            dedupe_key=f"low_stock:{event.id}",
            context={
                "store_name": store.name,
                "sku": p.sku,
                "product_title": await refs.sku_title(session, p.sku),
                "available": p.available,
                "threshold": p.threshold,
                "inventory_url": inventory_url,
            },
            link=inventory_url,
            data={"sku": p.sku, "vendor_id": str(p.vendor_id), "available": p.available},
        ),
        event_id=event.id,
    )


# --- Orders and payments -------------------------------------------------------------


def _line(line: OrderLine) -> dict[str, Any]:
    return {
        "sku": line.sku,
        "title": line.title,
        "quantity": line.quantity,
        "unit_price": line.unit_price.model_dump() if line.unit_price else None,
        "line_total": line.line_total.model_dump() if line.line_total else None,
    }


async def _buyer(
    session: AsyncSession, order_id: uuid.UUID, buyer_id: uuid.UUID | None
) -> uuid.UUID:
    if buyer_id is not None:
        return buyer_id
    known = await refs.order(session, order_id)
    if known is None:
        raise RecipientUnknown(f"the buyer of order {order_id} is not known yet")
    return known.buyer_id


async def _order_number(session: AsyncSession, order_id: uuid.UUID, given: str | None) -> str:
    if given:
        return given
    known = await refs.order(session, order_id)
    if known is not None and known.order_number:
        return known.order_number
    return _short(order_id)


def _order_story(
    ctx: NotificationContext,
    kind: str,
    order_id: uuid.UUID,
    *,
    buyer_id: uuid.UUID,
    number: str,
    dedupe_key: str,
    context: dict[str, Any],
) -> Story:
    order_url = ctx.frontend(f"/orders/{order_id}")
    return Story(
        user_id=buyer_id,
        kind=kind,
        dedupe_key=dedupe_key,
        context={"order_number": number, "order_url": order_url, **context},
        link=order_url,
        data={"order_id": str(order_id), "order_number": number},
    )


async def order_placed(
    ctx: NotificationContext, session: AsyncSession, p: OrderPlaced, event: CloudEvent
) -> None:
    await refs.learn_order(session, p.order_id, p.buyer_id, None, ctx.now())


async def order_confirmed(
    ctx: NotificationContext, session: AsyncSession, p: OrderConfirmed, event: CloudEvent
) -> None:
    await refs.learn_order(session, p.order_id, p.buyer_id, p.order_number, ctx.now())
    number = await _order_number(session, p.order_id, p.order_number)
    address = p.shipping_address
    address_lines = []
    if address is not None:
        city = " ".join(x for x in (address.postal_code, address.city) if x)
        address_lines = [
            x for x in (address.line1, address.line2, city, address.region, address.country) if x
        ]
    money = {
        name: value.model_dump() if value is not None else None
        for name, value in (
            ("subtotal", p.subtotal),
            ("shipping", p.shipping),
            ("discount", p.discount),
            ("tax", p.tax),
            ("total", p.total),
        )
    }
    story = _order_story(
        ctx,
        "order_confirmed",
        p.order_id,
        buyer_id=p.buyer_id,
        number=number,
        dedupe_key=f"order_confirmed:{p.order_id}",
        context={
            "lines": [_line(line) for line in p.lines],
            **money,
            "confirmed_at": p.confirmed_at.isoformat() if p.confirmed_at else None,
            "payment_method": p.payment_method,
            "shipping_address": address.model_dump() if address else None,
            "address_lines": address_lines,
        },
    )
    await tell(ctx, session, story, event_id=event.id)


async def payment_failed(
    ctx: NotificationContext, session: AsyncSession, p: PaymentFailed, event: CloudEvent
) -> None:
    await refs.learn_order(session, p.order_id, p.buyer_id, p.order_number, ctx.now())
    number = await _order_number(session, p.order_id, p.order_number)
    story = _order_story(
        ctx,
        "payment_failed",
        p.order_id,
        buyer_id=p.buyer_id,
        number=number,
        dedupe_key=f"payment_failed:{event.id}",
        context={"reason": p.reason, "amount": p.amount.model_dump() if p.amount else None},
    )
    await tell(ctx, session, story, event_id=event.id)


async def order_shipped(
    ctx: NotificationContext, session: AsyncSession, p: OrderShipped, event: CloudEvent
) -> None:
    await refs.learn_order(session, p.order_id, p.buyer_id, p.order_number, ctx.now())
    number = await _order_number(session, p.order_id, p.order_number)
    store = await refs.vendor(session, p.vendor_id) if p.vendor_id else None
    parcel = p.sub_order_id or p.vendor_id or ""
    story = _order_story(
        ctx,
        "order_shipped",
        p.order_id,
        buyer_id=p.buyer_id,
        number=number,
        dedupe_key=f"order_shipped:{p.order_id}:{parcel}:{p.tracking_number}",
        context={
            "carrier": p.carrier,
            "tracking_number": p.tracking_number,
            "tracking_url": p.tracking_url,
            "vendor_name": store.name if store else None,
            "lines": [_line(line) for line in p.lines],
            "shipped_at": p.shipped_at.isoformat() if p.shipped_at else None,
        },
    )
    await tell(ctx, session, story, event_id=event.id)


async def order_delivered(
    ctx: NotificationContext, session: AsyncSession, p: OrderDelivered, event: CloudEvent
) -> None:
    number = await _order_number(session, p.order_id, p.order_number)
    parcel = p.sub_order_id or p.vendor_id or ""
    story = _order_story(
        ctx,
        "order_delivered",
        p.order_id,
        buyer_id=p.buyer_id,
        number=number,
        dedupe_key=f"order_delivered:{p.order_id}:{parcel}",
        context={"delivered_at": p.delivered_at.isoformat() if p.delivered_at else None},
    )
    await tell(ctx, session, story, event_id=event.id)


async def order_cancelled(
    ctx: NotificationContext, session: AsyncSession, p: OrderCancelled, event: CloudEvent
) -> None:
    buyer = await _buyer(session, p.order_id, p.buyer_id)
    number = await _order_number(session, p.order_id, None)
    story = _order_story(
        ctx,
        "order_cancelled",
        p.order_id,
        buyer_id=buyer,
        number=number,
        dedupe_key=f"order_cancelled:{p.order_id}",
        context={
            "reason": p.reason,
            "cancelled_at": p.cancelled_at.isoformat() if p.cancelled_at else None,
        },
    )
    await tell(ctx, session, story, event_id=event.id)


async def order_refunded(
    ctx: NotificationContext, session: AsyncSession, p: OrderRefunded, event: CloudEvent
) -> None:
    number = await _order_number(session, p.order_id, p.order_number)
    story = _order_story(
        ctx,
        "order_refunded",
        p.order_id,
        buyer_id=p.buyer_id,
        number=number,
        dedupe_key=f"order_refunded:{p.order_id}:{p.refund_id or event.id}",
        context={
            "amount": p.amount.model_dump(),
            "total_refunded": p.total_refunded.model_dump() if p.total_refunded else None,
            "reason": p.reason,
            "refunded_at": p.refunded_at.isoformat() if p.refunded_at else None,
        },
    )
    await tell(ctx, session, story, event_id=event.id)
