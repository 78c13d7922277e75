"""The GDPR export the gateway composes (ADR 0112): the user service's document with a
section from each other service, asked for the caller's id with the service credential;
never a document with a part missing."""

from __future__ import annotations

from collections.abc import AsyncIterator

from fastapi import FastAPI, Response
from fastapi.responses import StreamingResponse

from agora_gateway_testing import FakeUpstream, GatewayFactory, RunningGateway, serve
from agora_kit.serving import SERVICE_TOKEN_HEADER
from agora_kit.testing.fixtures import free_port

EXPORT = "/api/v1/users/me/export"
SECTIONS = ("catalog", "order", "payment", "notification")


async def test_the_export_holds_each_services_section_for_the_caller(
    gateway: RunningGateway, fake: FakeUpstream
) -> None:
    user_id = "0b7e0c1e-9f39-4d6a-a7a4-2f1d3c6c8a11"
    token = fake.issuer.token(user_id)
    response = await gateway.client.get(EXPORT, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.text
    document = response.json()
    assert document["path"] == EXPORT, "the user service's own part comes first"
    for name in SECTIONS:
        section = document[name]
        assert section["path"] == f"/internal/users/{user_id}/export"
        assert section["headers"][SERVICE_TOKEN_HEADER] == (
            gateway.settings.common.service_token.get_secret_value()
        )
        assert "authorization" not in section["headers"], "the person's token stays at the edge"

    # Without a person nothing is composed: the user service answers alone (401).
    asked = len(fake.seen)
    anonymous = (await gateway.client.get(EXPORT)).json()
    assert not set(SECTIONS) & set(anonymous)
    assert [s["path"] for s in fake.seen[asked:]] == [EXPORT]


async def test_a_service_that_cannot_export_makes_the_whole_export_unavailable(
    fake: FakeUpstream, start_gateway: GatewayFactory
) -> None:
    broken = FastAPI()

    @broken.get("/internal/users/{user_id}/export")
    async def fail(user_id: str) -> Response:
        return Response("boom", status_code=500)

    token = fake.issuer.token()
    headers = {"Authorization": f"Bearer {token}"}
    async with serve(broken) as payment_url, start_gateway(payment_url=payment_url) as gateway:
        failed = await gateway.client.get(EXPORT, headers=headers)
    assert failed.status_code == 503
    assert failed.headers["content-type"].startswith("application/problem+json")
    assert "payment" in failed.json()["detail"]
    assert "boom" not in failed.text

    down = f"http://127.0.0.1:{free_port()}"
    async with start_gateway(notification_url=down) as gateway:
        unreachable = await gateway.client.get(EXPORT, headers=headers)
    assert unreachable.status_code == 503
    assert "notification" in unreachable.json()["detail"]


async def test_a_section_cut_off_midway_makes_the_export_unavailable(
    fake: FakeUpstream, start_gateway: GatewayFactory
) -> None:
    """The order service answers 200 and dies halfway through its section's body."""
    broken = FastAPI()

    async def half() -> AsyncIterator[bytes]:
        yield b'{"orders": ['
        raise RuntimeError("the process died")

    @broken.get("/internal/users/{user_id}/export")
    async def cut(user_id: str) -> StreamingResponse:
        return StreamingResponse(half(), media_type="application/json")

    headers = {"Authorization": f"Bearer {fake.issuer.token()}"}
    async with serve(broken) as order_url, start_gateway(order_url=order_url) as gateway:
        failed = await gateway.client.get(EXPORT, headers=headers)
    assert failed.status_code == 503, failed.text
    assert failed.headers["content-type"].startswith("application/problem+json")
    assert failed.headers["retry-after"] == "5"
    assert "order" in failed.json()["detail"]
