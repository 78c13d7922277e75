"""Sample values for every template, for ``agora notification preview`` and the tests:
what the event handlers would pass, for a made-up buyer and order."""

from __future__ import annotations

from typing import Any

_ORDER = "A1B2C3D4"
_URL = "https://shop.example"


def _money(amount: int, currency: str = "EUR") -> dict[str, Any]:
    return {"amount": amount, "currency": currency}


_LINES = [
    {
        "sku": "MUG-BLUE",
        "title": "Blue enamel mug",
        "quantity": 2,
        "unit_price": _money(1250),
        "line_total": _money(2500),
    },
    {
        "sku": "TEA-EARL",
        "title": "Earl Grey, loose leaf (250 g)",
        "quantity": 1,
        "unit_price": _money(899),
        "line_total": _money(899),
    },
]

SAMPLES: dict[str, dict[str, Any]] = {
    "welcome": {},
    "verify_email": {
        "email": "ada@example.com",
        "verify_url": f"{_URL}/verify-email?token=sample-token",
        "expires_at": "2026-11-23T10:00:00+00:00",
    },
    "verify_phone": {
        "code": "480151",
        "phone": "+447700900123",
        "expires_at": "2026-11-21T10:10:00+00:00",
    },
    "password_reset": {
        "reset_url": f"{_URL}/reset-password?token=sample-token",
        "expires_at": "2026-11-21T11:00:00+00:00",
    },
    "password_changed": {
        "changed_at": "2026-11-21T10:00:00+00:00",
        "forgot_url": f"{_URL}/forgot-password",
    },
    "second_factor_locked": {
        "failures": 10,
        "locked_until": "2026-11-21T10:15:00+00:00",
        "forgot_url": f"{_URL}/forgot-password",
    },
    "vendor_approved": {"store_name": "Ada's Teas", "store_url": f"{_URL}/vendors/1"},
    "webhook_disabled": {
        "webhook_url": "https://hooks.example.com/agora",
        "failures": 50,
        "webhooks_url": f"{_URL}/developer/webhooks/1",
    },
    "message_received": {
        "sender": "Ada's Teas",
        "about": "Earl Grey, loose leaf (250 g)",
        "conversation_url": f"{_URL}/messages/1",
    },
    "low_stock": {
        "store_name": "Ada's Teas",
        "sku": "TEA-EARL",
        "product_title": "Earl Grey, loose leaf (250 g)",
        "available": 3,
        "threshold": 5,
        "inventory_url": f"{_URL}/vendor/inventory/TEA-EARL",
    },
    "order_confirmed": {
        "order_number": _ORDER,
        "order_url": f"{_URL}/orders/1",
        "lines": _LINES,
        "subtotal": _money(3399),
        "shipping": _money(495),
        "discount": _money(300),
        "tax": _money(0),
        "tax_included": False,
        "total": _money(3594),
        "confirmed_at": "2026-11-21T10:00:00+00:00",
        "payment_method": "Visa ending 4242",
        "shipping_address": {"name": "Ada Lovelace"},
        "address_lines": ["12 St James's Square", "SW1Y 4JH London", "GB"],
    },
    "payment_failed": {
        "order_number": _ORDER,
        "order_url": f"{_URL}/orders/1",
        "reason": "Your card was declined.",
        "amount": _money(3594),
    },
    "order_shipped": {
        "order_number": _ORDER,
        "order_url": f"{_URL}/orders/1",
        "carrier": "DHL",
        "tracking_number": "JD014600006281230134",
        "tracking_url": "https://tracking.example/JD014600006281230134",
        "vendor_name": "Ada's Teas",
        "lines": _LINES,
        "shipped_at": "2026-11-22T09:30:00+00:00",
    },
    "order_delivered": {
        "order_number": _ORDER,
        "order_url": f"{_URL}/orders/1",
        "delivered_at": "2026-11-24T14:05:00+00:00",
    },
    "order_cancelled": {
        "order_number": _ORDER,
        "order_url": f"{_URL}/orders/1",
        "reason": "You cancelled the order.",
        "cancelled_at": "2026-11-21T12:00:00+00:00",
    },
    "order_refunded": {
        "order_number": _ORDER,
        "order_url": f"{_URL}/orders/1",
        "amount": _money(3594),
        "total_refunded": _money(3594),
        "reason": "Order cancelled",
        "refunded_at": "2026-11-21T12:05:00+00:00",
    },
    "wishlist_back_in_stock": {
        "product_title": "Earl Grey, loose leaf (250 g)",
        "sku": "TEA-EARL",
        "price": _money(899),
        "available": 5,
        "product_url": f"{_URL}/products/1",
    },
    "wishlist_price_drop": {
        "product_title": "Earl Grey, loose leaf (250 g)",
        "sku": "TEA-EARL",
        "price": _money(749),
        "previous_price": _money(899),
        "product_url": f"{_URL}/products/1",
    },
}
