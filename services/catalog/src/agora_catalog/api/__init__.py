"""The catalog's HTTP API, under /api/v1, and the internal GDPR export of one person's
data (ADR 0112)."""

from __future__ import annotations

from agora_catalog.api import (
    also_bought,
    categories,
    currencies,
    images,
    inventory,
    products,
    reviews,
    search,
    similar,
    vendors,
    wishlist,
)
from agora_catalog.service import personal
from agora_kit.app import API_PREFIX
from agora_kit.personal import export_router
from agora_kit.routes import api

public = api(
    *(
        m.router
        for m in (
            vendors,
            categories,
            products,
            also_bought,
            similar,
            images,
            inventory,
            reviews,
            search,
            wishlist,
            currencies,
        )
    ),
    vendors.admin,
    prefix=API_PREFIX,
)
router = api(public, export_router(personal.export, service="catalog"))
