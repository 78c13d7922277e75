"""Examples of the request bodies, shown in the API document and its docs pages and
sent by schemathesis (ADR 0088); each must be valid for its schema."""

from __future__ import annotations

from typing import Any

CONFIRM_IN: dict[str, Any] = {"examples": [{"payment_method": "pm_card_visa"}]}
REFUND_IN: dict[str, Any] = {"examples": [{"amount": 1200, "reason": "one mug arrived broken"}]}
SANDBOX_ONBOARDING_IN: dict[str, Any] = {"examples": [{"outcome": "verified"}]}
