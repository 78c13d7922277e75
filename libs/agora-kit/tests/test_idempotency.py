"""What makes two requests the same request for an ``Idempotency-Key``."""

from __future__ import annotations

from agora_kit.idempotency import fingerprint


def test_the_same_json_in_another_spelling_is_the_same_request() -> None:
    first = fingerprint("POST", "/api/v1/checkout", b'{"a": 1, "b": {"c": [1, 2]}}')
    assert first == fingerprint("POST", "/api/v1/checkout", b'{ "b":{"c":[1,2]},"a":1 }')


def test_another_body_path_or_method_is_another_request() -> None:
    base = fingerprint("POST", "/api/v1/payments/1/refund", b'{"amount": 100}')
    assert base != fingerprint("POST", "/api/v1/payments/1/refund", b'{"amount": 101}')
    assert base != fingerprint("POST", "/api/v1/payments/2/refund", b'{"amount": 100}')
    assert base != fingerprint("PUT", "/api/v1/payments/1/refund", b'{"amount": 100}')
    # A body that is not JSON counts byte for byte.
    assert fingerprint("POST", "/x", b"not json") != fingerprint("POST", "/x", b"not  json")
    assert fingerprint("POST", "/x", b"") == fingerprint("POST", "/x", b"")
