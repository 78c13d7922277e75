"""The payment service's routes, all under the API prefix: the buyer's ``/payments``,
Stripe's webhooks, the admin's ``/admin/payments``, ``/admin/payouts``,
``/admin/ledger`` and ``/admin/connect-accounts``, and the vendor's
``/vendors/me/payouts`` and ``/vendors/me/connect``; and the internal GDPR export of one
person's data (ADR 0112)."""

from __future__ import annotations

from agora_kit.app import API_PREFIX
from agora_kit.personal import export_router
from agora_kit.routes import api
from agora_payment.api import admin, connect, exports, payments, vendor, webhooks
from agora_payment.service import personal

public = api(
    *(m.router for m in (payments, webhooks, admin, exports, vendor, connect)),
    connect.admin_router,
    prefix=API_PREFIX,
)
router = api(public, export_router(personal.export, service="payment"))
