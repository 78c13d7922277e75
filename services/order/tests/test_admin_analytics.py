"""The admin analytics add up the platform's own paid orders, refunds, first-time
buyers and carts begun, every period listed; the orders export is the same orders as
CSV, read a batch at a time (ADR 0101)."""

from __future__ import annotations

import csv
import io
import re
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import update

from agora_contracts.payment import PaymentRefunded
from agora_kit.export import csv_rows
from agora_kit.testing.events import deliver
from agora_kit.testing.tokens import Keys
from agora_order.api.analytics import OrderRowOut
from agora_order.models import Order
from agora_order.repository import analytics as repo

from .helpers import checkout, fill, paid_order, stock, usd

DAY = timedelta(days=1)


async def backdate(app: FastAPI, order_id: str, to: datetime) -> None:
    async with app.state.database.transaction() as session:
        await session.execute(
            update(Order).where(Order.id == uuid.UUID(order_id)).values(placed_at=to)
        )


def span(start: datetime, end: datetime, **extra: str) -> dict[str, str]:
    return {"from": start.isoformat(), "to": end.isoformat(), **extra}


async def metric(
    client: httpx.AsyncClient, admin: dict[str, str], name: str, query: dict[str, str]
) -> Any:
    answer = await client.get(
        "/api/v1/admin/analytics", params={**query, "metric": name}, headers=admin
    )
    assert answer.status_code == 200, answer.text
    return answer.json()


async def test_the_analytics_add_up_the_paid_orders_by_day(
    app: FastAPI,
    client: httpx.AsyncClient,
    buyer: dict[str, str],
    admin: dict[str, str],
    keys: Keys,
) -> None:
    other = keys.headers(uuid.uuid4())
    await stock(app, [("AN-1", 1000, 50), ("AN-2", 2500, 50)])
    first = await paid_order(app, client, buyer, ("AN-1", 2))
    second = await paid_order(app, client, buyer, ("AN-2", 1))
    theirs = await paid_order(app, client, other, ("AN-1", 1))
    earlier = await paid_order(app, client, other, ("AN-2", 2))
    await fill(client, buyer, ("AN-1", 1))
    assert (await checkout(client, buyer)).status_code == 202  # never paid
    await fill(client, other, ("AN-2", 1))  # a cart never checked out
    refund = PaymentRefunded(
        payment_id=uuid.uuid4(),
        order_id=uuid.UUID(second["id"]),
        buyer_id=uuid.uuid4(),
        amount=usd(1000),
        total_refunded=usd(1000),
    )
    await deliver(app, refund, second["id"])
    now = datetime.now(UTC)
    three_days_ago = now - 3 * DAY
    await backdate(app, earlier["id"], three_days_ago)

    today = [first, second, theirs]
    gmv = sum(o["total"]["amount"] for o in today)
    week = span(now - 4 * DAY, now + DAY, interval="day")
    today_only = span(now - DAY / 2, now + DAY / 2, interval="day")

    body = await metric(client, admin, "gmv", today_only)
    assert (body["metric"], body["unit"]) == ("gmv", "minor_units")
    [usd_series] = body["series"]
    assert usd_series["currency"] == "USD"
    assert usd_series["total"] == {"value": gmv, "numerator": gmv, "denominator": 0}

    body = await metric(client, admin, "gmv", week)
    [series] = body["series"]
    assert len(series["buckets"]) in {5, 6}  # every day, with zeros
    by_day = {b["start"][:10]: b["value"] for b in series["buckets"]}
    assert by_day[now.date().isoformat()] == gmv
    assert by_day[three_days_ago.date().isoformat()] == earlier["total"]["amount"]
    assert sum(by_day.values()) == gmv + earlier["total"]["amount"]
    assert sorted(by_day.values()).count(0) == len(by_day) - 2

    orders = await metric(client, admin, "orders", today_only)
    [series] = orders["series"]
    assert (series["currency"], series["total"]["value"]) == (None, 3)
    aov = (await metric(client, admin, "aov", today_only))["series"][0]["total"]
    assert aov == {"value": (gmv * 2 + 3) // 6, "numerator": gmv, "denominator": 3}
    rate = (await metric(client, admin, "refund_rate", today_only))["series"][0]["total"]
    assert rate == {
        "value": (1000 * 20_000 + gmv) // (2 * gmv),
        "numerator": 1000,
        "denominator": gmv,
    }

    # Each buyer counts once, in the period of its first paid order.
    buyers = (await metric(client, admin, "new_buyers", week))["series"][0]
    assert buyers["total"]["value"] == 2
    assert [b["start"][:10] for b in buyers["buckets"] if b["value"]] == [
        three_days_ago.date().isoformat(),
        now.date().isoformat(),
    ]
    assert (await metric(client, admin, "new_buyers", today_only))["series"][0]["total"][
        "value"
    ] == 1

    # Six carts begun (five checked out, one not), four of them paid.
    conversion = (await metric(client, admin, "conversion", week))["series"][0]["total"]
    assert conversion == {"value": 6667, "numerator": 4, "denominator": 6}

    # A currency asked for and never sold in: a series of zeros.
    body = await metric(client, admin, "gmv", {**week, "currency": "EUR"})
    [eur] = body["series"]
    assert eur["currency"] == "EUR"
    assert {b["value"] for b in eur["buckets"]} == {0}


async def test_the_orders_export_is_the_json_api_as_csv(
    app: FastAPI, client: httpx.AsyncClient, buyer: dict[str, str], admin: dict[str, str]
) -> None:
    await stock(app, [("EX-1", 1234, 50)])
    placed = [await paid_order(app, client, buyer, ("EX-1", n)) for n in (1, 2, 3)]
    await fill(client, buyer, ("EX-1", 1))
    unpaid = (await checkout(client, buyer)).json()
    now = datetime.now(UTC)
    query = span(now - DAY, now + DAY)

    answer = await client.get(
        "/api/v1/admin/orders", params={**query, "format": "csv"}, headers=admin
    )
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "text/csv; charset=utf-8"
    disposition = answer.headers["content-disposition"]
    pattern = r'attachment; filename="orders-\d{8}T\d{6}Z-\d{8}T\d{6}Z\.csv"'
    assert re.fullmatch(pattern, disposition), disposition
    rows = list(csv.DictReader(io.StringIO(answer.text)))
    assert list(rows[0]) == list(OrderRowOut.model_fields)
    assert [r["order_id"] for r in rows] == [o["id"] for o in placed] + [unpaid["id"]]
    assert [r["paid"] for r in rows] == ["true", "true", "true", "false"]
    assert {r["currency"] for r in rows} == {"USD"}
    for row, order in zip(rows, [*placed, unpaid], strict=True):
        assert int(row["total_amount"]) == order["total"]["amount"]
        assert row["number"] == order["number"]

    # The same range through the JSON analytics: the CSV's paid totals are the GMV.
    gmv = (await metric(client, admin, "gmv", {**query, "interval": "day"}))["series"][0]
    assert gmv["total"]["value"] == sum(int(r["total_amount"]) for r in rows if r["paid"] == "true")

    # Accept: text/csv does the same; the JSON pages list the same orders.
    accepted = await client.get(
        "/api/v1/admin/orders", params=query, headers={**admin, "Accept": "text/csv"}
    )
    assert accepted.text == answer.text
    page = await client.get("/api/v1/admin/orders", params={**query, "limit": 3}, headers=admin)
    assert page.status_code == 200, page.text
    listed = page.json()
    assert [o["order_id"] for o in listed["items"]] == [o["id"] for o in placed]
    rest = await client.get(
        "/api/v1/admin/orders",
        params={**query, "limit": 3, "cursor": listed["next_cursor"]},
        headers=admin,
    )
    assert [o["order_id"] for o in rest.json()["items"]] == [unpaid["id"]]


async def test_the_export_reads_a_batch_at_a_time(
    app: FastAPI, client: httpx.AsyncClient, buyer: dict[str, str]
) -> None:
    """An order placed while the export is under way, after its first batch went out,
    is in a later batch: the range is not read whole before the first row is sent."""
    await stock(app, [("EX-2", 500, 50)])
    for _ in range(3):
        await paid_order(app, client, buyer, ("EX-2", 1))
    now = datetime.now(UTC)
    orders = repo.orders_placed(now - DAY, now + DAY)
    batches = csv_rows(app.state.database, orders, key=repo.EXPORT_KEY, batch=2)
    sizes = [len(await anext(batches))]
    late = await paid_order(app, client, buyer, ("EX-2", 1))
    rest = [batch async for batch in batches]
    sizes += [len(batch) for batch in rest]
    assert sizes == [2, 2]
    assert str(rest[-1][-1][0]) == late["id"]


async def test_only_admins_get_analytics_and_exports_for_a_sound_range(
    client: httpx.AsyncClient, buyer: dict[str, str], admin: dict[str, str]
) -> None:
    query = {"from": "2026-12-01T00:00:00Z", "to": "2026-12-08T00:00:00Z", "interval": "week"}
    answer = await client.get(
        "/api/v1/admin/analytics", params={**query, "metric": "orders"}, headers=admin
    )
    assert answer.status_code == 200, answer.text
    [series] = answer.json()["series"]
    assert [(b["start"], b["value"]) for b in series["buckets"]] == [
        ("2026-11-30T00:00:00Z", 0),
        ("2026-12-07T00:00:00Z", 0),
    ]
    assert answer.json()["from"] == "2026-12-01T00:00:00Z"
    for path in ("/api/v1/admin/analytics?metric=gmv", "/api/v1/admin/orders?format=csv"):
        refused = await client.get(path, params=query, headers=buyer)
        assert refused.status_code == 403, refused.text
        assert refused.headers["content-type"] == "application/problem+json"
    wrong = [
        ({**query, "metric": "revenue"}, "query.metric"),
        ({**query, "metric": "gmv", "interval": "hour"}, "query.interval"),
        ({**query, "metric": "gmv", "from": "2026-12-01T00:00:00"}, "query.from"),
        ({**query, "metric": "gmv", "currency": "usd"}, "query.currency"),
    ]
    for params, name in wrong:
        answer = await client.get("/api/v1/admin/analytics", params=params, headers=admin)
        assert answer.status_code == 422, answer.text
        assert answer.headers["content-type"] == "application/problem+json"
        assert [e["name"] for e in answer.json()["errors"]] == [name], answer.text
    backwards = {**query, "metric": "gmv", "from": query["to"], "to": query["from"]}
    for params in (
        backwards,
        {**query, "metric": "gmv", "from": "2020-01-01T00:00:00Z", "interval": "day"},
    ):
        answer = await client.get("/api/v1/admin/analytics", params=params, headers=admin)
        assert answer.status_code == 422, answer.text
    answer = await client.get(
        "/api/v1/admin/orders", params={**backwards, "format": "csv"}, headers=admin
    )
    assert answer.status_code == 422, answer.text
    answer = await client.get(
        "/api/v1/admin/orders", params={**query, "format": "xml"}, headers=admin
    )
    assert answer.status_code == 422, answer.text
    # Ranges at the calendar's ends: refused, not a server error.
    last_day = {"from": "9999-12-31T00:00:00Z", "to": "9999-12-31T12:00:00Z"}
    for interval in ("day", "week", "month"):
        answer = await client.get(
            "/api/v1/admin/analytics",
            params={**last_day, "metric": "gmv", "interval": interval},
            headers=admin,
        )
        assert answer.status_code == 422, answer.text
    before_year_one = {"from": "0001-01-01T00:00:00+01:00", "to": "2026-12-01T00:00:00Z"}
    answer = await client.get(
        "/api/v1/admin/orders", params={**before_year_one, "format": "csv"}, headers=admin
    )
    assert answer.status_code == 422, answer.text
