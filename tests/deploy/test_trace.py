"""One journey through the gateway makes one trace in Jaeger, across Kafka.

The distributed fleet runs natively (one `agora serve` process per part, events on
Kafka, spans exported over OTLP to the Jaeger fixture). The longest journey that
exists today is a registration: gateway -> user (its SQL, the outbox row) -> Kafka ->
notification (consumes `agora.user.user.registered.v1`: inbox and delivery in one
transaction). The test reads the trace back from Jaeger's query API.

THE CHECKOUT TRACE (gateway, order, catalog, payment, notification) is
`test_a_checkout_is_one_trace`, skipped until the checkout exists: it needs
`POST /api/v1/cart/items` and `POST /api/v1/checkout` (order service), the
reservation events of the catalog (already there) consumed by the order saga, a
payment intent and its confirmation (`POST /api/v1/payments/{id}/confirm`, payment
service) and the order-confirmed mail (notification). The assertions it will make
are those of the registration test, with those five services.
"""

from __future__ import annotations

import secrets
from typing import Any

import httpx
import pytest

from agora_tools import journeys
from agora_tools.deploy_testing import Fleet, wait_for
from agora_tools.pytest_plugin import JaegerServer

pytestmark = [pytest.mark.integration, pytest.mark.timeout(600)]

REGISTERED = "agora.user.user.registered.v1"
# gateway -> user -> Kafka -> notification: the services a registration's trace spans.
REGISTRATION_SERVICES = {"agora-gateway", "agora-user", "agora-notification"}
CHECKOUT_SERVICES = {
    "agora-gateway",
    "agora-order",
    "agora-catalog",
    "agora-payment",
    "agora-notification",
}


def new_traceparent() -> tuple[str, str]:
    """A W3C traceparent as a browser with OpenTelemetry would send: (header, trace id)."""
    trace_id = secrets.token_hex(16)
    return f"00-{trace_id}-{secrets.token_hex(8)}-01", trace_id


def fetch_trace(jaeger: JaegerServer, trace_id: str) -> dict[str, Any] | None:
    answer = httpx.get(f"{jaeger.query_url}/api/traces/{trace_id}", timeout=10)
    if answer.status_code != 200:
        return None
    data = answer.json().get("data") or []
    return data[0] if data else None


class Trace:
    def __init__(self, raw: dict[str, Any]) -> None:
        self.raw = raw
        self.processes = {key: str(value["serviceName"]) for key, value in raw["processes"].items()}
        self.spans: dict[str, dict[str, Any]] = {span["spanID"]: span for span in raw["spans"]}

    def service(self, span: dict[str, Any]) -> str:
        return self.processes[span["processID"]]

    @property
    def services(self) -> set[str]:
        return {self.service(span) for span in self.spans.values()}

    def tags(self, span: dict[str, Any]) -> dict[str, Any]:
        return {tag["key"]: tag["value"] for tag in span.get("tags", [])}

    def parent(self, span: dict[str, Any]) -> dict[str, Any] | None:
        for reference in span.get("references", []):
            if reference["refType"] == "CHILD_OF":
                return self.spans.get(reference["spanID"])
        return None

    def ancestors(self, span: dict[str, Any]) -> list[dict[str, Any]]:
        found = []
        current = self.parent(span)
        while current is not None:
            found.append(current)
            current = self.parent(current)
        return found

    def of(self, service: str) -> list[dict[str, Any]]:
        return [span for span in self.spans.values() if self.service(span) == service]


def wait_for_trace(jaeger: JaegerServer, trace_id: str, services: set[str]) -> Trace:
    def complete() -> Trace | None:
        raw = fetch_trace(jaeger, trace_id)
        if raw is None:
            return None
        trace = Trace(raw)
        return trace if services <= trace.services else None

    found: Trace = wait_for(complete, 60, f"a trace {trace_id} spanning {sorted(services)}")
    return found


def test_a_registration_through_the_gateway_is_one_trace_across_kafka(
    fleet: Fleet, jaeger_server: JaegerServer
) -> None:
    traceparent, trace_id = new_traceparent()
    with httpx.Client(base_url=fleet.gateway, timeout=30) as client:
        customer = journeys.register(client, headers={"traceparent": traceparent})

    trace = wait_for_trace(jaeger_server, trace_id, REGISTRATION_SERVICES)

    # The gateway's and the user service's HTTP spans are in the browser's trace, nested.
    gateway_server = [
        s for s in trace.of("agora-gateway") if trace.tags(s).get("span.kind") == "server"
    ]
    assert gateway_server, "the gateway's own request span"
    user_server = [s for s in trace.of("agora-user") if trace.tags(s).get("span.kind") == "server"]
    [register] = [s for s in user_server if "/api/v1/auth/register" in s["operationName"]]
    # The gateway passes its own span's context on: the user service's request is its child.
    assert any(trace.service(a) == "agora-gateway" for a in trace.ancestors(register)), (
        "the user service's request span descends from the gateway's"
    )
    # The user service's SQL: the account row and the outbox row, in the request.
    user_sql = [s for s in trace.of("agora-user") if trace.tags(s).get("db.system") == "postgresql"]
    statements = " ".join(str(trace.tags(s).get("db.statement", "")) for s in user_sql)
    assert "INSERT INTO outbox" in statements, "the event is written in the request's transaction"

    # Across Kafka: the notification service's consumer span, a child of the request
    # that wrote the event, then its own SQL (the inbox row) under it.
    [consume] = [
        s for s in trace.of("agora-notification") if s["operationName"] == f"consume {REGISTERED}"
    ]
    tags = trace.tags(consume)
    assert tags["span.kind"] == "consumer"
    assert tags["messaging.destination.name"] == "agora.user.user.v1"
    assert any(trace.service(a) == "agora-user" for a in trace.ancestors(consume)), (
        "the consume span descends from the user service's request"
    )
    under_consume = [
        s
        for s in trace.of("agora-notification")
        if consume in trace.ancestors(s) and trace.tags(s).get("db.system") == "postgresql"
    ]
    inbox = " ".join(str(trace.tags(s).get("db.statement", "")) for s in under_consume)
    assert "INSERT INTO inbox" in inbox, "the inbox row is written under the consume span"
    assert customer.email  # the journey itself passed


@pytest.mark.skip(
    reason="the checkout does not exist yet: needs POST /api/v1/cart/items and /checkout "
    "(order), the saga consuming the catalog's reservation events, payment intents and "
    "POST /api/v1/payments/{id}/confirm (payment), and the order mail (notification)"
)
def test_a_checkout_is_one_trace(fleet: Fleet, jaeger_server: JaegerServer) -> None:
    traceparent, trace_id = new_traceparent()
    headers = {"traceparent": traceparent}
    with httpx.Client(base_url=fleet.gateway, timeout=30) as client:
        customer = journeys.register(client)
        journeys.log_in(client, customer)
        auth = {"Authorization": f"Bearer {customer.access_token}", **headers}
        placed = client.post(
            "/api/v1/checkout",
            headers={**auth, "Idempotency-Key": secrets.token_hex(8)},
            json={
                "shipping_address": {
                    "name": "Trace Tester",
                    "line1": "1 Span Street",
                    "city": "Jaegerville",
                    "postal_code": "12345",
                    "country": "DE",
                }
            },
        )
        assert placed.status_code == 202, placed.text
    trace = wait_for_trace(jaeger_server, trace_id, CHECKOUT_SERVICES)
    assert trace.services >= CHECKOUT_SERVICES
