"""The payment service's routes, all under the API prefix: the buyer's ``/payments``,
Stripe's webhooks, the admin's ``/admin/payments``, ``/admin/payouts``,
``/admin/ledger`` and ``/admin/connect-accounts``, and the vendor's
``/vendors/me/payouts`` and ``/vendors/me/connect``."""

from __future__ import annotations

from agora_kit.app import API_PREFIX
from agora_kit.routes import api
from agora_payment.api import admin, connect, exports, payments, vendor, webhooks

router = api(
    *(m.router for m in (payments, webhooks, admin, exports, vendor, connect)),
    connect.admin_router,
    prefix=API_PREFIX,
)
