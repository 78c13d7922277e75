"""What the public API contract says besides the services' own documents (ADR 0088):
the tags that group operations, with a description each, and the pages that the
problem type URIs name, served at ``/problems/<slug>``.

The pages are written in ``docs/api/problems/<slug>.md``; ``agora-ops generate``
bundles them into ``problems.json`` beside this module so an installed gateway (a
wheel, an image) serves them without the repository.
"""

from __future__ import annotations

import json
import re
from functools import cache
from importlib.resources import files
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from agora_kit.errors import NotFound

# In the order a reader meets them; every operation has exactly one of these.
TAGS: dict[str, str] = {
    "auth": "Accounts: register, verify the address, sign in (with a second factor), "
    "refresh, sign out, reset a password; the signing keys.",
    "users": "The signed-in user's own account: profile, export, erasure.",
    "two-factor": "TOTP second factor and recovery codes.",
    "api-keys": "Keys for programs, acting as their owner within their scopes.",
    "vendors": "Stores: apply to sell, the store page, a vendor's own products and "
    "sub-orders to ship.",
    "categories": "The category tree.",
    "products": "Products and their variants (SKUs) with prices and stock.",
    "inventory": "Stock per SKU: on hand, reserved, available.",
    "reviews": "Reviews by buyers of a product.",
    "search": "Full-text search with facets, and autocomplete.",
    "wishlist": "The signed-in buyer's wishlist, told when an item is back in stock or cheaper.",
    "cart": "The signed-in buyer's cart, with live prices.",
    "orders": "Checkout and the buyer's orders.",
    "returns": "Returns of delivered lines: the buyer's requests, the store's decisions, "
    "receipt and refund.",
    "payments": "Confirming payments, the buyer's payments, the payment provider's webhooks.",
    "notifications": "The in-app feed, preferences, unsubscribe, push devices.",
    "webhooks": "Outbound webhooks for developers: endpoints subscribed to events, signed "
    "deliveries (Standard Webhooks), the delivery log, redelivery and test pings.",
    "messages": "Conversations of buyers with stores (about a product or an order) and "
    "with support: messages, read receipts, abuse reports.",
    "admin": "What only admins may do: accounts, store decisions, coupons, refunds.",
}

PROBLEMS_PATH = "/problems"
_SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def document_tags(paths: dict[str, Any], found: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """The document's ``tags``: the known ones that operations use, in ``TAGS`` order,
    then any other a service uses (with its own description, if it gave one)."""
    used: set[str] = set()
    for item in paths.values():
        for operation in item.values():
            if isinstance(operation, dict):
                used.update(operation.get("tags") or [])
    tags = [{"name": name, "description": text} for name, text in TAGS.items() if name in used]
    tags += [found.get(name, {"name": name}) for name in sorted(used - set(TAGS))]
    return tags


@cache
def problem_pages() -> dict[str, str]:
    """slug -> the Markdown page of that problem type."""
    bundle = files("agora_gateway") / "problems.json"
    pages: dict[str, str] = json.loads(bundle.read_text(encoding="utf-8"))
    return pages


router = APIRouter(include_in_schema=False)


@router.get(PROBLEMS_PATH + "/{slug}")
async def problem_page(slug: str) -> Response:
    """The page of a problem type: where ``https://agora.dev/problems/<slug>`` leads."""
    page = problem_pages().get(slug) if _SLUG.match(slug) else None
    if page is None:
        raise NotFound(f"No problem type {slug!r}")
    return Response(
        page,
        media_type="text/markdown; charset=utf-8",
        headers={"Cache-Control": "public, max-age=3600"},
    )
