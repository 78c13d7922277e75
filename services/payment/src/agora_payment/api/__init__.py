"""The payment service's routes, all under the API prefix: the buyer's ``/payments``,
Stripe's webhooks, the admin's ``/admin/payments``, ``/admin/payouts`` and
``/admin/ledger``, and the vendor's
``/vendors/me/payouts``."""

from __future__ import annotations

from agora_kit.app import API_PREFIX
from agora_kit.routes import api
from agora_payment.api import admin, exports, payments, vendor, webhooks

router = api(*(m.router for m in (payments, webhooks, admin, exports, vendor)), prefix=API_PREFIX)
