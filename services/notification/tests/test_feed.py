"""The in-app feed: newest first, paged, unread counts, mark as read, and only the
signed-in person's own entries."""

from __future__ import annotations

import uuid

from agora_notification_testing import Notifications, confirmed


async def test_the_feed_pages_counts_and_marks_read(service: Notifications) -> None:
    buyer = await service.person()
    orders = [uuid.uuid4() for _ in range(4)]
    for order_id in orders:
        await service.deliver(confirmed(buyer, order_id))

    first = await service.feed(buyer, limit=3)
    assert first["unread_count"] == 5
    assert [e["data"]["order_id"] for e in first["items"]] == [str(o) for o in orders[::-1][:3]]
    second = await service.feed(buyer, limit=3, cursor=first["next_cursor"])
    assert [e["kind"] for e in second["items"]] == ["order_confirmed", "welcome"]
    assert second["next_cursor"] is None

    newest = first["items"][0]["id"]
    answer = await service.client.post(
        f"/api/v1/notifications/{newest}/read", headers=buyer.headers
    )
    assert answer.status_code == 204
    again = await service.client.post(f"/api/v1/notifications/{newest}/read", headers=buyer.headers)
    assert again.status_code == 204  # already read: still fine
    count = await service.client.get("/api/v1/notifications/unread-count", headers=buyer.headers)
    assert count.json() == {"unread_count": 4}
    unread = await service.feed(buyer, unread="true")
    assert newest not in [e["id"] for e in unread["items"]]
    entry = await service.client.get(f"/api/v1/notifications/{newest}", headers=buyer.headers)
    assert entry.json()["read"] is True
    assert [d["channel"] for d in entry.json()["deliveries"]] == ["email"]

    everything = await service.client.post("/api/v1/notifications/read-all", headers=buyer.headers)
    assert everything.status_code == 204
    assert (await service.feed(buyer))["unread_count"] == 0


async def test_nobody_reads_or_marks_another_persons_feed(service: Notifications) -> None:
    owner = await service.person()
    other = await service.person()
    [welcome] = (await service.feed(owner))["items"]
    for method, path in (
        ("POST", f"/api/v1/notifications/{welcome['id']}/read"),
        ("GET", f"/api/v1/notifications/{welcome['id']}"),
        ("POST", f"/api/v1/notifications/{uuid.uuid4()}/read"),
    ):
        answer = await service.client.request(method, path, headers=other.headers)
        assert answer.status_code == 404, path
        assert answer.headers["content-type"] == "application/problem+json"
    assert (await service.feed(owner))["unread_count"] == 1
    assert [e["kind"] for e in (await service.feed(other))["items"]] == ["welcome"]


async def test_the_feed_needs_a_signed_in_person(service: Notifications) -> None:
    person = await service.person()
    anonymous = await service.client.get("/api/v1/notifications")
    assert anonymous.status_code == 401
    forged = await service.client.get(
        "/api/v1/notifications", headers={"Authorization": "Bearer forged.token.here"}
    )
    assert forged.status_code == 401
    api_key = service.keys.token(person.id, scope="orders:read")
    for path in ("/api/v1/notifications", "/api/v1/notifications/preferences"):
        answer = await service.client.get(path, headers={"Authorization": f"Bearer {api_key}"})
        assert answer.status_code == 403, path
    bad_cursor = await service.client.get(
        "/api/v1/notifications", headers=person.headers, params={"cursor": "nonsense"}
    )
    assert bad_cursor.status_code == 422


async def test_push_devices_receive_notifications(service: Notifications) -> None:
    buyer = await service.person()
    device = await service.client.post(
        "/api/v1/notifications/devices",
        headers=buyer.headers,
        json={"token": "fcm-token-0123456789", "platform": "android"},
    )
    assert device.status_code == 201, device.text
    await service.deliver(confirmed(buyer))
    from agora_kit.testing.waiting import eventually

    rows = await eventually(
        lambda: service.deliveries(buyer.id, "order_confirmed"),
        lambda found: any(r["channel"] == "push" and r["status"] == "sent" for r in found),
    )
    [push] = [r for r in rows if r["channel"] == "push"]
    assert push["status"] == "sent"
    assert push["recipient"] == "fcm-token-0123456789"
    listed = await service.client.get("/api/v1/notifications/devices", headers=buyer.headers)
    assert [d["platform"] for d in listed.json()] == ["android"]
    removed = await service.client.delete(
        f"/api/v1/notifications/devices/{device.json()['id']}", headers=buyer.headers
    )
    assert removed.status_code == 204
    gone = await service.client.delete(
        f"/api/v1/notifications/devices/{device.json()['id']}", headers=buyer.headers
    )
    assert gone.status_code == 404
