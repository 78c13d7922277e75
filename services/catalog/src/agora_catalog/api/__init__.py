"""The catalog's HTTP API, under /api/v1."""

from __future__ import annotations

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
from agora_kit.routes import api

router = api(
    *(
        m.router
        for m in (vendors, categories, products, images, inventory, reviews, search, wishlist)
    ),
    vendors.admin,
    prefix=API_PREFIX,
)
