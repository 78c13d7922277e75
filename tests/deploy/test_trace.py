"""One journey through the gateway makes one trace in Jaeger, across Kafka.

The distributed fleet runs natively (one `agora serve` process per part, events on
Kafka, spans exported over OTLP to the Jaeger fixture); the tests read each trace back
from Jaeger's query API.

A registration: gateway -> user (its SQL, the outbox row) -> Kafka -> notification
(consumes `agora.user.user.registered.v1`: inbox and delivery in one transaction).

A checkout (`test_a_checkout_is_one_trace`), the longest journey: an admin made
with `agora user create-admin` approves a vendor whose product is in stock; a buyer
sends every request of the checkout (cart, checkout, order polls, payment confirm)
with one `traceparent`, and the saga's events carry it across Kafka, so one trace
spans gateway, order, catalog, payment and notification.
"""

from __future__ import annotations

import secrets
from typing import Any

import httpx
import pytest

from agora_tools import journeys, stripe_events
from agora_tools.deploy_testing import Fleet, wait_for
from agora_tools.fleetdb import create_admin, intent_id
from agora_tools.pytest_plugin import JaegerServer

pytestmark = [pytest.mark.integration, pytest.mark.timeout(600)]

REGISTERED = "agora.user.user.registered.v1"
# gateway -> user -> Kafka -> notification: the services a registration's trace spans.
REGISTRATION_SERVICES = {"agora-gateway", "agora-user", "agora-notification"}
# The checkout's events, each consumed in the buyer's trace.
PLACED = "agora.order.order.placed.v1"
RESERVED = "agora.catalog.inventory.reserved.v1"
PAYMENT_REQUESTED = "agora.order.order.payment_requested.v1"
SUCCEEDED = "agora.payment.payment.succeeded.v1"
CONFIRMED = "agora.order.order.confirmed.v1"
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


def wait_for_trace(
    jaeger: JaegerServer, trace_id: str, services: set[str], operations: set[str] | None = None
) -> Trace:
    """The trace once it has spans of every one of ``services`` (and ``operations``)."""

    missing: list[str] = ["the whole trace"]

    def complete() -> Trace | None:
        raw = fetch_trace(jaeger, trace_id)
        if raw is None:
            return None
        trace = Trace(raw)
        names = {span["operationName"] for span in trace.spans.values()}
        missing[:] = sorted((services - trace.services) | ((operations or set()) - names))
        return None if missing else trace

    try:
        found: Trace = wait_for(complete, 60, f"a trace {trace_id} spanning {sorted(services)}")
    except pytest.fail.Exception:
        pytest.fail(f"trace {trace_id} lacks {missing}")
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


def test_a_checkout_is_one_trace(fleet: Fleet, jaeger_server: JaegerServer) -> None:
    """A buyer's checkout and payment, every request sent with the same ``traceparent``
    (one browser session's trace), make one trace through all five services.

    The saga is event-driven, so the trace is two request trees joined by one trace id:
    the checkout (gateway -> order, ``OrderPlaced`` -> Kafka -> catalog reserves,
    ``InventoryReserved`` -> order, ``PaymentRequested`` -> Kafka -> payment creates the
    intent) and the payment's outcome (Stripe's webhook: gateway -> payment,
    ``PaymentSucceeded`` -> Kafka -> order confirms, ``OrderConfirmed`` -> Kafka ->
    notification mails the receipt). Each consume span descends from the span that
    wrote its event, across Kafka.
    """
    with httpx.Client(base_url=fleet.gateway, timeout=30) as client:
        # Set up, outside the trace: an admin, an approved vendor, a product in stock.
        admin = create_admin()
        journeys.log_in(client, admin)
        buyer, sku = journeys.shop_with_a_product(client, admin)

        # The buyer's journey, all of it in one trace.
        traceparent, trace_id = new_traceparent()
        traced = {"traceparent": traceparent}
        journeys.add_to_cart(client, buyer, sku, 2, headers=traced)
        order_id = journeys.check_out(client, buyer, headers=traced)
        awaiting = journeys.order_in(client, buyer, order_id, "awaiting_payment", headers=traced)
        payment = awaiting["payment"]
        assert isinstance(payment, dict)
        status = journeys.pay(client, buyer, str(payment["payment_id"]), headers=traced)
        # Stripe (stripe-mock here) decides later, and says so with a signed webhook,
        # which carries no trace of its own: the buyer's trace goes on when the test,
        # playing Stripe, sends it with the buyer's traceparent.
        assert status == "processing"
        hook = stripe_events.stripe_webhook(
            client,
            fleet.webhook_secret,
            intent_id(str(payment["payment_id"])),
            succeeded=True,
            headers=traced,
        )
        assert hook.status_code == 200, hook.text
        journeys.order_in(client, buyer, order_id, "confirmed", headers=traced)

    consumes = {PLACED, RESERVED, PAYMENT_REQUESTED, SUCCEEDED, CONFIRMED}
    trace = wait_for_trace(
        jaeger_server, trace_id, CHECKOUT_SERVICES, {f"consume {e}" for e in consumes}
    )

    def request(service: str, path: str) -> dict[str, Any]:
        [span] = [
            s
            for s in trace.of(service)
            if trace.tags(s).get("span.kind") == "server"
            and path in s["operationName"]
            and s["operationName"].startswith("POST")
        ]
        return span

    def consumed(service: str, event_type: str) -> dict[str, Any]:
        spans = [s for s in trace.of(service) if s["operationName"] == f"consume {event_type}"]
        assert spans, f"{service} consumed {event_type} in the trace"
        assert trace.tags(spans[0])["span.kind"] == "consumer"
        return spans[0]

    def descends(span: dict[str, Any], *ancestors: dict[str, Any]) -> bool:
        above = trace.ancestors(span)
        return all(a in above for a in ancestors)

    checkout = request("agora-order", "/api/v1/checkout")
    confirm = request("agora-payment", "/api/v1/payments/webhooks/stripe")
    for span in (checkout, confirm):
        assert any(trace.service(a) == "agora-gateway" for a in trace.ancestors(span)), (
            "the service's request span descends from the gateway's"
        )

    # The checkout's tree: the catalog reserves on OrderPlaced, the payment service
    # makes the intent on PaymentRequested, both under the checkout request.
    reserve = consumed("agora-catalog", PLACED)
    assert descends(reserve, checkout), "the catalog's reservation descends from the checkout"
    intent = consumed("agora-payment", PAYMENT_REQUESTED)
    assert descends(intent, checkout), "the payment intent descends from the checkout"
    reserved = consumed("agora-order", RESERVED)
    assert descends(reserved, reserve), "the order hears the catalog's reservation"
    assert descends(intent, reserved), "and asks for the payment on it"

    # The confirmation's tree: the order confirms on PaymentSucceeded, the notification
    # service mails the receipt on OrderConfirmed, the catalog commits the stock.
    succeeded = consumed("agora-order", SUCCEEDED)
    assert descends(succeeded, confirm), "the order's confirmation descends from the payment"
    mail = consumed("agora-notification", CONFIRMED)
    assert descends(mail, succeeded, confirm), "the receipt descends from the confirmation"
    commit = consumed("agora-catalog", CONFIRMED)
    assert descends(commit, succeeded), "the catalog commits the stock on the confirmation"
