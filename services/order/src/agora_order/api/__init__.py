"""The order service's routes under the API prefix: the cart, checkout and orders,
vendors' sub-orders and dashboard, and admin's coupons, analytics and orders export."""

from __future__ import annotations

from fastapi import APIRouter

from agora_kit.app import API_PREFIX
from agora_order.api import admin, analytics, cart, orders, stats, vendor

router = APIRouter(prefix=API_PREFIX)
router.include_router(cart.router)
router.include_router(orders.router)
router.include_router(vendor.router)
router.include_router(stats.router)
router.include_router(admin.router)
router.include_router(analytics.router)
