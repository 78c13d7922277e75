"""The user service's rules, as plain functions and classes callable without HTTP.

They take the request's session and only flush; the caller (a route, an event
handler, the CLI) owns the transaction. Work that must survive a failed request (a
failed login counted, a reused refresh token's family revoked) opens its own
transaction on the database explicitly (docs/adr/0004).
"""
