"""Jaeger v2 (an OpenTelemetry Collector build): OTLP in, the query API out, traces in
memory. Built from source with ``go build``, because its go.mod has replace
directives that ``go install`` refuses (see toolchains.go_build_from_source). The Go module
keeps v1 tags: module version v1.76.0 is the Jaeger v2.13.0 release."""

from __future__ import annotations

import json

from agora_tools.infra.base import HOST, Server, env_port, http_ok, port_open
from agora_tools.infra.toolchains import go_build_from_source

MODULE = "github.com/jaegertracing/jaeger"
VERSION = "v1.76.0"


class Jaeger(Server):
    name = "jaeger"
    version = VERSION
    start_timeout = 60.0

    def __init__(self) -> None:
        super().__init__()
        self.otlp_grpc_port = env_port("JAEGER_OTLP_GRPC", 4317)
        self.otlp_http_port = env_port("JAEGER_OTLP_HTTP", 4318)
        self.query_port = env_port("JAEGER_QUERY", 16686)
        self.query_grpc_port = env_port("JAEGER_QUERY_GRPC", 16685)
        self.config_file = self.home / "config.yaml"

    @property
    def query_url(self) -> str:
        return f"http://{HOST}:{self.query_port}"

    @property
    def otlp_http_endpoint(self) -> str:
        return f"http://{HOST}:{self.otlp_http_port}"

    def install(self) -> None:
        go_build_from_source(MODULE, VERSION, "cmd/jaeger", "jaeger")

    def prepare(self) -> None:
        # The all-in-one shape (memory storage, query UI and API, OTLP receivers), every
        # listener on loopback and the collector's own metrics endpoint off.
        config = {
            "service": {
                "extensions": ["jaeger_storage", "jaeger_query"],
                "pipelines": {
                    "traces": {
                        "receivers": ["otlp"],
                        "processors": ["batch"],
                        "exporters": ["jaeger_storage_exporter"],
                    }
                },
                "telemetry": {"metrics": {"level": "none"}, "logs": {"level": "info"}},
            },
            "extensions": {
                "jaeger_storage": {"backends": {"memory": {"memory": {"max_traces": 100000}}}},
                "jaeger_query": {
                    "storage": {"traces": "memory"},
                    "http": {"endpoint": f"{HOST}:{self.query_port}"},
                    "grpc": {"endpoint": f"{HOST}:{self.query_grpc_port}"},
                },
            },
            "receivers": {
                "otlp": {
                    "protocols": {
                        "grpc": {"endpoint": f"{HOST}:{self.otlp_grpc_port}"},
                        "http": {"endpoint": f"{HOST}:{self.otlp_http_port}"},
                    }
                }
            },
            "processors": {"batch": {"timeout": "200ms"}},
            "exporters": {"jaeger_storage_exporter": {"trace_storage": "memory"}},
        }
        self.config_file.write_text(json.dumps(config, indent=2) + "\n")

    def command(self) -> list[str]:
        return [
            str(go_build_from_source(MODULE, VERSION, "cmd/jaeger", "jaeger")),
            "--config",
            str(self.config_file),
        ]

    def ready(self) -> bool:
        return http_ok(f"{self.query_url}/api/services") and port_open(self.otlp_http_port)

    def endpoints(self) -> dict[str, str]:
        return {
            "otlp_http": self.otlp_http_endpoint,
            "otlp_grpc": f"{HOST}:{self.otlp_grpc_port}",
            "query": self.query_url,
        }
