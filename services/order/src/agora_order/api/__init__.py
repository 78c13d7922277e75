from __future__ import annotations

from fastapi import APIRouter

from agora_kit.app import API_PREFIX
from agora_order.api import admin, cart, orders, vendor

router = APIRouter(prefix=API_PREFIX)
router.include_router(cart.router)
router.include_router(orders.router)
router.include_router(vendor.router)
router.include_router(admin.router)
