"""Examples of the request bodies, shown in the API document and its docs pages and
sent by schemathesis (ADR 0088); each must be valid for its schema."""

from __future__ import annotations

from typing import Any

VENDOR_APPLY: dict[str, Any] = {
    "examples": [
        {"name": "Hilltop Ceramics", "description": "Hand-thrown stoneware from a small studio."}
    ]
}
VENDOR_PATCH: dict[str, Any] = {
    "examples": [
        {"description": "Hand-thrown stoneware, fired in small batches.", "low_stock_threshold": 5}
    ]
}
VENDOR_DECISION: dict[str, Any] = {"examples": [{"status": "approved"}]}
CATEGORY_IN: dict[str, Any] = {"examples": [{"name": "Mugs", "parent_id": None}]}
CATEGORY_PATCH: dict[str, Any] = {"examples": [{"name": "Mugs and cups"}]}
PRODUCT_IN: dict[str, Any] = {
    "examples": [
        {
            "title": "Speckled stoneware mug",
            "description": "350 ml, dishwasher safe.",
            "category_id": "6f1c3f0e-3a5b-4c2e-9a51-1f0c2d7e8b90",
            "attributes": {"material": "stoneware"},
        }
    ]
}
PRODUCT_PATCH: dict[str, Any] = {"examples": [{"title": "Speckled stoneware mug, 350 ml"}]}
VARIANT_IN: dict[str, Any] = {
    "examples": [
        {
            "sku": "MUG-SPECK-350",
            "price": {"amount": 2400, "currency": "USD"},
            "attributes": {"colour": "oat"},
            "stock": 40,
        }
    ]
}
VARIANT_PATCH: dict[str, Any] = {"examples": [{"price": {"amount": 2200, "currency": "USD"}}]}
STOCK_IN: dict[str, Any] = {"examples": [{"on_hand": 36}]}
REVIEW_IN: dict[str, Any] = {
    "examples": [
        {"rating": 5, "title": "Holds heat well", "body": "Sturdy, and the glaze is lovely."}
    ]
}
