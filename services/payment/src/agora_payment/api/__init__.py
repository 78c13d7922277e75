"""The payment service's routes, all under the API prefix: the buyer's ``/payments``,
Stripe's webhooks, the admin's ``/admin/payments``, ``/admin/payouts`` and
``/admin/ledger``, and the vendor's
``/vendors/me/payouts``."""

from __future__ import annotations

from fastapi import APIRouter

from agora_kit.app import API_PREFIX
from agora_payment.api import admin, exports, payments, vendor, webhooks

router = APIRouter(prefix=API_PREFIX)
router.include_router(payments.router)
router.include_router(webhooks.router)
router.include_router(admin.router)
router.include_router(exports.router)
router.include_router(vendor.router)
