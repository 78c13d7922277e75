"""The payment service's expected failures, each a problem+json answer."""

from __future__ import annotations

from agora_kit.errors import BadRequest, Conflict, ServiceUnavailable


class OverRefund(Conflict):
    slug = "over-refund"
    title = "More than what is left to refund"


class NotRefundable(Conflict):
    slug = "not-refundable"
    title = "Only a succeeded payment can be refunded"


class NotConfirmable(Conflict):
    slug = "not-confirmable"
    title = "This payment can no longer be confirmed"


class RefundAlreadyMade(Conflict):
    slug = "refund-already-made"
    title = "This Idempotency-Key already made a refund"


class BadSignature(BadRequest):
    slug = "bad-webhook-signature"
    title = "The webhook's signature is invalid or too old"


class PaymentNotRecordedYet(ServiceUnavailable):
    slug = "payment-not-recorded-yet"
    title = "The payment is not recorded yet"
