"""Idempotency-Key on the POSTs that create things: a retry gets the first answer."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from fastapi import FastAPI
from sqlalchemy import func, select

from agora_catalog.models import Product
from agora_catalog_testing.helpers import Shop
from agora_kit.idempotency import forget_old_keys, idempotency_keys


async def test_a_retried_create_returns_the_first_answer_and_creates_once(
    shop: Shop, app: FastAPI
) -> None:
    store = await shop.store()
    shoes = await shop.category("Shoes")
    body = {"title": "Retry-proof boots", "category_id": shoes["id"]}
    headers = {**store.owner.headers, "Idempotency-Key": "create-boots-1"}

    first = await shop.client.post("/api/v1/products", json=body, headers=headers)
    again = await shop.client.post("/api/v1/products", json=body, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["location"] == first.headers["location"]
    assert again.headers["idempotent-replayed"] == "true"
    async with app.state.database.transaction() as session:
        assert await session.scalar(select(func.count()).select_from(Product)) == 1

    other = await shop.client.post(
        "/api/v1/products", json={**body, "title": "Different"}, headers=headers
    )
    assert other.status_code == 422
    assert other.json()["type"] == "https://agora.dev/problems/idempotency-key-reused"
    assert other.json()["errors"][0]["name"] == "header.Idempotency-Key"
    # Keys belong to their user: someone else's same key is their own.
    rival = await shop.store()
    theirs = await shop.client.post(
        "/api/v1/products",
        json=body,
        headers={**rival.owner.headers, "Idempotency-Key": "create-boots-1"},
    )
    assert theirs.status_code == 201
    assert theirs.json()["id"] != first.json()["id"]


async def test_concurrent_retries_create_one_thing(shop: Shop, app: FastAPI) -> None:
    user = shop.user()
    headers = {**user.headers, "Idempotency-Key": "apply-once"}
    answers = await asyncio.gather(
        *(
            shop.client.post("/api/v1/vendors", json={"name": "Racing Store"}, headers=headers)
            for _ in range(5)
        )
    )
    assert {a.status_code for a in answers} == {201}
    assert len({a.json()["id"] for a in answers}) == 1


async def test_a_failed_request_does_not_use_up_its_key(shop: Shop) -> None:
    store = await shop.store()
    headers = {**store.owner.headers, "Idempotency-Key": "k-1"}
    shoes = await shop.category("Shoes")
    product = await shop.product(store, shoes, "Sneaker", variants=[{"sku": "SNK-1"}])
    url = f"/api/v1/products/{product['id']}/variants"
    taken = await shop.client.post(
        url, json={"sku": "SNK-1", "price": {"amount": 1, "currency": "USD"}}, headers=headers
    )
    assert taken.status_code == 409
    retry = await shop.client.post(
        url, json={"sku": "SNK-2", "price": {"amount": 1, "currency": "USD"}}, headers=headers
    )
    assert retry.status_code == 201, "the 409 rolled its claim on the key back"


async def test_keys_are_forgotten_after_a_day(shop: Shop, app: FastAPI) -> None:
    user = shop.user()
    await shop.ok(
        shop.client.post(
            "/api/v1/vendors",
            json={"name": "Forgetful"},
            headers={**user.headers, "Idempotency-Key": "old"},
        ),
        201,
    )
    async with app.state.database.transaction() as session:
        assert await forget_old_keys(session) == 0
        later = datetime.now(UTC) + timedelta(hours=25)
        assert await forget_old_keys(session, now=later) == 1
        assert await session.scalar(select(func.count()).select_from(idempotency_keys)) == 0
