"""Search by meaning on ``agora run``, through the gateway (ADR 0123): a store's products
get their embeddings from the catalog's worker; a buyer's words that no product holds
still find them with ``mode=vector`` and ``mode=hybrid``, and a product page's similar
products are the nearest in meaning."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from agora_tools import journeys
from agora_tools.deploy_testing import AllInOne, ok
from agora_tools.fleetdb import create_admin_in_run
from agora_tools.journeys import Customer, bearer

pytestmark = [pytest.mark.integration, pytest.mark.timeout(600)]

API = journeys.API
GOODS = {
    "Steel Vacuum Flask": "Keeps coffee or tea hot for twelve hours, leak-proof lid.",
    "Insulated Travel Mug": "Double-walled mug that keeps your drink warm on the commute.",
    "Pruning Shears": "Sharp bypass secateurs for cutting branches and roses.",
}


@pytest.fixture
def agora_run(tmp_path: Path) -> Iterator[AllInOne]:
    with AllInOne(tmp_path / "data").running("--fresh") as run:
        yield run


def publish(client: httpx.Client, vendor: Customer, category: str, title: str, text: str) -> str:
    product = ok(
        client.post(
            f"{API}/products",
            json={"title": title, "description": text, "category_id": category, "attributes": {}},
            headers=bearer(vendor),
        ),
        201,
    )
    variant = {"sku": f"SEM-{product['id'][:8]}", "price": {"amount": 1500, "currency": "USD"}}
    ok(
        client.post(
            f"{API}/products/{product['id']}/variants", json=variant, headers=bearer(vendor)
        ),
        201,
    )
    ok(client.post(f"{API}/products/{product['id']}/publish", headers=bearer(vendor)))
    return str(product["id"])


def test_words_no_product_holds_find_it_by_meaning(agora_run: AllInOne) -> None:
    with httpx.Client(base_url=agora_run.url("gateway"), timeout=30) as client:
        admin = create_admin_in_run(agora_run.data_dir, agora_run.env)
        journeys.log_in(client, admin)
        vendor = journeys.register(client)
        journeys.log_in(client, vendor)
        journeys.open_store(client, vendor, admin)
        category = ok(
            client.post(f"{API}/categories", json={"name": "Home"}, headers=bearer(admin)), 201
        )["id"]
        ids = {
            title: publish(client, vendor, category, title, text) for title, text in GOODS.items()
        }
        flask = ids["Steel Vacuum Flask"]

        def similar() -> Any:
            items = ok(client.get(f"{API}/products/{flask}/similar", params={"limit": 1}))["items"]
            return items or None

        nearest = journeys.eventually(similar, 120, "the embeddings made")
        assert isinstance(nearest, list)
        assert nearest[0]["title"] == "Insulated Travel Mug"

        def found(mode: str) -> list[str]:
            params: dict[str, str | int] = {"q": "keep a beverage warm", "mode": mode, "limit": 2}
            return [i["title"] for i in ok(client.get(f"{API}/search", params=params))["items"]]

        assert found("text") == []
        assert set(found("vector")) == {"Steel Vacuum Flask", "Insulated Travel Mug"}
        assert set(found("hybrid")) == {"Steel Vacuum Flask", "Insulated Travel Mug"}
        bad = client.get(f"{API}/search", params={"q": "flask", "mode": "meaning"})
        assert bad.status_code == 422
        assert bad.headers["content-type"].startswith("application/problem+json")
