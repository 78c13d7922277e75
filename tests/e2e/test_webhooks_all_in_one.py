"""Outbound webhooks on ``agora run``, through the gateway, as a third-party developer
meets them: an admin subscribes a real HTTP endpoint to ``order.confirmed``, a buyer
checks out, and the endpoint receives the order, signed so that the
``standardwebhooks`` library (what a subscriber would use) verifies it."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest

from agora_notification_testing.webhooks import receiver
from agora_tools import journeys
from agora_tools.deploy_testing import AllInOne
from agora_tools.fleetdb import create_admin_in_run

pytestmark = [pytest.mark.integration, pytest.mark.timeout(600)]

API = journeys.API
# What the done criterion allows from the checkout's answer to the delivery.
WITHIN_SECONDS = 2.0


@pytest.fixture(scope="module")
def agora_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AllInOne]:
    run = AllInOne(
        tmp_path_factory.mktemp("agora-run-webhooks") / "data",
        # The test's receiver listens on loopback, as in development.
        env={"AGORA_NOTIFICATION_WEBHOOK_ALLOW_PRIVATE_ADDRESSES": "true"},
    )
    with run.running("--fresh"):
        yield run


def test_a_subscriber_receives_order_confirmed_for_a_checkout(agora_run: AllInOne) -> None:
    with httpx.Client(base_url=agora_run.url("gateway"), timeout=30) as client, receiver() as hook:
        admin = create_admin_in_run(agora_run.data_dir, agora_run.env)
        journeys.log_in(client, admin)
        bearer = {"Authorization": f"Bearer {admin.access_token}"}
        buyer, sku = journeys.shop_with_a_product(client, admin)

        created = client.post(
            f"{API}/webhooks",
            json={"url": hook.url, "events": ["order.confirmed"], "description": "e2e"},
            headers=bearer,
        )
        assert created.status_code == 201, created.text
        endpoint = created.json()
        # A customer cannot subscribe.
        refused = client.post(
            f"{API}/webhooks",
            json={"url": hook.url, "events": ["order.confirmed"]},
            headers={"Authorization": f"Bearer {buyer.access_token}"},
        )
        assert refused.status_code == 403, refused.text

        journeys.add_to_cart(client, buyer, sku, 2)
        started = time.monotonic()
        order_id = journeys.check_out(client, buyer, payment_method="pm_card_visa")
        deadline = started + 30
        while not hook.of_type("order.confirmed") and time.monotonic() < deadline:
            time.sleep(0.01)
        took = time.monotonic() - started
        [got] = hook.of_type("order.confirmed")
        body = got.verify(endpoint["secret"])
        print(f"checkout answered -> order.confirmed received: {took * 1000:.0f} ms")
        assert body["data"]["id"] == order_id
        assert body["data"]["status"] == "confirmed"
        assert [line["sku"] for line in body["data"]["lines"]] == [sku]
        assert body["data"]["lines"][0]["quantity"] == 2
        assert took <= WITHIN_SECONDS, f"order.confirmed took {took:.2f} s"

        log = client.get(f"{API}/webhooks/{endpoint['id']}/deliveries", headers=bearer)
        assert log.status_code == 200, log.text
        [delivery] = log.json()["items"]
        assert delivery["id"] == got.headers["webhook-id"]
        journeys.order_in(client, buyer, order_id, "confirmed")
