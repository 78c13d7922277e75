"""The events the notification service handles (it publishes one, ``MessagePosted``, from
its conversations' routes, ADR 0119). Each handler runs in the consumer's transaction
with the event's inbox row (ADR 0006), so what it writes (contacts, the notification,
its deliveries, its webhook deliveries) happens once per event. ``STORIES`` tells
people; every event type with a public webhook name (or that the webhooks learn from)
also queues its webhooks first (ADR 0091)."""

from __future__ import annotations

from agora_contracts import catalog as catalog_events
from agora_contracts import order as order_events
from agora_contracts import payment as payment_events
from agora_contracts import user as user_events
from agora_contracts.events import EventPayload
from agora_kit.app import EventHandler
from agora_notification.service.context import NotificationContext
from agora_notification.service.stories import accounts, catalog, orders, wishlist
from agora_notification.service.webhooks.fanout import also_publish
from agora_notification.service.webhooks.shapes import PUBLIC

STORIES: dict[type[EventPayload], EventHandler[NotificationContext]] = {
    user_events.UserRegistered: accounts.user_registered,
    user_events.EmailVerificationRequested: accounts.email_verification_requested,
    user_events.EmailVerified: accounts.email_verified,
    user_events.PhoneVerificationRequested: accounts.phone_verification_requested,
    user_events.PhoneVerified: accounts.phone_verified,
    user_events.PasswordResetRequested: accounts.password_reset_requested,
    user_events.PasswordChanged: accounts.password_changed,
    user_events.SecondFactorLocked: accounts.second_factor_locked,
    user_events.UserDeleted: accounts.user_deleted,
    user_events.UserRoleChanged: accounts.user_role_changed,
    user_events.UserRolesAnnounced: accounts.user_role_changed,
    catalog_events.VendorApplied: catalog.vendor_known,
    catalog_events.VendorApproved: catalog.vendor_approved,
    catalog_events.VendorSuspended: catalog.vendor_known,
    catalog_events.VendorUpdated: catalog.vendor_known,
    catalog_events.ProductPublished: catalog.product_known,
    catalog_events.ProductUpdated: catalog.product_known,
    catalog_events.ProductAnnounced: catalog.product_known,
    catalog_events.LowStock: catalog.low_stock,
    catalog_events.WishedItemBackInStock: wishlist.back_in_stock,
    catalog_events.WishedItemPriceDropped: wishlist.price_dropped,
    order_events.OrderPlaced: orders.order_placed,
    order_events.OrderConfirmed: orders.order_confirmed,
    order_events.OrderShipped: orders.order_shipped,
    order_events.OrderDelivered: orders.order_delivered,
    order_events.OrderCancelled: orders.order_cancelled,
    order_events.OrderRefunded: orders.order_refunded,
    payment_events.PaymentFailed: orders.payment_failed,
}

_WEBHOOK_SOURCES: set[type[EventPayload]] = {*PUBLIC, order_events.OrderPlaced}

HANDLED: dict[type[EventPayload], EventHandler[NotificationContext]] = {
    **STORIES,
    **{t: also_publish(STORIES.get(t)) for t in _WEBHOOK_SOURCES},
}
