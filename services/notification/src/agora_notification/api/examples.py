"""Examples of the request bodies, shown in the API document and its docs pages and
sent by schemathesis (ADR 0088); each must be valid for its schema."""

from __future__ import annotations

from typing import Any

DEVICE_IN: dict[str, Any] = {
    "examples": [{"token": "ExponentPushToken[xk9vQ3LmT0aP2sN8rW4yZ1]", "platform": "ios"}]
}
