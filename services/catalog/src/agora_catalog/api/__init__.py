"""The catalog's HTTP API, under /api/v1."""

from __future__ import annotations

from fastapi import APIRouter

from agora_catalog.api import (
    categories,
    images,
    inventory,
    products,
    reviews,
    search,
    vendors,
    wishlist,
)
from agora_kit.app import API_PREFIX

router = APIRouter(prefix=API_PREFIX)
for module in (vendors, categories, products, images, inventory, reviews, search, wishlist):
    router.include_router(module.router)
router.include_router(vendors.admin)
