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
from agora_notification.service import stories
from agora_notification.service.context import NotificationContext

HANDLED: dict[type[EventPayload], EventHandler[NotificationContext]] = {
    UserRegistered: stories.user_registered,
    EmailVerificationRequested: stories.email_verification_requested,
    EmailVerified: stories.email_verified,
    PasswordResetRequested: stories.password_reset_requested,
    PasswordChanged: stories.password_changed,
    SecondFactorLocked: stories.second_factor_locked,
    UserDeleted: stories.user_deleted,
    VendorApplied: stories.vendor_known,
    VendorApproved: stories.vendor_approved,
    VendorSuspended: stories.vendor_known,
    VendorUpdated: stories.vendor_known,
    ProductPublished: stories.product_known,
    ProductUpdated: stories.product_known,
    LowStock: stories.low_stock,
    OrderPlaced: stories.order_placed,
    OrderConfirmed: stories.order_confirmed,
    OrderShipped: stories.order_shipped,
    OrderDelivered: stories.order_delivered,
    OrderCancelled: stories.order_cancelled,
    OrderRefunded: stories.order_refunded,
    PaymentFailed: stories.payment_failed,
}
