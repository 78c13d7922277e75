"""What a checkout asks its database: the cart and the SKU read model read once per
request, and the order placed answered from what was written, not read back."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import event

from .helpers import checkout, fill, order, stock


@contextmanager
def statements(app: FastAPI) -> Iterator[list[str]]:
    """The statements the order service's engine runs meanwhile."""
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        seen.append(statement)

    engine = app.state.database.engine.sync_engine
    event.listen(engine, "after_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "after_cursor_execute", record)


def reads(seen: list[str], table: str) -> int:
    """How many of ``seen`` read ``table``."""
    pattern = re.compile(rf"^\s*SELECT\b.*\bFROM {table}\b", re.DOTALL)
    return sum(1 for statement in seen if pattern.match(statement))


async def test_adding_a_line_reads_the_cart_and_the_skus_once(
    app: FastAPI, client: httpx.AsyncClient, buyer: dict[str, str]
) -> None:
    await stock(app, [("S-1", 1000, 5), ("S-2", 500, 5)])
    await fill(client, buyer, ("S-1", 1))
    with statements(app) as seen:
        await fill(client, buyer, ("S-2", 2))
    assert reads(seen, "cart_items") == 1
    assert reads(seen, "skus") == 1
    with statements(app) as seen:
        await fill(client, buyer, ("S-2", 1))  # a line the cart holds: 3 units now
    assert reads(seen, "cart_items") == 1
    assert reads(seen, "skus") == 1
    body = (await client.get("/api/v1/cart", headers=buyer)).json()
    assert [(item["sku"], item["quantity"]) for item in body["items"]] == [("S-1", 1), ("S-2", 3)]


async def test_checkout_reads_the_cart_once_and_answers_what_it_wrote(
    app: FastAPI, client: httpx.AsyncClient, buyer: dict[str, str]
) -> None:
    await stock(app, [("C-1", 1000, 5)])
    await stock(app, [("C-2", 700, 5)])
    await fill(client, buyer, ("C-2", 1), ("C-1", 2))
    with statements(app) as seen:
        response = await checkout(client, buyer)
    assert response.status_code == 202, response.text
    assert reads(seen, "cart_items") == 1
    assert reads(seen, "skus") == 1
    assert reads(seen, "sub_orders") == reads(seen, "order_lines") == 0
    # The answer is the order as it is read later: sub-orders by vendor, lines in
    # the cart's order.
    placed = response.json()
    assert await order(client, buyer, placed["id"]) == placed
