"""Each real server that tools/ provisions, proven in use through the client the fleet
uses (or the server's own tools): if a server were faked or misconfigured, its test
would fail."""

from __future__ import annotations

import ipaddress
import json
import smtplib
import time
import uuid
from collections.abc import Callable
from email.message import EmailMessage
from typing import Any, TypeVar

import asyncpg
import httpx
import psutil
import pytest
import redis
import stripe
from aiokafka import AIOKafkaProducer
from elasticsearch import Elasticsearch
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from prometheus_client import CollectorRegistry, Counter, start_http_server

from agora_tools.infra import server as infra_server
from agora_tools.pytest_plugin import (
    ElasticsearchServer,
    JaegerServer,
    KafkaServer,
    LocalStripeServer,
    PostgresCluster,
    PrometheusServer,
    RedisServer,
    SmtpServer,
    StripeMockServer,
    ToxiproxyServer,
)

pytestmark = pytest.mark.integration

T = TypeVar("T")


def eventually(probe: Callable[[], T | None], timeout: float = 30.0) -> T:
    """The first truthy answer of ``probe``, polled until ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        answer = probe()
        if answer:
            return answer
        if time.monotonic() > deadline:
            pytest.fail(f"no answer within {timeout:.0f}s")
        time.sleep(0.25)


async def test_kafka_record_crosses_the_broker(kafka_server: KafkaServer) -> None:
    topic = f"agora.tools.order.{uuid.uuid4().hex[:8]}.v1"
    order_id = str(uuid.uuid4())
    value = json.dumps({"order_id": order_id, "total": {"amount": 2599, "currency": "USD"}})
    producer = AIOKafkaProducer(bootstrap_servers=kafka_server.bootstrap_servers)
    await producer.start()
    try:
        # A CloudEvent in Kafka's binary mode: attributes as ce_* headers, key = aggregate id.
        await producer.send_and_wait(
            topic,
            value.encode(),
            key=order_id.encode(),
            headers=[("ce_type", b"agora.order.placed.v1"), ("ce_id", b"evt-1")],
        )
    finally:
        await producer.stop()

    lines = kafka_server.console_consumer(
        topic,
        max_messages=1,
        timeout_s=60,
        properties={"print.key": "true", "print.headers": "true"},
    )

    assert len(lines) == 1
    headers, key, printed_value = lines[0].split("\t")
    assert "ce_type:agora.order.placed.v1" in headers
    assert key == order_id
    assert json.loads(printed_value) == json.loads(value)


def test_elasticsearch_indexes_and_finds_a_document(
    elasticsearch_server: ElasticsearchServer,
) -> None:
    index = f"agora-tools-{uuid.uuid4().hex[:8]}"
    client = Elasticsearch(elasticsearch_server.url)
    try:
        client.index(
            index=index,
            id="p-1",
            document={"title": "Hand-knitted wool scarf", "vendor": "north-yarns"},
            refresh="wait_for",
        )
        client.index(
            index=index,
            id="p-2",
            document={"title": "Ceramic coffee mug", "vendor": "clayworks"},
            refresh="wait_for",
        )

        found = client.search(index=index, query={"match": {"title": "scarf"}})

        assert [hit["_id"] for hit in found["hits"]["hits"]] == ["p-1"]
        assert found["hits"]["hits"][0]["_source"]["vendor"] == "north-yarns"
    finally:
        client.indices.delete(index=index, ignore_unavailable=True)
        client.close()


def test_prometheus_scrapes_a_metrics_endpoint(prometheus_server: PrometheusServer) -> None:
    registry = CollectorRegistry()
    counter = Counter("agora_tools_probe", "Requests seen by the probe", registry=registry)
    counter.inc(7)
    http_server, thread = start_http_server(0, addr="127.0.0.1", registry=registry)
    name = f"probe-{uuid.uuid4().hex[:8]}"
    target = prometheus_server.scrape(name, f"127.0.0.1:{http_server.server_port}")
    try:
        up = eventually(lambda: prometheus_server.query(f'up{{agora_target="{name}"}} == 1'))
        assert up[0]["value"][1] == "1"
        seen = eventually(
            lambda: prometheus_server.query(f'agora_tools_probe_total{{agora_target="{name}"}}')
        )
        assert seen[0]["value"][1] == "7"
    finally:
        target.unlink()
        http_server.shutdown()
        thread.join(timeout=5)


def test_jaeger_returns_a_span_sent_over_otlp(jaeger_server: JaegerServer) -> None:
    service = f"agora-tools-{uuid.uuid4().hex[:8]}"
    provider = TracerProvider(resource=Resource.create({"service.name": service}))
    provider.add_span_processor(
        SimpleSpanProcessor(OTLPSpanExporter(endpoint=jaeger_server.otlp_traces_url))
    )
    with provider.get_tracer("agora.tools.test").start_as_current_span("checkout") as span:
        span.set_attribute("order.id", "o-42")
        trace_id = f"{span.get_span_context().trace_id:032x}"
    provider.shutdown()

    def traces() -> list[dict[str, Any]]:
        answer = httpx.get(
            f"{jaeger_server.query_url}/api/traces", params={"service": service}, timeout=5
        )
        data: list[dict[str, Any]] = answer.json().get("data") or []
        return data

    found = eventually(traces)

    assert found[0]["traceID"] == trace_id
    spans = found[0]["spans"]
    assert [s["operationName"] for s in spans] == ["checkout"]
    assert {"key": "order.id", "type": "string", "value": "o-42"} in spans[0]["tags"]


def test_stripe_mock_creates_a_payment_intent(stripe_mock_server: StripeMockServer) -> None:
    client = stripe.StripeClient(
        stripe_mock_server.api_key, base_addresses={"api": stripe_mock_server.url}
    )

    intent = client.v1.payment_intents.create(params={"amount": 2599, "currency": "usd"})

    assert intent.object == "payment_intent"
    assert intent.id.startswith("pi_")
    # stripe-mock reflects the request's own values into its answer.
    assert intent.amount == 2599
    assert intent.currency == "usd"


def test_smtp_server_keeps_the_mail_it_receives(smtp_server: SmtpServer) -> None:
    subject = f"Your order {uuid.uuid4().hex[:8]} has shipped"
    message = EmailMessage()
    message["From"] = "orders@agora.test"
    message["To"] = "buyer@example.test"
    message["Subject"] = subject
    message.set_content("Tracking number: 1Z999")
    with smtplib.SMTP(smtp_server.host, smtp_server.port, timeout=10) as smtp:
        smtp.send_message(message)

    received = [m for m in smtp_server.messages() if m["Subject"] == subject]

    assert len(received) == 1
    assert received[0]["X-Agora-Rcpt-To"] == "buyer@example.test"
    body = received[0].get_payload()
    assert isinstance(body, str)
    assert "Tracking number: 1Z999" in body


def test_redis_answers_set_and_get(redis_server: RedisServer) -> None:
    client = redis.Redis.from_url(redis_server.url)
    key = f"agora:tools:{uuid.uuid4().hex}"
    try:
        assert client.set(key, "rate-limit-window", ex=60)
        assert client.get(key) == b"rate-limit-window"
    finally:
        client.delete(key)
        client.close()


def test_localstripe_creates_and_keeps_a_payment_intent(
    localstripe_server: LocalStripeServer,
) -> None:
    client = stripe.StripeClient(
        localstripe_server.api_key, base_addresses={"api": localstripe_server.url}
    )

    created = client.v1.payment_intents.create(params={"amount": 4200, "currency": "eur"})
    fetched = client.v1.payment_intents.retrieve(created.id)

    # Stateful, unlike stripe-mock: what was created is there to fetch.
    assert created.id.startswith("pi_")
    assert fetched.id == created.id
    assert fetched.amount == 4200
    assert fetched.currency == "eur"


def test_toxiproxy_adds_latency_and_cuts_a_connection(
    toxiproxy_server: ToxiproxyServer, redis_server: RedisServer
) -> None:
    proxy = toxiproxy_server.proxy(
        f"redis-{uuid.uuid4().hex[:8]}", f"{redis_server.host}:{redis_server.port}"
    )
    client = redis.Redis(host=proxy.host, port=proxy.port, socket_timeout=5)
    try:
        proxy.add("slow", "latency", latency=200)
        toxics = httpx.get(
            f"{toxiproxy_server.api_url}/proxies/{proxy.name}/toxics", timeout=5
        ).json()
        assert [(t["name"], t["attributes"]["latency"]) for t in toxics] == [("slow", 200)]
        assert client.ping() is True  # slowed, still answered

        proxy.set_enabled(False)
        with pytest.raises(redis.ConnectionError):
            client.ping()
    finally:
        client.close()
        proxy.close()


async def test_postgres_cluster_has_a_database_per_service(
    postgres_cluster: PostgresCluster,
) -> None:
    for database in ("agora_user", "agora_catalog", "agora_order", "agora_payment"):
        assert database in postgres_cluster.databases
        dsn = postgres_cluster.url(database).replace("postgresql+asyncpg", "postgresql")
        conn = await asyncpg.connect(dsn)
        try:
            assert await conn.fetchval("SELECT current_database()") == database
            await conn.execute("CREATE TEMP TABLE probe (id int)")
            await conn.execute("INSERT INTO probe VALUES (1)")
            assert await conn.fetchval("SELECT count(*) FROM probe") == 1
        finally:
            await conn.close()


@pytest.mark.parametrize(
    ("fixture", "name"),
    [
        ("kafka_server", "kafka"),
        ("elasticsearch_server", "elasticsearch"),
        ("redis_server", "redis"),
        ("prometheus_server", "prometheus"),
        ("jaeger_server", "jaeger"),
        ("stripe_mock_server", "stripe-mock"),
        ("smtp_server", "smtp"),
        ("localstripe_server", "localstripe"),
        ("toxiproxy_server", "toxiproxy"),
        ("s3_server", "s3"),
        ("postgres_cluster", "postgres"),
    ],
)
def test_servers_listen_on_loopback_only(
    fixture: str, name: str, request: pytest.FixtureRequest
) -> None:
    request.getfixturevalue(fixture)
    # The live pid, not the fixture's: another test may have restarted the server.
    pid = infra_server(name).pid()
    if pid is None:
        pytest.skip(f"{fixture} was not started by agora-infra; its process is not ours to inspect")
    root = psutil.Process(pid)
    addresses = {
        ip for process in [root, *root.children(recursive=True)] for ip in _listening(process)
    }

    assert addresses, f"{fixture} listens on nothing"
    assert all(_loopback(ip) for ip in addresses), f"{fixture} listens on {addresses}"


def _listening(process: psutil.Process) -> set[str]:
    """The addresses ``process`` listens on; none when it ended meanwhile (a database
    backend of another test can exit between listing and reading it)."""
    try:
        connections = process.net_connections(kind="inet")
    except (psutil.NoSuchProcess, FileNotFoundError):
        return set()
    return {conn.laddr.ip for conn in connections if conn.status == psutil.CONN_LISTEN}


def _loopback(ip: str) -> bool:
    address = ipaddress.ip_address(ip)
    # The JVM reports an IPv4 listener as IPv4-mapped IPv6 (::ffff:127.0.0.1).
    mapped = getattr(address, "ipv4_mapped", None)
    return (mapped or address).is_loopback
