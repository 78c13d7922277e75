"""The events the notification service handles (it publishes none). Each handler runs
in the consumer's transaction with the event's inbox row (ADR 0006), so what it writes
(contacts, the notification, its deliveries) happens once per event."""

from __future__ import annotations

from agora_contracts.catalog import (
    LowStock,
    ProductPublished,
    ProductUpdated,
    VendorApplied,
    VendorApproved,
    VendorSuspended,
    VendorUpdated,
)
from agora_contracts.events import EventPayload
from agora_contracts.order import (
    OrderCancelled,
    OrderConfirmed,
    OrderDelivered,
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
from agora_kit.app import EventHandler
from agora_notification.service.context import NotificationContext
from agora_notification.service.stories import accounts, catalog, orders

HANDLED: dict[type[EventPayload], EventHandler[NotificationContext]] = {
    UserRegistered: accounts.user_registered,
    EmailVerificationRequested: accounts.email_verification_requested,
    EmailVerified: accounts.email_verified,
    PasswordResetRequested: accounts.password_reset_requested,
    PasswordChanged: accounts.password_changed,
    SecondFactorLocked: accounts.second_factor_locked,
    UserDeleted: accounts.user_deleted,
    VendorApplied: catalog.vendor_known,
    VendorApproved: catalog.vendor_approved,
    VendorSuspended: catalog.vendor_known,
    VendorUpdated: catalog.vendor_known,
    ProductPublished: catalog.product_known,
    ProductUpdated: catalog.product_known,
    LowStock: catalog.low_stock,
    OrderPlaced: orders.order_placed,
    OrderConfirmed: orders.order_confirmed,
    OrderShipped: orders.order_shipped,
    OrderDelivered: orders.order_delivered,
    OrderCancelled: orders.order_cancelled,
    OrderRefunded: orders.order_refunded,
    PaymentFailed: orders.payment_failed,
}
