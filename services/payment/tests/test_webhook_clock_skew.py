"""The Stripe webhook's signature tolerance under clock skew (ADR 0107): Stripe signs
with its clock, the payment service checks with its own, really shifted here
(time-machine moves the process's ``time.time``) by 2 minutes either way."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import stripe
import time_machine

from agora_payment.service.errors import BadSignature
from agora_payment.service.webhooks import verify
from agora_payment.settings import Settings

SECRET = "whsec_skew"
BODY = b'{"id": "evt_skew"}'
TOLERANCE = int(Settings.model_fields["stripe_webhook_tolerance_seconds"].default)


@contextmanager
def clock_shifted(seconds: float) -> Iterator[None]:
    moment = datetime.datetime.now(datetime.UTC) + datetime.timedelta(seconds=seconds)
    with time_machine.travel(moment, tick=True):
        yield


def signed_now() -> str:
    return str(stripe.WebhookSignature.generate_signature_header(BODY.decode(), SECRET))


@pytest.mark.parametrize("shift", [-120, 120])
def test_a_webhook_passes_a_payment_service_two_minutes_off(shift: int) -> None:
    header = signed_now()
    with clock_shifted(shift):
        assert verify(BODY, header, SECRET, tolerance=TOLERANCE)["id"] == "evt_skew"


def test_the_tolerance_is_five_minutes_on_the_payment_service_clock() -> None:
    assert TOLERANCE == 300
    header = signed_now()
    # Ahead by more than the tolerance: the signature looks too old (a replay).
    with clock_shifted(TOLERANCE + 5), pytest.raises(BadSignature):
        verify(BODY, header, SECRET, tolerance=TOLERANCE)
    # Behind, by any amount: Stripe's library refuses only old signatures, not ones
    # from the future (documented in docs/operations/chaos.md).
    with clock_shifted(-(TOLERANCE + 5)):
        assert verify(BODY, header, SECRET, tolerance=TOLERANCE)["id"] == "evt_skew"
