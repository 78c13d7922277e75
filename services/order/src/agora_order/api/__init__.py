"""The order service's routes under the API prefix: the cart, checkout and orders,
vendors' sub-orders and dashboard, and admin's coupons, analytics and orders export;
and the internal GDPR export of one person's data (ADR 0112)."""

from __future__ import annotations

from agora_kit.app import API_PREFIX
from agora_kit.personal import export_router
from agora_kit.routes import api
from agora_order.api import admin, analytics, cart, orders, returns, shipping, stats, vendor
from agora_order.service import personal

public = api(
    *(m.router for m in (cart, orders, returns, vendor, shipping, stats, admin, analytics)),
    prefix=API_PREFIX,
)
router = api(public, export_router(personal.export, service="order"))
