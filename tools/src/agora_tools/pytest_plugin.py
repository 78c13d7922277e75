"""Session-scoped pytest fixtures for every real server ``agora-infra`` provisions.

A fixture uses the server when it already answers on its port (started with
``tools/infra up``, or by an earlier session), or starts it through
:mod:`agora_tools.infra` and stops it when the session ends (``AGORA_INFRA_KEEP=1``
leaves it running for the next session). A server that cannot be had skips the test
with the reason, or fails it under ``AGORA_REQUIRE_INFRA=1``. Each fixture returns a
small dataclass of addresses and helpers.
"""

from __future__ import annotations

import contextlib
import email
import email.message
import email.policy
import mailbox
import os
import signal
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest

from agora_kit.testing import skip_or_fail
from agora_tools.infra import ProvisionError, Server
from agora_tools.infra.base import HOST
from agora_tools.infra.elasticsearch import Elasticsearch
from agora_tools.infra.jaeger import Jaeger
from agora_tools.infra.kafka import Kafka, console_consumer, tool_command
from agora_tools.infra.localstripe import API_KEY as LOCALSTRIPE_KEY
from agora_tools.infra.localstripe import LocalStripe
from agora_tools.infra.postgres import DATABASES, Postgres
from agora_tools.infra.prometheus import Prometheus, write_scrape_target
from agora_tools.infra.redis import Redis
from agora_tools.infra.s3 import ACCESS_KEY as S3_ACCESS_KEY
from agora_tools.infra.s3 import REGION as S3_REGION
from agora_tools.infra.s3 import S3
from agora_tools.infra.s3 import SECRET_KEY as S3_SECRET_KEY
from agora_tools.infra.smtp import SmtpSink
from agora_tools.infra.stripe_mock import API_KEY as STRIPE_MOCK_KEY
from agora_tools.infra.stripe_mock import StripeMock
from agora_tools.infra.toxiproxy import Proxy, Toxiproxy

S = TypeVar("S", bound=Server)


@contextlib.contextmanager
def _timeout_paused() -> Iterator[None]:
    """pytest-timeout's alarm counts fixture setup too. A first download or Go build
    can take minutes and is not the test's own time, so the alarm is held meanwhile."""
    on_main = threading.current_thread() is threading.main_thread()
    if not on_main or not hasattr(signal, "setitimer"):
        yield
        return
    remaining, _ = signal.setitimer(signal.ITIMER_REAL, 0)
    try:
        yield
    finally:
        if remaining > 0:
            signal.setitimer(signal.ITIMER_REAL, remaining)


@contextlib.contextmanager
def _provided(server: S) -> Iterator[S]:
    started = False
    try:
        with _timeout_paused():
            started = server.up()
    except (ProvisionError, OSError) as exc:
        skip_or_fail(f"{server.name} could not be started: {exc}")
    try:
        yield server
    finally:
        if started and os.environ.get("AGORA_INFRA_KEEP") != "1":
            server.down()


@dataclass(frozen=True)
class KafkaServer:
    bootstrap_servers: str
    jars_dir: Path
    java_classpath: str
    tools_log_config: Path
    pid: int | None

    def tool_command(self, main_class: str, *args: str) -> list[str]:
        """A command running one of Kafka's own tools on the JDK, from the broker's jars."""
        return tool_command(self.java_classpath, self.tools_log_config, main_class, *args)

    def console_consumer(
        self,
        topic: str,
        max_messages: int = 1,
        timeout_s: float = 30.0,
        *,
        from_beginning: bool = True,
        properties: dict[str, str] | None = None,
    ) -> list[str]:
        """What Kafka's console consumer prints for ``topic`` (one line per record)."""
        return console_consumer(
            self.java_classpath,
            self.tools_log_config,
            self.bootstrap_servers,
            topic,
            max_messages=max_messages,
            timeout_s=timeout_s,
            from_beginning=from_beginning,
            properties=properties,
        )


@dataclass(frozen=True)
class ElasticsearchServer:
    url: str
    pid: int | None


@dataclass(frozen=True)
class RedisServer:
    host: str
    port: int
    url: str
    pid: int | None


@dataclass(frozen=True)
class PrometheusServer:
    url: str
    targets_dir: Path
    pid: int | None

    def scrape(self, name: str, address: str) -> Path:
        """Have Prometheus scrape ``address``'s /metrics every second, its series labelled
        ``agora_target=name``; delete the returned file to stop."""
        return write_scrape_target(self.targets_dir, name, address)

    def query(self, promql: str) -> list[dict[str, Any]]:
        """An instant query's result vector."""
        answer = httpx.get(f"{self.url}/api/v1/query", params={"query": promql}, timeout=10)
        answer.raise_for_status()
        result: list[dict[str, Any]] = answer.json()["data"]["result"]
        return result


@dataclass(frozen=True)
class JaegerServer:
    otlp_http_endpoint: str
    otlp_grpc_endpoint: str
    query_url: str
    pid: int | None

    @property
    def otlp_traces_url(self) -> str:
        return f"{self.otlp_http_endpoint}/v1/traces"


@dataclass(frozen=True)
class StripeMockServer:
    url: str
    api_key: str
    pid: int | None


@dataclass(frozen=True)
class SmtpServer:
    host: str
    port: int
    maildir: Path
    pid: int | None

    def messages(self) -> list[email.message.Message]:
        """Every message received so far; the envelope is in ``X-Agora-Mail-From`` and
        ``X-Agora-Rcpt-To``."""
        box = mailbox.Maildir(self.maildir, factory=None, create=True)
        return [
            email.message_from_bytes(box.get_bytes(key), policy=email.policy.default)
            for key in box.iterkeys()
        ]


@dataclass(frozen=True)
class LocalStripeServer:
    url: str
    api_key: str
    pid: int | None


@dataclass(frozen=True)
class ToxiproxyServer:
    api_url: str
    pid: int | None

    def proxy(self, name: str, upstream: str) -> Proxy:
        """A proxy to ``upstream`` (host:port) whose toxics the test adds and removes."""
        return Proxy(self.api_url, name, upstream)


@dataclass(frozen=True)
class S3Server:
    """An S3-compatible server (versitygw over a directory): its endpoint and the root
    account's keys, which may create buckets."""

    url: str
    access_key: str
    secret_key: str
    region: str
    pid: int | None


@dataclass(frozen=True)
class PostgresCluster:
    host: str
    port: int
    databases: tuple[str, ...]
    pid: int | None

    def url(self, database: str) -> str:
        """A SQLAlchemy asyncpg URL of one of ``databases`` (``agora_<service>``)."""
        return f"postgresql+asyncpg://postgres@{self.host}:{self.port}/{database}"


@pytest.fixture(scope="session")
def kafka_server() -> Iterator[KafkaServer]:
    with _provided(Kafka()) as kafka:
        if not kafka.jars_dir.exists():
            # A broker someone else started: Kafka's tools still come from our cache.
            with _timeout_paused():
                kafka.install()
        yield KafkaServer(
            bootstrap_servers=kafka.bootstrap_servers,
            jars_dir=kafka.jars_dir,
            java_classpath=kafka.classpath(),
            tools_log_config=kafka.tools_log_config,
            pid=kafka.pid(),
        )


@pytest.fixture(scope="session")
def elasticsearch_server() -> Iterator[ElasticsearchServer]:
    with _provided(Elasticsearch()) as es:
        yield ElasticsearchServer(url=es.url, pid=es.pid())


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    with _provided(Redis()) as redis:
        yield RedisServer(host=HOST, port=redis.port, url=redis.url, pid=redis.pid())


@pytest.fixture(scope="session")
def prometheus_server() -> Iterator[PrometheusServer]:
    with _provided(Prometheus()) as prometheus:
        yield PrometheusServer(
            url=prometheus.url, targets_dir=prometheus.targets_dir, pid=prometheus.pid()
        )


@pytest.fixture(scope="session")
def jaeger_server() -> Iterator[JaegerServer]:
    with _provided(Jaeger()) as jaeger:
        yield JaegerServer(
            otlp_http_endpoint=jaeger.otlp_http_endpoint,
            otlp_grpc_endpoint=f"{HOST}:{jaeger.otlp_grpc_port}",
            query_url=jaeger.query_url,
            pid=jaeger.pid(),
        )


@pytest.fixture(scope="session")
def stripe_mock_server() -> Iterator[StripeMockServer]:
    with _provided(StripeMock()) as mock:
        yield StripeMockServer(url=mock.url, api_key=STRIPE_MOCK_KEY, pid=mock.pid())


@pytest.fixture(scope="session")
def smtp_server() -> Iterator[SmtpServer]:
    with _provided(SmtpSink()) as smtp:
        yield SmtpServer(host=HOST, port=smtp.port, maildir=smtp.maildir, pid=smtp.pid())


@pytest.fixture(scope="session")
def localstripe_server() -> Iterator[LocalStripeServer]:
    with _provided(LocalStripe()) as fake:
        yield LocalStripeServer(url=fake.url, api_key=LOCALSTRIPE_KEY, pid=fake.pid())


@pytest.fixture(scope="session")
def toxiproxy_server() -> Iterator[ToxiproxyServer]:
    with _provided(Toxiproxy()) as proxy:
        yield ToxiproxyServer(api_url=proxy.url, pid=proxy.pid())


@pytest.fixture(scope="session")
def s3_server() -> Iterator[S3Server]:
    with _provided(S3()) as s3:
        yield S3Server(
            url=s3.url,
            access_key=S3_ACCESS_KEY,
            secret_key=S3_SECRET_KEY,
            region=S3_REGION,
            pid=s3.pid(),
        )


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[PostgresCluster]:
    with _provided(Postgres()) as pg:
        yield PostgresCluster(host=HOST, port=pg.port, databases=DATABASES, pid=pg.pid())


__all__ = [
    "ElasticsearchServer",
    "JaegerServer",
    "KafkaServer",
    "LocalStripeServer",
    "PostgresCluster",
    "PrometheusServer",
    "RedisServer",
    "S3Server",
    "SmtpServer",
    "StripeMockServer",
    "ToxiproxyServer",
]
