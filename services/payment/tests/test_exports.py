"""The admin's payouts and ledger exports (ADR 0101): the range's rows as CSV, the same
as the JSON pages, the ledger's legs adding up to its balances; read a batch at a time."""

from __future__ import annotations

import csv
import io
import uuid
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from fastapi import FastAPI

from agora_kit.export import csv_rows
from agora_kit.testing.tokens import Keys
from agora_payment.api.exports import LedgerRowOut, PayoutRowOut
from agora_payment.repository import exports as repo
from agora_payment_testing import ledger_balances

from .test_payouts import Order

DAY = timedelta(days=1)


def around_now() -> dict[str, str]:
    now = datetime.now(UTC)
    return {"from": (now - DAY).isoformat(), "to": (now + DAY).isoformat()}


async def as_csv(
    client: httpx.AsyncClient, path: str, admin: dict[str, str], **query: str
) -> list[dict[str, str]]:
    answer = await client.get(path, params={**around_now(), **query}, headers=admin)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "text/csv; charset=utf-8"
    kind = path.rsplit("/", 1)[-1]
    assert answer.headers["content-disposition"].startswith(f'attachment; filename="{kind}-')
    return list(csv.DictReader(io.StringIO(answer.text)))


async def all_pages(client: httpx.AsyncClient, path: str, admin: dict[str, str]) -> list[Any]:
    items: list[Any] = []
    cursor: str | None = None
    while True:
        query = {**around_now(), "limit": "2", **({"cursor": cursor} if cursor else {})}
        answer = await client.get(path, params=query, headers=admin)
        assert answer.status_code == 200, answer.text
        items += answer.json()["items"]
        cursor = answer.json()["next_cursor"]
        if cursor is None:
            return items


async def test_payouts_and_ledger_export_as_csv_and_add_up(
    app: FastAPI, client: httpx.AsyncClient, keys: Keys, admin: dict[str, str]
) -> None:
    shop_a, shop_b = uuid.uuid4(), uuid.uuid4()
    first, second = Order(app, client, keys), Order(app, client, keys)
    await first.pay(3499, {shop_a: 1000, shop_b: 2000})
    await second.pay(1500, {shop_a: 1000})
    for order, shop in ((first, shop_a), (first, shop_b), (second, shop_a)):
        await order.ship(shop)
    await first.delivered(shop_a)
    await first.refund(1000)

    payouts = await as_csv(client, "/api/v1/admin/payouts", admin, format="csv")
    assert list(payouts[0]) == list(PayoutRowOut.model_fields)
    by_vendor_order = {(r["order_id"], r["vendor_id"]): r for r in payouts}
    assert len(payouts) == 3
    for order in (first, second):
        for vendor, (status, gross, fee, amount, taken) in (await order.payouts()).items():
            row = by_vendor_order[(str(order.id), str(vendor))]
            assert (row["status"], row["currency"]) == (status, "USD")
            figures = ("gross_amount", "fee_amount", "amount", "reversed_amount")
            assert tuple(int(row[name]) for name in figures) == (gross, fee, amount, taken)
    assert (await first.payouts())[shop_a][0] == "paid"
    listed = await all_pages(client, "/api/v1/admin/payouts", admin)
    assert [p["payout_id"] for p in listed] == [r["payout_id"] for r in payouts]
    assert [p["reversed_amount"] for p in listed] == [int(r["reversed_amount"]) for r in payouts]

    # Accept: text/csv; the ledger's legs sum to zero per transaction and to its balances.
    legs = await as_csv(
        client, "/api/v1/admin/ledger", {**admin, "Accept": "text/csv, application/json;q=0.5"}
    )
    assert list(legs[0]) == list(LedgerRowOut.model_fields)
    transactions: dict[str, int] = defaultdict(int)
    accounts: dict[str, int] = defaultdict(int)
    for leg in legs:
        transactions[leg["transaction_id"]] += int(leg["amount"])
        accounts[leg["account"]] += int(leg["amount"])
    assert set(transactions.values()) == {0}
    assert dict(accounts) == await ledger_balances(app)
    assert {leg["order_id"] for leg in legs} == {str(first.id), str(second.id)}
    listed = await all_pages(client, "/api/v1/admin/ledger", admin)
    assert [(e["entry_id"], e["amount"]) for e in listed] == [
        (int(leg["entry_id"]), int(leg["amount"])) for leg in legs
    ]


async def test_the_ledger_export_reads_a_batch_at_a_time(
    app: FastAPI, client: httpx.AsyncClient, keys: Keys
) -> None:
    """Legs written after the export's first batch went out are in a later batch: the
    range is not read whole before the first row is sent."""
    await Order(app, client, keys).pay(1000, {uuid.uuid4(): 900})
    now = datetime.now(UTC)
    legs = repo.ledger(now - DAY, now + DAY)
    batches = csv_rows(app.state.database, legs, key=repo.LEDGER_KEY, batch=1)
    [[first_leg]] = [await anext(batches)]
    late = Order(app, client, keys)
    await late.pay(700, {uuid.uuid4(): 600})
    rest = [row for batch in [b async for b in batches] for row in batch]
    assert {str(row[-1]) for row in rest} == {str(first_leg[-1]), str(late.id)}
    assert len(rest) >= 3  # the first payment's other leg, and the late one's two


async def test_only_admins_export_and_for_a_sound_range(
    client: httpx.AsyncClient, buyer: dict[str, str], admin: dict[str, str]
) -> None:
    query = {"from": "2026-12-01T00:00:00Z", "to": "2026-12-08T00:00:00Z"}
    for path in ("/api/v1/admin/payouts", "/api/v1/admin/ledger"):
        refused = await client.get(path, params={**query, "format": "csv"}, headers=buyer)
        assert refused.status_code == 403, refused.text
        empty = await client.get(path, params={**query, "format": "csv"}, headers=admin)
        assert empty.status_code == 200, empty.text
        assert len(list(csv.reader(io.StringIO(empty.text)))) == 1  # the header alone
        backwards = {"from": query["to"], "to": query["from"], "format": "csv"}
        answer = await client.get(path, params=backwards, headers=admin)
        assert answer.status_code == 422, answer.text
        assert answer.headers["content-type"] == "application/problem+json"
