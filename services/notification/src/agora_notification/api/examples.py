"""Examples of the request bodies, shown in the API document and its docs pages and
sent by schemathesis (ADR 0088); each must be valid for its schema."""

from __future__ import annotations

from typing import Any

DEVICE_IN: dict[str, Any] = {
    "examples": [{"token": "ExponentPushToken[xk9vQ3LmT0aP2sN8rW4yZ1]", "platform": "ios"}]
}
CONVERSATION_IN: dict[str, Any] = {
    "examples": [
        {
            "about": "product",
            "product_id": "0b1c7c3e-5f7a-4d52-9a43-1f1e2d3c4b5a",
            "body": "Is this tea organic?",
            "attachments": [
                {
                    "image_id": "6f0d2b9e-3c1a-4e8b-9d7f-2a4c6e8b0d1f",
                    "url": "/media/products/6f/6f0d2b9e-medium.webp",
                }
            ],
        }
    ]
}
MESSAGE_IN: dict[str, Any] = {"examples": [{"body": "Yes, and it ships in two days."}]}
READ_IN: dict[str, Any] = {"examples": [{"up_to": "2c9a8f4e-1b3d-4a6e-8f0c-5d7b9e1a3c2f"}]}
REPORT_IN: dict[str, Any] = {"examples": [{"reason": "Insults in the answer"}]}
RESOLVE_IN: dict[str, Any] = {
    "examples": [{"outcome": "removed", "note": "Insults; the store was warned"}]
}
