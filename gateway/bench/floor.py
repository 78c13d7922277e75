"""The floor of the benchmark ladder: a bare FastAPI app on asyncpg, no chassis.

It answers ``GET /api/v1/products/{id}`` with the rows the catalog reads for that route
(the product with its vendor, then its variants with their stock), from the same
catalog database, in the same two queries, and returns them as JSON. No transaction,
middleware, tracing, metrics, access log or response model: what a request costs in
Python before Agora adds anything. Served by uvicorn as the parts are:
``AGORA_FLOOR_DSN=postgresql://... uvicorn floor:app --app-dir gateway/bench``.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
from fastapi import FastAPI, HTTPException, Request

PRODUCT = """
SELECT p.id, p.vendor_id, p.category_id, p.title, p.description, p.attributes::text,
       p.images::text, p.status, p.rating_count, p.rating_sum, p.created_at,
       p.updated_at, p.published_at, v.name AS vendor_name, v.status AS vendor_status
FROM products p JOIN vendors v ON v.id = p.vendor_id
WHERE p.id = $1 AND p.deleted_at IS NULL
"""
VARIANTS = """
SELECT va.id, va.sku, va.price_amount, va.currency, va.attributes::text, va.created_at,
       i.on_hand, i.reserved
FROM variants va LEFT JOIN inventory i ON i.sku = va.sku
WHERE va.product_id = $1 AND va.deleted_at IS NULL
ORDER BY va.created_at, va.sku
"""


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    pool = await asyncpg.create_pool(os.environ["AGORA_FLOOR_DSN"], min_size=2, max_size=10)
    app.state.pool = pool
    try:
        yield
    finally:
        await pool.close()


app = FastAPI(lifespan=lifespan, openapi_url=None)


@app.get("/api/v1/products/{product_id}")
async def product(product_id: uuid.UUID, request: Request) -> dict[str, Any]:
    async with request.app.state.pool.acquire() as conn:
        row = await conn.fetchrow(PRODUCT, product_id)
        if row is None:
            raise HTTPException(404)
        variants = await conn.fetch(VARIANTS, product_id)
    return {**dict(row), "variants": [dict(v) for v in variants]}
