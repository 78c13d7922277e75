"""Examples of the request bodies, shown in the API document and its docs pages and
sent by schemathesis (ADR 0088); each must be valid for its schema."""

from __future__ import annotations

from typing import Any

CART_ITEM_IN: dict[str, Any] = {"examples": [{"sku": "MUG-SPECK-350", "quantity": 2}]}
QUANTITY_IN: dict[str, Any] = {"examples": [{"quantity": 3}]}
CHECKOUT_IN: dict[str, Any] = {
    "examples": [
        {
            "shipping_address": {
                "name": "Ada Lovelace",
                "line1": "12 St James's Square",
                "city": "London",
                "postal_code": "SW1Y 4JH",
                "country": "GB",
            },
            "payment_method": "pm_card_visa",
        }
    ]
}
SHIP_IN: dict[str, Any] = {
    "examples": [{"carrier": "UPS", "tracking_number": "1Z999AA10123456784"}]
}
COUPON_IN: dict[str, Any] = {
    "examples": [
        {
            "code": "SPRING10",
            "kind": "percent",
            "value": 10,
            "min_subtotal": 2000,
            "expires_at": "2026-06-30T23:59:59Z",
            "max_uses": 500,
        }
    ]
}
SHIPPING_ZONE_IN: dict[str, Any] = {
    "examples": [
        {
            "name": "Germany and Austria",
            "currency": "EUR",
            "countries": ["DE", "AT"],
            "rate": {
                "kind": "weight",
                "bands": [{"up_to": 2000, "amount": 490}, {"amount": 990}],
            },
            "free_over": 6000,
        }
    ]
}
