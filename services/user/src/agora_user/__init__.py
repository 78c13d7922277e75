"""Agora user service.

Accounts, credentials, sessions and refresh tokens, roles, 2FA, API keys and the
signing keys (JWKS).
"""
