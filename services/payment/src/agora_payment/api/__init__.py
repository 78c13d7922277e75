"""The payment service's routes, all under the API prefix: the buyer's ``/payments``,
Stripe's webhooks, the admin's ``/admin/payments``, ``/admin/payouts``,
``/admin/ledger`` and ``/admin/connect-accounts``, and the vendor's
``/vendors/me/payouts`` and ``/vendors/me/connect``."""

from __future__ import annotations

from fastapi import APIRouter

from agora_kit.app import API_PREFIX
from agora_payment.api import admin, connect, exports, payments, vendor, webhooks

router = APIRouter(prefix=API_PREFIX)
router.include_router(payments.router)
router.include_router(webhooks.router)
router.include_router(admin.router)
router.include_router(exports.router)
router.include_router(vendor.router)
router.include_router(connect.router)
router.include_router(connect.admin_router)
