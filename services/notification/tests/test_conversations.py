"""Conversations (ADR 0119): a buyer and a store about a product or an order, a buyer
and support; pages, read receipts, unread counts, who sees what, bad input changing
nothing, the per-person rate limit, the notification of an offline recipient, abuse
reports, and the erasure and export of a person's messages."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from agora_contracts.catalog import ProductAnnounced
from agora_contracts.order import OrderLine, OrderPlaced
from agora_contracts.user import UserDeleted, UserRoleChanged, UserRolesAnnounced
from agora_notification.models import Conversation
from agora_notification.repository import conversations as conversation_repo
from agora_notification.settings import Settings
from agora_notification_testing import Notifications, quick_settings
from agora_tools.pytest_plugin import SmtpServer

LIMIT = 5
IMAGE = "/media/products/0b/photo.webp"


@pytest.fixture
def settings(notification_url: str, events_url: str, smtp_server: SmtpServer) -> Settings:
    return quick_settings(
        notification_url,
        events_url,
        smtp=(smtp_server.host, smtp_server.port),
        messages_per_minute=LIMIT,
    )


async def _ok(answer: httpx.Response, status: int = 200) -> Any:
    assert answer.status_code == status, answer.text
    return answer.json()


def _problem(answer: httpx.Response, status: int, slug: str) -> None:
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["type"].endswith(f"/{slug}"), answer.json()


async def _counts(service: Notifications) -> tuple[int, int]:
    [row] = await service.query(
        "SELECT (SELECT count(*) FROM conversations) AS c, (SELECT count(*) FROM messages) AS m"
    )
    return int(row["c"]), int(row["m"])


async def test_a_buyer_asks_about_a_product_and_the_store_answers(service: Notifications) -> None:
    c = service.client
    owner, vendor_id = await service.store()
    product_id = await service.product(vendor_id)
    buyer = await service.person()
    stranger = await service.person()

    question = {"about": "product", "product_id": str(product_id), "body": " Is it organic? "}
    opened = await _ok(
        await c.post("/api/v1/conversations", json=question, headers=buyer.headers), 201
    )
    conversation = opened["conversation"]
    assert conversation["vendor_id"] == str(vendor_id)
    assert conversation["your_side"] == "buyer"
    assert opened["message"]["body"] == "Is it organic?"
    # Asking again on the same product continues the same conversation.
    again = await _ok(
        await c.post(
            "/api/v1/conversations",
            json={
                **question,
                "body": "And caffeinated?",
                "attachments": [{"image_id": str(uuid.uuid4()), "url": IMAGE}],
            },
            headers=buyer.headers,
        ),
    )
    assert again["conversation"]["id"] == conversation["id"]
    path = f"/api/v1/conversations/{conversation['id']}"

    listed = await _ok(await c.get("/api/v1/conversations", headers=owner.headers))
    assert [i["id"] for i in listed["items"]] == [conversation["id"]]
    assert listed["items"][0]["your_side"] == "store"
    assert listed["unread_count"] == 2
    assert (await _ok(await c.get("/api/v1/conversations", headers=stranger.headers)))[
        "items"
    ] == []
    for method, where in (("GET", path), ("GET", f"{path}/messages")):
        _problem(
            await c.request(method, where, headers=stranger.headers), 404, "conversation-not-found"
        )
    _problem(
        await c.post(f"{path}/messages", json={"body": "hi"}, headers=stranger.headers),
        404,
        "conversation-not-found",
    )

    first = await _ok(await c.get(f"{path}/messages", params={"limit": 1}, headers=owner.headers))
    assert [m["body"] for m in first["items"]] == ["And caffeinated?"]
    assert first["items"][0]["attachments"][0]["url"] == IMAGE
    second = await _ok(
        await c.get(
            f"{path}/messages",
            params={"limit": 1, "cursor": first["next_cursor"]},
            headers=owner.headers,
        )
    )
    assert [m["body"] for m in second["items"]] == ["Is it organic?"]
    assert second["next_cursor"] is None

    answer = await _ok(
        await c.post(f"{path}/messages", json={"body": "Yes, and decaf."}, headers=owner.headers),
        201,
    )
    assert answer["side"] == "store"
    assert answer["sender_id"] == str(owner.id)
    mine = await _ok(await c.get(path, headers=buyer.headers))
    assert mine["unread_count"] == 1
    # The owner answered: their side has read up to their own message.
    assert mine["store_read_at"] is not None

    read = await _ok(
        await c.post(f"{path}/read", json={"up_to": answer["id"]}, headers=buyer.headers)
    )
    assert read == {"unread_count": 0}
    # A receipt never moves back.
    older = opened["message"]["id"]
    assert (
        await _ok(await c.post(f"{path}/read", json={"up_to": older}, headers=buyer.headers))
    ) == {"unread_count": 0}
    seen = await _ok(await c.get(path, headers=owner.headers))
    assert seen["buyer_read_at"] is not None
    assert seen["buyer_read_seq"] == answer["seq"] > opened["message"]["seq"]
    assert seen["store_read_seq"] == answer["seq"]
    assert seen["unread_count"] == 0
    _problem(
        await c.post(f"{path}/read", json={"up_to": str(uuid.uuid4())}, headers=buyer.headers),
        404,
        "message-not-found",
    )

    events = await service.query(
        "SELECT event->'data' AS data FROM outbox WHERE event_type = :t ORDER BY created_at",
        t="agora.notification.conversation.message_posted.v1",
    )
    assert [e["data"]["side"] for e in events] == ["buyer", "buyer", "store"]
    assert events[1]["data"]["attachments"] == 1
    assert "body" not in events[0]["data"]


async def test_a_product_announced_again_can_be_asked_about(service: Notifications) -> None:
    # Published before conversations existed, so unknown here: the catalog's
    # `announce` sends it again, and buyers may ask about it from then on.
    _, vendor_id = await service.store()
    buyer = await service.person()
    product_id = uuid.uuid4()
    ask = {"about": "product", "product_id": str(product_id), "body": "Still made by hand?"}
    refused = await service.client.post("/api/v1/conversations", json=ask, headers=buyer.headers)
    _problem(refused, 422, "conversation-refused")
    await service.deliver(
        ProductAnnounced(
            product_id=product_id,
            vendor_id=vendor_id,
            category_id=uuid.uuid4(),
            title="Hand-thrown mug",
            variants=[],
        ),
        key=str(product_id),
    )
    opened = await _ok(
        await service.client.post("/api/v1/conversations", json=ask, headers=buyer.headers), 201
    )
    assert opened["conversation"]["product_id"] == str(product_id)


async def test_roles_announced_again_make_an_admin_known(service: Notifications) -> None:
    # An admin from before support existed: `agora user announce-roles` tells this
    # service, which counts them among support's admins from then on; an announced
    # vendor is not one.
    admin, vendor = await service.person(), await service.person()
    for person, roles in ((admin, ["customer", "admin"]), (vendor, ["customer", "vendor"])):
        await service.deliver(
            UserRolesAnnounced(user_id=person.id, roles=roles, announced_at=datetime.now(UTC)),
            key=str(person.id),
        )
    rows = await service.query(
        "SELECT user_id, admin FROM contacts WHERE user_id IN (:a, :v)", a=admin.id, v=vendor.id
    )
    assert {(row["user_id"], row["admin"]) for row in rows} == {
        (admin.id, True),
        (vendor.id, False),
    }


async def test_bad_input_is_a_problem_and_changes_nothing(service: Notifications) -> None:
    c = service.client
    owner, vendor_id = await service.store()
    product_id = await service.product(vendor_id)
    buyer = await service.person()
    ask = {"about": "product", "product_id": str(product_id), "body": "Hello"}

    for body, status, slug in (
        ({**ask, "body": "   "}, 422, "validation-error"),
        ({**ask, "body": "x" * 4001}, 422, "validation-error"),
        ({**ask, "about": "weather"}, 422, "validation-error"),
        ({"about": "product", "body": "Hello"}, 422, "conversation-refused"),
        ({**ask, "product_id": str(uuid.uuid4())}, 422, "conversation-refused"),
        (
            {"about": "order", "order_id": str(uuid.uuid4()), "body": "Hello"},
            422,
            "conversation-refused",
        ),
        (
            {
                **ask,
                "attachments": [{"image_id": str(uuid.uuid4()), "url": "https://evil.test/a.png"}],
            },
            422,
            "attachment-refused",
        ),
        (
            {**ask, "attachments": [{"image_id": str(uuid.uuid4()), "url": "/media/../secret"}]},
            422,
            "attachment-refused",
        ),
        (
            {**ask, "attachments": [{"image_id": "not-a-uuid", "url": IMAGE}]},
            422,
            "validation-error",
        ),
    ):
        _problem(
            await c.post("/api/v1/conversations", json=body, headers=buyer.headers), status, slug
        )
    # A store's owner does not write to their own store.
    _problem(
        await c.post("/api/v1/conversations", json=ask, headers=owner.headers),
        422,
        "conversation-refused",
    )
    assert await _counts(service) == (0, 0)
    _problem(await c.get("/api/v1/conversations"), 401, "unauthorized")


async def test_an_order_names_its_store_and_only_its_buyer_asks(service: Notifications) -> None:
    c = service.client
    _, teas = await service.store()
    cups_owner, cups = await service.store("Cups & Co")
    buyer = await service.person()
    other = await service.person()
    order_id = uuid.uuid4()
    await service.deliver(
        OrderPlaced(
            order_id=order_id,
            buyer_id=buyer.id,
            lines=[
                OrderLine(sku="TEA-EARL", quantity=1, vendor_id=teas),
                OrderLine(sku="CUP-BLUE", quantity=2, vendor_id=cups),
            ],
            placed_at=datetime.now(UTC),
        ),
        key=str(order_id),
    )
    ask = {"about": "order", "order_id": str(order_id), "body": "Where is my cup?"}
    # Two stores: the buyer names one; a store outside the order, or another buyer, is refused.
    _problem(
        await c.post("/api/v1/conversations", json=ask, headers=buyer.headers),
        422,
        "conversation-refused",
    )
    _problem(
        await c.post(
            "/api/v1/conversations",
            json={**ask, "vendor_id": str(uuid.uuid4())},
            headers=buyer.headers,
        ),
        422,
        "conversation-refused",
    )
    _problem(
        await c.post(
            "/api/v1/conversations", json={**ask, "vendor_id": str(cups)}, headers=other.headers
        ),
        422,
        "conversation-refused",
    )
    assert await _counts(service) == (0, 0)
    opened = await _ok(
        await c.post(
            "/api/v1/conversations", json={**ask, "vendor_id": str(cups)}, headers=buyer.headers
        ),
        201,
    )
    assert opened["conversation"]["order_id"] == str(order_id)
    store_side = await _ok(
        await c.get("/api/v1/conversations", params={"side": "store"}, headers=cups_owner.headers)
    )
    assert [i["id"] for i in store_side["items"]] == [opened["conversation"]["id"]]
    as_buyer = await _ok(
        await c.get("/api/v1/conversations", params={"side": "buyer"}, headers=cups_owner.headers)
    )
    assert as_buyer["items"] == []


async def test_support_is_answered_by_admins_who_see_the_reports(service: Notifications) -> None:
    c = service.client
    owner, _ = await service.store()
    buyer = await service.person()
    admin_id = uuid.uuid4()
    admin = {"Authorization": f"Bearer {service.keys.token(admin_id, roles=['customer', 'admin'])}"}

    opened = await _ok(
        await c.post(
            "/api/v1/conversations",
            json={"about": "support", "body": "I was charged twice"},
            headers=buyer.headers,
        ),
        201,
    )
    path = f"/api/v1/conversations/{opened['conversation']['id']}"
    assert opened["conversation"]["vendor_id"] is None
    # A store's owner is not support; an admin is.
    _problem(await c.get(path, headers=owner.headers), 404, "conversation-not-found")
    queue = await _ok(await c.get("/api/v1/conversations", params={"side": "store"}, headers=admin))
    assert [i["id"] for i in queue["items"]] == [opened["conversation"]["id"]]
    assert queue["unread_count"] == 1
    rude = await _ok(
        await c.post(f"{path}/messages", json={"body": "Read the FAQ, idiot"}, headers=admin), 201
    )

    report = {"reason": "Insulting answer"}
    where = f"{path}/messages/{rude['id']}/report"
    reported = await _ok(await c.post(where, json=report, headers=buyer.headers), 201)
    assert reported["reporter_id"] == str(buyer.id)
    _problem(await c.post(where, json=report, headers=buyer.headers), 409, "already-reported")
    _problem(
        await c.post(
            f"{path}/messages/{opened['message']['id']}/report", json=report, headers=buyer.headers
        ),
        422,
        "report-refused",
    )
    _problem(
        await c.post(where, json={"reason": ""}, headers=buyer.headers), 422, "validation-error"
    )
    _problem(await c.get("/api/v1/admin/message-reports", headers=buyer.headers), 403, "forbidden")
    reports = await _ok(await c.get("/api/v1/admin/message-reports", headers=admin))
    assert [(r["id"], r["message"]["body"]) for r in reports["items"]] == [
        (reported["id"], "Read the FAQ, idiot")
    ]
    assert reports["items"][0]["outcome"] is None


async def test_an_admin_dismisses_a_report_or_removes_the_message(
    service: Notifications,
) -> None:
    c = service.client
    owner, vendor_id = await service.store()
    product_id = await service.product(vendor_id)
    buyer, other_buyer = await service.person(), await service.person()
    admin_id = uuid.uuid4()
    admin = {"Authorization": f"Bearer {service.keys.token(admin_id, roles=['customer', 'admin'])}"}
    reports_path = "/api/v1/admin/message-reports"

    async def answered(who: Any) -> tuple[str, str]:
        opened = await _ok(
            await c.post(
                "/api/v1/conversations",
                json={"about": "product", "product_id": str(product_id), "body": "In stock?"},
                headers=who.headers,
            ),
            201,
        )
        path = f"/api/v1/conversations/{opened['conversation']['id']}"
        rude = await _ok(
            await c.post(
                f"{path}/messages", json={"body": "Go away, idiot"}, headers=owner.headers
            ),
            201,
        )
        return path, rude["id"]

    # One buyer's report of a rude answer is dismissed; the message stays.
    path, rude_id = await answered(buyer)
    report = {"reason": "Insulting answer"}
    first = await _ok(
        await c.post(f"{path}/messages/{rude_id}/report", json=report, headers=buyer.headers), 201
    )
    resolve = f"{reports_path}/{first['id']}/resolve"
    _problem(
        await c.post(resolve, json={"outcome": "dismissed"}, headers=buyer.headers),
        403,
        "forbidden",
    )
    _problem(
        await c.post(resolve, json={"outcome": "ignored"}, headers=admin), 422, "validation-error"
    )
    _problem(
        await c.post(
            f"{reports_path}/{uuid.uuid4()}/resolve", json={"outcome": "dismissed"}, headers=admin
        ),
        404,
        "report-not-found",
    )
    open_queue = await _ok(await c.get(reports_path, params={"state": "open"}, headers=admin))
    assert [r["id"] for r in open_queue["items"]] == [first["id"]]
    dismissed = await _ok(
        await c.post(
            resolve, json={"outcome": "dismissed", "note": " Firm, not abusive "}, headers=admin
        )
    )
    assert (dismissed["outcome"], dismissed["resolved_by"], dismissed["note"]) == (
        "dismissed",
        str(admin_id),
        "Firm, not abusive",
    )
    assert dismissed["message"]["body"] == "Go away, idiot"
    assert dismissed["message"]["removed"] is False
    # Resolved once: a second decision is refused and changes nothing.
    _problem(
        await c.post(resolve, json={"outcome": "removed"}, headers=admin), 409, "report-resolved"
    )
    messages = await _ok(await c.get(f"{path}/messages", headers=buyer.headers))
    assert {m["id"]: m["body"] for m in messages["items"]}[rude_id] == "Go away, idiot"
    assert (await _ok(await c.get(reports_path, params={"state": "open"}, headers=admin)))[
        "items"
    ] == []

    # Another answer is reported by its buyer; removing it clears its text for both sides.
    path2, rude2_id = await answered(other_buyer)
    second = await _ok(
        await c.post(
            f"{path2}/messages/{rude2_id}/report", json=report, headers=other_buyer.headers
        ),
        201,
    )
    removed = await _ok(
        await c.post(
            f"{reports_path}/{second['id']}/resolve", json={"outcome": "removed"}, headers=admin
        )
    )
    assert removed["outcome"] == "removed"
    assert (removed["message"]["body"], removed["message"]["removed"]) == ("", True)
    for who, where in ((other_buyer, path2), (owner, path2)):
        seen = await _ok(await c.get(f"{where}/messages", headers=who.headers))
        [gone] = [m for m in seen["items"] if m["id"] == rude2_id]
        assert (gone["body"], gone["attachments"], gone["removed"]) == ("", [], True)
    resolved = await _ok(await c.get(reports_path, params={"state": "resolved"}, headers=admin))
    assert {r["id"]: r["outcome"] for r in resolved["items"]} == {
        first["id"]: "dismissed",
        second["id"]: "removed",
    }
    # No state: every report, open or not (none is open now).
    everything = await _ok(await c.get(reports_path, headers=admin))
    assert [r["id"] for r in everything["items"]] == [r["id"] for r in resolved["items"]]
    _problem(
        await c.get(reports_path, params={"state": "closed"}, headers=admin),
        422,
        "validation-error",
    )


async def test_posting_is_rate_limited_per_person(service: Notifications) -> None:
    c = service.client
    buyer = await service.person()
    ask = {"about": "support", "body": "Hello?"}
    for _ in range(LIMIT):
        assert (
            await c.post("/api/v1/conversations", json=ask, headers=buyer.headers)
        ).status_code in (200, 201)
    refused = await c.post("/api/v1/conversations", json=ask, headers=buyer.headers)
    _problem(refused, 429, "message-rate-limited")
    assert refused.headers["Retry-After"] == "60"
    assert await _counts(service) == (1, LIMIT)
    # Someone else may still write.
    other = await service.person()
    assert (
        await c.post("/api/v1/conversations", json=ask, headers=other.headers)
    ).status_code == 201


async def test_an_offline_recipient_is_told_once_until_they_read(service: Notifications) -> None:
    c = service.client
    owner, vendor_id = await service.store()
    product_id = await service.product(vendor_id)
    buyer = await service.person()
    ask = {"about": "product", "product_id": str(product_id), "body": "Is it organic?"}
    opened = await _ok(await c.post("/api/v1/conversations", json=ask, headers=buyer.headers), 201)
    path = f"/api/v1/conversations/{opened['conversation']['id']}"
    # The owner has no live socket: told by notification, in the feed and by e-mail.
    [told] = await service.deliveries(owner.id, "message_received")
    assert told["channel"] == "email"
    feed = await service.feed(owner)
    assert feed["items"][0]["kind"] == "message_received"
    assert feed["items"][0]["data"]["conversation_id"] == opened["conversation"]["id"]
    assert "Earl Grey" in feed["items"][0]["title"]

    # A second unread message tells nothing more.
    await _ok(await c.post(f"{path}/messages", json={"body": "Hello?"}, headers=buyer.headers), 201)
    assert len(await service.deliveries(owner.id, "message_received")) == 1

    # The buyer switched messages off by e-mail and in the feed: the answer is stored,
    # but neither channel carries it.
    prefs = {"preferences": {"messages": {"email": False, "in_app": False}}}
    assert (
        await c.put("/api/v1/notifications/preferences", json=prefs, headers=buyer.headers)
    ).status_code == 200
    await _ok(await c.post(f"{path}/messages", json={"body": "Yes."}, headers=owner.headers), 201)
    assert await service.deliveries(buyer.id, "message_received") == []
    kinds = [e["kind"] for e in (await service.feed(buyer))["items"]]
    assert "message_received" not in kinds
    rows = await service.query(
        "SELECT count(*) AS n FROM notifications WHERE user_id = :u AND kind = 'message_received'",
        u=buyer.id,
    )
    assert rows[0]["n"] == 1


async def test_erasure_clears_a_persons_messages_and_the_export_holds_them(
    service: Notifications,
) -> None:
    c = service.client
    owner, vendor_id = await service.store()
    product_id = await service.product(vendor_id)
    buyer = await service.person()
    ask = {
        "about": "product",
        "product_id": str(product_id),
        "body": "Send it to 12 St James's Square",
        "attachments": [{"image_id": str(uuid.uuid4()), "url": IMAGE}],
    }
    opened = await _ok(await c.post("/api/v1/conversations", json=ask, headers=buyer.headers), 201)
    path = f"/api/v1/conversations/{opened['conversation']['id']}"
    await _ok(
        await c.post(f"{path}/messages", json={"body": "Will do."}, headers=owner.headers), 201
    )

    exported = (await service.export(buyer))["conversations"]
    assert [(m["mine"], m["body"]) for m in exported[0]["messages"]] == [
        (True, "Send it to 12 St James's Square"),
        (False, "Will do."),
    ]
    owners = (await service.export(owner))["conversations"]
    assert [m["body"] for m in owners[0]["messages"]] == ["Will do."]

    await service.deliver(
        UserDeleted(user_id=buyer.id, deleted_at=datetime.now(UTC)), key=str(buyer.id)
    )
    assert (
        await service.query(
            "SELECT 1 FROM messages WHERE body LIKE '%James%' OR attachments::text LIKE '%media%'"
        )
        == []
    )
    assert await service.query("SELECT 1 FROM conversations WHERE buyer_id = :u", u=buyer.id) == []
    assert await service.query("SELECT 1 FROM messages WHERE sender_id = :u", u=buyer.id) == []
    # The store keeps its side, and sees the buyer's message as erased.
    page = await _ok(await c.get(f"{path}/messages", headers=owner.headers))
    assert [(m["body"], m["erased"], m["sender_id"]) for m in page["items"]] == [
        ("Will do.", False, str(owner.id)),
        ("", True, None),
    ]
    assert (await service.export(buyer))["conversations"] == []


@pytest.mark.parametrize(("seen_seconds_ago", "told"), [(1, False), (600, True)])
async def test_a_socket_seen_lately_counts_as_online_a_stale_one_does_not(
    service: Notifications, seen_seconds_ago: int, told: bool
) -> None:
    """Presence is a row per open socket on any replica, refreshed at each heartbeat;
    one a dead replica left behind stops counting after two heartbeats."""
    owner, vendor_id = await service.store()
    product_id = await service.product(vendor_id)
    buyer = await service.person()
    await service.query(
        "INSERT INTO live_sockets (id, user_id, seen_at) "
        "VALUES (gen_random_uuid(), :u, now() - make_interval(secs => :s))",
        u=owner.id,
        s=seen_seconds_ago,
    )
    ask = {"about": "product", "product_id": str(product_id), "body": "Organic?"}
    await _ok(
        await service.client.post("/api/v1/conversations", json=ask, headers=buyer.headers), 201
    )
    assert bool(await service.deliveries(owner.id, "message_received")) is told


async def _reported_by_two_admins(
    service: Notifications,
) -> tuple[list[uuid.UUID], list[dict[str, str]], dict[str, Any], list[dict[str, Any]]]:
    """A buyer's support message, reported by two admins: their ids, their headers, the
    message as opened, and the two reports."""
    c = service.client
    buyer = await service.person()
    admins = [uuid.uuid4(), uuid.uuid4()]
    heads = [
        {"Authorization": f"Bearer {service.keys.token(a, roles=['customer', 'admin'])}"}
        for a in admins
    ]
    opened = await _ok(
        await c.post(
            "/api/v1/conversations",
            json={"about": "support", "body": "You are all crooks"},
            headers=buyer.headers,
        ),
        201,
    )
    where = (
        f"/api/v1/conversations/{opened['conversation']['id']}"
        f"/messages/{opened['message']['id']}/report"
    )
    reports = [
        await _ok(await c.post(where, json={"reason": f"Abuse {i}"}, headers=h), 201)
        for i, h in enumerate(heads)
    ]
    return admins, heads, opened, reports


async def test_removing_a_message_resolves_every_open_report_of_it(
    service: Notifications,
) -> None:
    c = service.client
    admins, heads, opened, reports = await _reported_by_two_admins(service)
    await _ok(
        await c.post(
            f"/api/v1/admin/message-reports/{reports[0]['id']}/resolve",
            json={"outcome": "removed", "note": "Abuse"},
            headers=heads[0],
        )
    )
    rows = await service.query(
        "SELECT id, outcome, resolved_by, note FROM message_reports WHERE message_id = :m",
        m=uuid.UUID(opened["message"]["id"]),
    )
    assert {(str(r["id"]), r["outcome"], r["resolved_by"], r["note"]) for r in rows} == {
        (reports[0]["id"], "removed", admins[0], "Abuse"),
        (reports[1]["id"], "removed", admins[0], "Abuse"),
    }
    [message] = await service.query(
        "SELECT body, removed_at IS NOT NULL AS removed FROM messages WHERE id = :m",
        m=uuid.UUID(opened["message"]["id"]),
    )
    assert (message["body"], message["removed"]) == ("", True)


async def test_two_admins_removing_one_message_at_once_take_turns(
    service: Notifications,
) -> None:
    # Each resolution locks the message before its report: the second waits, then
    # finds its report resolved by the first (409), instead of the two deadlocking.
    _, heads, _, reports = await _reported_by_two_admins(service)
    answers = await asyncio.gather(
        *(
            service.client.post(
                f"/api/v1/admin/message-reports/{report['id']}/resolve",
                json={"outcome": "removed"},
                headers=head,
            )
            for report, head in zip(reports, heads, strict=True)
        )
    )
    assert sorted(answer.status_code for answer in answers) == [200, 409], [
        answer.text for answer in answers
    ]


async def test_support_admins_are_told_of_a_buyers_message(service: Notifications) -> None:
    c = service.client
    admin = await service.person(full_name="Support Sam")
    await service.deliver(
        UserRoleChanged(
            user_id=admin.id,
            roles=["customer", "admin"],
            added=["admin"],
            changed_at=datetime.now(UTC),
        ),
        key=str(admin.id),
    )
    # One made an admin at sign-up, not by a role change.
    signed = await service.person(full_name="Support Sid", roles=["customer", "admin"])
    # One with a socket open: the live feed tells her, not a notification.
    online = await service.person(full_name="Online Olga", roles=["customer", "admin"])
    await service.query(
        "INSERT INTO live_sockets (id, user_id, seen_at) VALUES (gen_random_uuid(), :u, now())",
        u=online.id,
    )
    former = await service.person(full_name="Former Fay")
    for roles in (["customer", "admin"], ["customer"]):
        await service.deliver(
            UserRoleChanged(user_id=former.id, roles=roles, changed_at=datetime.now(UTC)),
            key=str(former.id),
        )
    plain = await service.person()
    buyer = await service.person()

    ask = {"about": "support", "body": "Where is my parcel?"}
    opened = await _ok(await c.post("/api/v1/conversations", json=ask, headers=buyer.headers), 201)
    [told] = await service.deliveries(admin.id, "message_received")
    assert told["channel"] == "email"
    assert len(await service.deliveries(signed.id, "message_received")) == 1
    feed = await service.feed(admin)
    assert feed["items"][0]["data"]["conversation_id"] == opened["conversation"]["id"]
    assert "support request" in feed["items"][0]["title"] + feed["items"][0]["body"]
    assert await service.deliveries(online.id, "message_received") == []
    assert await service.deliveries(former.id, "message_received") == []
    assert await service.deliveries(plain.id, "message_received") == []
    # Once per run of messages support has not read.
    path = f"/api/v1/conversations/{opened['conversation']['id']}"
    await _ok(await c.post(f"{path}/messages", json={"body": "Hello?"}, headers=buyer.headers), 201)
    assert len(await service.deliveries(admin.id, "message_received")) == 1
    assert len(await service.deliveries(signed.id, "message_received")) == 1
    # An erased admin is nobody to tell: a second buyer's request tells the admins
    # there still are, and the erased one nothing.
    await service.deliver(
        UserDeleted(user_id=admin.id, deleted_at=datetime.now(UTC)), key=str(admin.id)
    )
    [row] = await service.query("SELECT admin FROM contacts WHERE user_id = :u", u=admin.id)
    assert row["admin"] is False
    second = await service.person()
    asked = await _ok(await c.post("/api/v1/conversations", json=ask, headers=second.headers), 201)
    told_sid = await service.deliveries(signed.id, "message_received")
    assert len(told_sid) == 2
    feed = await service.feed(signed)
    assert feed["items"][0]["data"]["conversation_id"] == asked["conversation"]["id"]
    assert await service.deliveries(admin.id) == []
    assert await service.query("SELECT id FROM notifications WHERE user_id = :u", u=admin.id) == []


def test_a_receipt_moves_forward_on_its_own_side_only() -> None:
    """Writing and reading move a side's receipt through the one rule: forward only."""
    conversation = Conversation(buyer_read_seq=5, store_read_seq=2)
    early, later = datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 1, 2, tzinfo=UTC)

    assert not conversation_repo.move_receipt(conversation, "buyer", 4, early)
    assert (conversation.buyer_read_seq, conversation.buyer_read_at) == (5, None)
    assert conversation_repo.move_receipt(conversation, "store", 7, early)
    assert not conversation_repo.move_receipt(conversation, "store", 7, later)
    assert (conversation.store_read_seq, conversation.store_read_at) == (7, early)
    assert conversation.buyer_read_seq == 5
