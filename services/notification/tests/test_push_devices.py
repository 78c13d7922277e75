"""Push through the APNs adapter and a local HTTP/2 server standing in for APNs
(ADR 0117): every registered device of the user gets the notification, and a device
APNs reports gone (410 Unregistered) is a dead delivery and is forgotten. A device's
token is a credential: the GDPR export (ADR 0112) never holds one."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from agora_contracts.order import OrderShipped
from agora_kit.testing.waiting import eventually
from agora_notification.settings import Settings
from agora_notification_testing import Notifications, quick_settings
from agora_notification_testing.providers import Http2Provider, Reply, Request
from agora_tools.pytest_plugin import SmtpServer

LIVE = "a" * 64
GONE = "b" * 64


@pytest.fixture
def apns() -> Iterator[Http2Provider]:
    def script(request: Request) -> Reply:
        if request.path == f"/3/device/{GONE}":
            return Reply(410, {"reason": "Unregistered", "timestamp": 1765000000000})
        return Reply(200, {}, {"apns-id": request.headers["apns-id"]})

    server = Http2Provider(script)
    yield server
    server.close()


@pytest.fixture
def settings(
    notification_url: str,
    events_url: str,
    smtp_server: SmtpServer,
    apns: Http2Provider,
    tmp_path: Path,
) -> Settings:
    key_file = tmp_path / "AuthKey.p8"
    key_file.write_bytes(
        ec.generate_private_key(ec.SECP256R1()).private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return quick_settings(
        notification_url,
        events_url,
        smtp=(smtp_server.host, smtp_server.port),
        push_provider="apns",
        apns_key_file=key_file,
        apns_key_id="ABC123DEFG",
        apns_team_id="DEF123GHIJ",
        apns_topic="com.example.agora",
        apns_base_url=apns.url,
    )


async def test_pushes_reach_devices_and_a_gone_device_is_forgotten(
    service: Notifications, apns: Http2Provider
) -> None:
    buyer = await service.person()
    for token in (LIVE, GONE):
        registered = await service.client.post(
            "/api/v1/notifications/devices",
            headers=buyer.headers,
            json={"token": token, "platform": "ios"},
        )
        assert registered.status_code == 201, registered.text

    await service.deliver(
        OrderShipped(
            order_id=uuid.uuid4(), buyer_id=buyer.id, carrier="DHL", tracking_number="JD0146"
        )
    )

    async def pushes() -> list[dict[str, object]]:
        rows = await service.deliveries(buyer.id, "order_shipped")
        return [r for r in rows if r["channel"] == "push"]

    rows = await eventually(
        pushes, lambda rows: len(rows) == 2 and all(r["status"] != "pending" for r in rows)
    )
    by_token = {r["recipient"]: r for r in rows}
    assert by_token[LIVE]["status"] == "sent"
    assert by_token[LIVE]["provider_message_id"] == str(by_token[LIVE]["id"])
    assert by_token[GONE]["status"] == "dead"
    assert "Unregistered" in str(by_token[GONE]["last_error"])
    assert {r.path for r in apns.requests} == {f"/3/device/{LIVE}", f"/3/device/{GONE}"}
    assert all(r.json["aps"]["alert"]["title"] for r in apns.requests)

    left = await service.query("SELECT token FROM push_devices WHERE user_id = :id", id=buyer.id)
    assert left == [{"token": LIVE}]

    exported = await service.export(buyer)
    pushed = [d for d in exported["deliveries"] if d["channel"] == "push"]
    assert sorted((d["status"], d["recipient"]) for d in pushed) == [
        ("dead", None),
        ("sent", None),
    ]
    assert [d["platform"] for d in exported["push_devices"]] == ["ios"]
    assert LIVE not in json.dumps(exported)
    assert GONE not in json.dumps(exported)
