"""Examples of the request bodies, shown in the API document and its docs pages and
sent by schemathesis (ADR 0088); each must be valid for its schema."""

from __future__ import annotations

from typing import Any

REGISTER_IN: dict[str, Any] = {
    "examples": [
        {
            "email": "ada@example.com",
            "password": "tranquil-otter-parade-42",
            "full_name": "Ada Lovelace",
        }
    ]
}
VERIFY_EMAIL_IN: dict[str, Any] = {
    "examples": [{"token": "<the token from the verification mail>"}]
}
LOGIN_IN: dict[str, Any] = {
    "examples": [{"email": "ada@example.com", "password": "tranquil-otter-parade-42"}]
}
MFA_LOGIN_IN: dict[str, Any] = {
    "examples": [{"mfa_token": "<mfa_token from POST /auth/login>", "code": "123456"}]
}
REAUTHENTICATE_IN: dict[str, Any] = {
    "examples": [{"password": "tranquil-otter-parade-42", "code": "123456"}]
}
REFRESH_IN: dict[str, Any] = {
    "examples": [{"refresh_token": "<refresh_token from POST /auth/login>"}]
}
FORGOT_IN: dict[str, Any] = {"examples": [{"email": "ada@example.com"}]}
RESET_IN: dict[str, Any] = {
    "examples": [
        {"token": "<the token from the reset mail>", "new_password": "velvet-harbour-lantern-17"}
    ]
}
PROFILE_PATCH: dict[str, Any] = {"examples": [{"full_name": "Ada King", "locale": "en-GB"}]}
CODE_IN: dict[str, Any] = {"examples": [{"code": "123456"}]}
API_KEY_IN: dict[str, Any] = {
    "examples": [{"name": "stock sync", "scopes": ["catalog:read", "inventory:write"]}]
}
ADMIN_USER_PATCH: dict[str, Any] = {
    "examples": [{"roles": ["customer", "vendor"], "is_active": True}]
}
