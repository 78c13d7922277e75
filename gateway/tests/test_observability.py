"""Every proxied call is counted and timed by route template and upstream, and traced."""

from __future__ import annotations

from agora_gateway_testing import FakeUpstream, RunningGateway


async def test_metrics_name_the_route_template_and_the_upstream(
    gateway: RunningGateway, fake: FakeUpstream
) -> None:
    await gateway.client.get("/openapi.json")  # the templates come from the document
    for product in ("1", "2", "3"):
        assert (await gateway.client.get(f"/api/v1/products/{product}")).status_code == 200
    await gateway.client.get("/api/v1/orders/9")
    text = (await gateway.client.get("/metrics")).text
    assert (
        'agora_http_requests_total{method="GET",route="/api/v1/products/{product_id}",'
        'service="gateway",status="200"} 3.0'
    ) in text
    assert (
        'agora_gateway_upstream_requests_total{method="GET",route="/api/v1/products/{product_id}",'
        'service="gateway",status="200",upstream="catalog"} 3.0'
    ) in text
    # A path the service does not document yet is labelled by its routing prefix.
    assert 'route="/api/v1/orders/*",service="gateway",status="200",upstream="order"' in text
    assert "agora_gateway_upstream_duration_seconds_bucket" in text
    assert "/api/v1/products/1" not in text


async def test_the_upstream_receives_the_trace_context(
    gateway: RunningGateway, fake: FakeUpstream
) -> None:
    parent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
    response = await gateway.client.get("/api/v1/products/1", headers={"traceparent": parent})
    forwarded = response.json()["headers"]["traceparent"]
    # Same trace, a new span of the gateway's as the parent.
    assert forwarded.split("-")[1] == "0af7651916cd43dd8448eb211c80319c"
    assert forwarded.split("-")[2] != "b7ad6b7169203331"
