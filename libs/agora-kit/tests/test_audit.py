"""Recording an audit entry: in the caller's transaction (rolled back, it is gone), who
acted read from the request (an API key's id included), and only the changed fields."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import select

from agora_kit import audit
from agora_kit.auth import Principal, principal_var
from agora_kit.db import Database
from agora_kit.events.outbox import Outbox
from agora_kit.events.tables import metadata as event_metadata
from agora_kit.events.tables import outbox
from agora_kit.logging import request_id_var
from agora_kit.testing.fixtures import PostgresServer


@pytest.fixture
async def database(postgres_server: PostgresServer) -> AsyncIterator[Database]:
    name = await postgres_server.create_database("audit")
    database = Database(postgres_server.url(name))
    async with database.engine.begin() as conn:
        await conn.run_sync(event_metadata.create_all)
    yield database
    await database.dispose()
    await postgres_server.drop_database(name)


async def outbox_rows(database: Database) -> list[dict[str, Any]]:
    async with database.transaction() as session:
        rows = (await session.execute(select(outbox.c.topic, outbox.c.key, outbox.c.event))).all()
    return [{"topic": r.topic, "key": r.key, "event": r.event} for r in rows]


async def record_then_fail(database: Database) -> None:
    async with database.transaction() as session:
        await audit.record(
            session,
            Outbox("/agora/catalog"),
            action="stock.set",
            resource_type="sku",
            resource_id="SKU-1",
            before={"on_hand": 1},
            after={"on_hand": 5},
        )
        raise RuntimeError("the change fails")


def test_only_changed_fields_are_kept() -> None:
    assert audit.changed({"a": 1, "b": 2}, {"a": 1, "b": 3}) == ({"b": 2}, {"b": 3})
    assert audit.changed({"a": 1}, {"a": 2, "new": "x"}) == ({"a": 1}, {"a": 2, "new": "x"})
    assert audit.changed(None, {"a": 1}) == (None, {"a": 1})
    assert audit.changed({"a": 1}, None) == ({"a": 1}, None)
    assert audit.changed({"a": 1}, {"a": 1}) == ({}, {})


async def test_an_entry_names_the_caller_and_its_api_key_and_rolls_back_with_the_change(
    database: Database,
) -> None:
    key_token = Principal(
        user_id="u-1",
        roles=frozenset({"customer", "vendor"}),
        scopes=frozenset({"inventory:write"}),
        claims={"akid": "key-7"},
    )
    principal_token = principal_var.set(key_token)
    request_token = request_id_var.set("req-42")
    try:
        with pytest.raises(RuntimeError, match="the change fails"):
            await record_then_fail(database)
        assert await outbox_rows(database) == []

        async with database.transaction() as session:
            await audit.record(
                session,
                Outbox("/agora/catalog"),
                action="stock.set",
                resource_type="sku",
                resource_id="SKU-1",
                before={"on_hand": 1, "note": "same"},
                after={"on_hand": 5, "note": "same"},
            )
    finally:
        principal_var.reset(principal_token)
        request_id_var.reset(request_token)
    [row] = await outbox_rows(database)
    assert (row["topic"], row["key"]) == ("agora.audit.entry.v1", "sku:SKU-1")
    data = row["event"]["data"]
    assert data["service"] == "catalog"
    assert (data["actor_id"], data["actor_role"], data["api_key_id"]) == ("u-1", "vendor", "key-7")
    assert (data["action"], data["resource_type"], data["resource_id"]) == (
        "stock.set",
        "sku",
        "SKU-1",
    )
    assert (data["before"], data["after"]) == ({"on_hand": 1}, {"on_hand": 5})
    assert data["request_id"] == "req-42"


async def test_without_a_caller_the_entry_is_the_systems(database: Database) -> None:
    async with database.transaction() as session:
        entry = await audit.record(
            session,
            Outbox("/agora/payment"),
            action="payment.refund",
            resource_type="payment",
            resource_id="p-1",
            before={"refunded_amount": 0},
            after={"refunded_amount": 500},
        )
    assert (entry.actor_id, entry.actor_role, entry.api_key_id) == (None, None, None)
